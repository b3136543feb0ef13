"""amoCRM API v4: ``https://SUBDOMAIN.amocrm.ru/api/v4/…`` with a long-lived token (``Authorization: Bearer``).

Companies and contacts are added (POST) and updated (PATCH) as JSON arrays of at most 50;
answers of an add correlate with the request by ``request_id``. An invalid item makes amoCRM
refuse the whole request with HTTP 400 ``{"validation-errors": [{"request_id", "errors"}]}``:
the refused items are reported per record and the others sent again. Lists answer 204 when
empty and page with ``page``/``limit`` (``_links.next``). At most 7 requests per second;
above, 429 (waited out by ``connectors.saas``). The token is a secret and never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from connectors.saas import Busy, Pacer, RemoteCrmError, RetryPolicy, retry_after, send
from vocabulary.messages import text

CHUNK = 50


class AmoCrm:
    """One amoCRM account."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        pacer: Pacer | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = 60.0,
    ) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RemoteCrmError(text("push.remote.amocrm_url", url=url))
        self.portal = parts.netloc
        self._base = f"{parts.scheme}://{parts.netloc}/api/v4/"
        self.pacer = pacer or Pacer(rate=6.0, burst=6)  # amoCRM allows 7 per second
        self.policy = policy or RetryPolicy()
        self._http = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {token}"})
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, *, body: object = None, params: dict | None = None) -> object:
        """The decoded answer (None for 204); a 400 with validation errors is returned for the caller to split."""
        where = f"amoCRM {self.portal} {method} /api/v4/{path}"

        def attempt() -> object:
            self.pacer.wait()
            self.requests += 1
            response = self._http.request(method, self._base + path, json=body, params=params)
            if response.status_code == 429:
                raise Busy("HTTP 429 Too Many Requests", retry_after(response))
            if response.status_code == 204:
                return None
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if response.status_code == 400 and isinstance(answer, dict) and "validation-errors" in answer:
                return answer
            if response.status_code in (401, 403):
                raise RemoteCrmError(text("push.remote.token_refused", where=where, status=response.status_code))
            if response.status_code >= 400:
                detail = answer.get("detail") or answer.get("title") if isinstance(answer, dict) else None
                raise RemoteCrmError(f"{where}: HTTP {response.status_code}" + (f" {detail}" if detail else ""))
            return answer

        return send(self.policy, attempt, write=method != "GET", where=where)

    def pages(self, path: str, key: str, params: dict | None = None) -> Iterator[dict]:
        """Every item of a list (``_embedded[key]``), page by page."""
        page = 1
        while True:
            answer = self.request("GET", path, params=(params or {}) | {"page": page, "limit": 250})
            if not answer:
                return
            yield from answer.get("_embedded", {}).get(key, [])
            if "next" not in answer.get("_links", {}):
                return
            page += 1

    def send_items(self, method: str, entity: str, items: list[dict]) -> tuple[list[dict], dict[str, str]]:
        """POST/PATCH ``items`` (each with a ``request_id``) in arrays of ≤50: (answers, request_id → error)."""
        answers: list[dict] = []
        refused: dict[str, str] = {}
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            while chunk:
                answer = self.request(method, entity, body=chunk)
                problems = _validation_errors(answer, chunk)
                if not problems:
                    answers += (answer or {}).get("_embedded", {}).get(entity, [])
                    break
                refused |= problems
                chunk = [i for i in chunk if i["request_id"] not in problems]
        return answers, refused


def _validation_errors(answer: object, chunk: list[dict]) -> dict[str, str]:
    """request_id → "path: detail" for every item a 400 answer refused (the whole chunk when it does not say)."""
    if not (isinstance(answer, dict) and "validation-errors" in answer):
        return {}
    problems: dict[str, str] = {}
    for entry in answer["validation-errors"]:
        detail = "; ".join(f"{e.get('path', '')}: {e.get('detail') or e.get('code')}" for e in entry.get("errors", []))
        request_id = str(entry.get("request_id", ""))
        if request_id.isdigit() and int(request_id) < len(chunk) and request_id not in {i["request_id"] for i in chunk}:
            request_id = chunk[int(request_id)]["request_id"]  # amoCRM numbers the items when no request_id matched
        problems[request_id] = detail or text("push.remote.refused")
    known = {i["request_id"] for i in chunk}
    return problems if problems.keys() & known else {i["request_id"]: text("push.remote.refused") for i in chunk}
