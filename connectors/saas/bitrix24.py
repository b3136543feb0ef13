"""Bitrix24 REST over an inbound webhook ``https://PORTAL/rest/USER_ID/CODE/METHOD``.

Requests are JSON POSTs; ``batch`` sends up to 50 commands as one request (the commands are
query strings, PHP ``http_build_query`` style) and reports errors per command in
``result.result_error`` with HTTP 200. Lists page by 50 (``start`` / ``next``). The portal's leaky
bucket drains 2 requests/s and blocks above 50 (HTTP 503 ``QUERY_LIMIT_EXCEEDED``); a method over
its time budget answers HTTP 429 ``OPERATION_TIME_LIMIT``: both are waited out (``connectors.saas``).
The webhook's code is a secret: only ``masked`` (``…/rest/1/***/``) is ever shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx

from connectors.saas import Busy, Pacer, RemoteCrmError, RetryPolicy, retry_after, send
from vocabulary.messages import text

BATCH_MAX = 50
PAGE = 50
_WEBHOOK = re.compile(r"^(?P<scheme>https?)://(?P<host>[^/]+)/rest/(?P<user>\d+)/(?P<code>[^/]+)/?$")
_BUSY = {"QUERY_LIMIT_EXCEEDED", "OPERATION_TIME_LIMIT"}
_AUTH = {
    "INVALID_CREDENTIALS",
    "NO_AUTH_FOUND",
    "expired_token",
    "invalid_token",
    "insufficient_scope",
    "ACCESS_DENIED",
    "WRONG_AUTH_TYPE",
}


def php_query(params: dict, prefix: str = "") -> str:
    """``params`` as PHP's http_build_query writes them: ``fields[PHONE][0][VALUE]=…``."""
    parts: list[str] = []

    def walk(value: object, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}[{k}]" if key else str(k))
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, f"{key}[{i}]")
        elif value is not None:
            parts.append(f"{quote(key, safe='[]')}={quote(str(value), safe='')}")

    walk(params, prefix)
    return "&".join(parts)


def masked_webhook(url: str) -> str:
    """The webhook URL as it may be shown: its secret code replaced by ``***``."""
    m = _WEBHOOK.match(url.strip())
    return f"{m['scheme']}://{m['host']}/rest/{m['user']}/***/" if m else text("push.remote.not_a_webhook")


class Bitrix24:
    """One portal, reached through its inbound webhook."""

    def __init__(
        self, webhook: str, *, pacer: Pacer | None = None, policy: RetryPolicy | None = None, timeout: float = 60.0
    ) -> None:
        m = _WEBHOOK.match(webhook.strip())
        if m is None:
            raise RemoteCrmError(text("push.remote.webhook_url", masked=masked_webhook(webhook)))
        self.portal = m["host"]
        self.masked = masked_webhook(webhook)
        self._base = webhook.strip().rstrip("/") + "/"
        # 40 of the bucket's 50, then 1.8/s: always below the 2/s it drains, with room for other integrations.
        self.pacer = pacer or Pacer(rate=1.8, burst=40)
        self.policy = policy or RetryPolicy()
        self._http = httpx.Client(timeout=timeout)
        self.requests = 0  # every HTTP request sent (a batch counts once, as for the portal's limit)

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, params: dict | None = None, *, write: bool = False) -> dict:
        """The whole answer of one method (``result``, ``next``, ``total``); errors raise RemoteCrmError."""
        where = f"Bitrix24 {self.masked} {method}"

        def attempt() -> dict:
            self.pacer.wait()
            self.requests += 1
            response = self._http.post(self._base + method, json=params or {})
            try:
                body = response.json()
            except ValueError:
                body = {}
            error = body.get("error") if isinstance(body, dict) else None
            if response.status_code in (429, 503) or error in _BUSY:
                reset = (body.get("time") or {}).get("operating_reset_at") if isinstance(body, dict) else None
                raise Busy(error or f"HTTP {response.status_code}", retry_after(response) or _until(reset, body))
            if error is not None or response.status_code >= 400 or not isinstance(body, dict):
                raise _refused(where, response.status_code, body)
            return body

        return send(self.policy, attempt, write=write, where=where)

    def batch(self, commands: dict[str, tuple[str, dict]], *, write: bool) -> tuple[dict, dict]:
        """Run ``name → (method, params)`` in batches of 50: (name → result, name → "CODE: description")."""
        results: dict = {}
        errors: dict = {}
        names = list(commands)
        for start in range(0, len(names), BATCH_MAX):
            chunk = names[start : start + BATCH_MAX]
            cmd = {n: f"{commands[n][0]}?{php_query(commands[n][1])}" for n in chunk}
            answer = self.call("batch", {"halt": 0, "cmd": cmd}, write=write)["result"]
            results.update(answer.get("result") or {})
            for name, error in (answer.get("result_error") or {}).items():
                errors[name] = _describe(error)
        return results, errors

    def list_all(self, method: str, params: dict) -> Iterator[dict]:
        """Every row of a ``*.list`` method, page by page (``start`` = the ``next`` of the last answer)."""
        start = 0
        while True:
            answer = self.call(method, params | {"start": start})
            yield from answer.get("result") or []
            if answer.get("next") is None:
                return
            start = answer["next"]


def _until(reset_at: object, body: dict) -> float | None:
    """Seconds until ``operating_reset_at`` (a Unix time in the answer's ``time``), if the answer gives it."""
    now = (body.get("time") or {}).get("finish") if isinstance(body, dict) else None
    if isinstance(reset_at, int | float) and isinstance(now, int | float):
        return max(0.0, float(reset_at) - float(now))
    return None


def _describe(error: object) -> str:
    if isinstance(error, dict):
        code, text = error.get("error") or "ERROR", (error.get("error_description") or "").strip()
        return f"{code}: {text}" if text else str(code)
    return str(error)


def _refused(where: str, status: int, body: object) -> RemoteCrmError:
    error = body.get("error") if isinstance(body, dict) else None
    detail = _describe(body) if isinstance(body, dict) and body.get("error") is not None else f"HTTP {status}"
    if error in _AUTH or status == 401:
        return RemoteCrmError(text("push.remote.webhook_refused", where=where, detail=detail))
    return RemoteCrmError(f"{where}: {detail}")
