"""Read counterparties and contact persons from a 1C base through its standard OData interface.

I/O only: which catalogs the base publishes (the service document), their elements page
by page, as the JSON dicts 1C sends, and one-line ``SourceError``s a consultant can act on.
Turning elements into records is ``transforms.onec_catalogs``.

The interface is the platform's ``…/odata/standard.odata`` (OData 3): every request sends
``$format=json`` (1C answers Atom XML otherwise); pages are ``$top``/``$skip`` over
``$orderby=Ref_Key`` so they do not shift between requests; query values are
percent-encoded with ``%20`` because 1C does not read ``+`` as a space.
"""
from __future__ import annotations

import hashlib
import re
from types import TracebackType
from urllib.parse import quote

import httpx

from connectors.errors import SourceError
from connectors.urls import mask_url
from vocabulary.onec import CONTACT_CATALOGS, COUNTERPARTIES

PAGE_SIZE = 1000
FINGERPRINT_FIELDS = ("Ref_Key", "DataVersion", "DeletionMark")
_PUBLISH_HINT = ("publish it in 1C (Администрирование → Синхронизация данных → "
                 "Настройка стандартного интерфейса OData)")


class _Service:
    """One 1C OData service: GET requests that either return the ``value`` list or raise ``SourceError``."""

    def __init__(self, url: str, user: str | None, password: str | None, *, label: str, timeout: float,
                 transport: httpx.BaseTransport | None) -> None:
        self._root = url.rstrip("/")
        self._user = user
        self._label = label
        self._timeout = timeout
        self._client = httpx.Client(auth=httpx.BasicAuth(user, password or "") if user else None,
                                    timeout=timeout, transport=transport, follow_redirects=True,
                                    headers={"Accept": "application/json"})

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._client.close()

    def entity_sets(self) -> set[str]:
        """Names of the entity sets the service document lists (what is published)."""
        return {str(item.get("name")) for item in self._get("", {}, "the service document")
                if isinstance(item, dict)}

    def require(self, entity_set: str, published: set[str]) -> None:
        if entity_set not in published:
            raise self._error(f"the OData interface does not publish {entity_set} — {_PUBLISH_HINT}")

    def rows(self, entity_set: str, *, page_size: int, select: tuple[str, ...] = ()) -> list[dict]:
        """Every element of ``entity_set``, page by page; a short page is the last one."""
        found: list[dict] = []
        while True:
            query = {"$top": str(page_size), "$skip": str(len(found)), "$orderby": "Ref_Key"}
            if select:
                query["$select"] = ",".join(select)
            page = self._get("/" + quote(entity_set), query, entity_set)
            found += [row for row in page if isinstance(row, dict)]
            # A server that ignores $top sends everything at once: that page is the whole set.
            if len(page) != page_size:
                return found

    def _get(self, path: str, query: dict[str, str], what: str) -> list:
        params = "&".join(f"{k}={quote(v, safe=',')}" for k, v in {"$format": "json", **query}.items())
        try:
            response = self._client.get(f"{self._root}{path or '/'}?{params}")
        except httpx.TimeoutException:
            raise self._error(f"no answer within {self._timeout:g} s — the 1C server is busy or unreachable; "
                              "retry later or raise the timeout") from None
        except httpx.ConnectError as exc:
            raise self._error(f"cannot connect ({_one_line(str(exc)) or 'connection refused'}) — "
                              "check the url and that the 1C web server is running") from None
        except httpx.HTTPError as exc:
            raise self._error(f"cannot read {what}: {type(exc).__name__} {_one_line(str(exc))}") from None
        if response.status_code >= 400:
            raise self._error(self._status_problem(response, what))
        body = _json(response)
        if not isinstance(body, dict):
            raise self._error(f"the answer to {what} is not OData JSON ({_describe(response)}) — "
                              "the url must point at the base's …/odata/standard.odata")
        if "odata.error" in body:
            raise self._error(f"1C refused {what}: {_odata_message(body)}")
        if not isinstance(body.get("value"), list):
            raise self._error(f"the answer to {what} has no «value» list — not a 1C OData answer")
        return body["value"]

    def _status_problem(self, response: httpx.Response, what: str) -> str:
        status = f"{response.status_code} {response.reason_phrase}".strip()
        said = _odata_message(_json(response))
        if response.status_code == 401:
            return f"{status} — " + ("check user and password_env" if self._user
                                     else "the base needs a 1C user: set user and password_env")
        if response.status_code == 403:
            return f"{status} — the 1C user {self._user!r} may not read {what}: grant it read rights in 1C"
        if response.status_code == 404 and what == "the service document":
            return (f"{status} — no 1C OData service at this URL: it ends in /odata/standard.odata and the "
                    "base must be published on the web server with the standard OData interface enabled")
        if response.status_code == 404:
            return f"the OData interface does not publish {what} — {_PUBLISH_HINT}"
        return f"{status} for {what}" + (f": 1C says «{said}»" if said else f" ({_describe(response)})")

    def _error(self, problem: str) -> SourceError:
        return SourceError(f"{self._label}: {problem}")


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _odata_message(body: object) -> str:
    """The text of 1C's ``{"odata.error": {"code": …, "message": {"lang": "ru", "value": …}}}``."""
    error = body.get("odata.error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    text = message.get("value") if isinstance(message, dict) else message
    return _one_line(str(text)) if text else ""


def _describe(response: httpx.Response) -> str:
    """What came instead of JSON: the content type and the start of the text (an HTML page's title)."""
    text = _one_line(response.text)
    if title := re.search(r"<title>(.*?)</title>", text, re.IGNORECASE):
        text = title.group(1).strip()
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    return f"{kind}: «{text[:80]}»" if text else f"{kind}, empty body"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _label(url: str, source_name: str | None) -> str:
    masked = mask_url(url)
    return f"{source_name} ({masked})" if source_name else masked


def read_catalogs(url: str, user: str | None, password: str | None, *, source_name: str, timeout: float = 60,
                  page_size: int = PAGE_SIZE, transport: httpx.BaseTransport | None = None) -> dict[str, list[dict]]:
    """Every element of the counterparty catalog and of each published contact person catalog, by catalog.

    The contact person catalog is whichever the configuration publishes (БП 3.0:
    ``Catalog_КонтактныеЛица``; УТ 11, КА, ERP: ``Catalog_КонтактныеЛицаПартнеров``).
    """
    with _Service(url, user, password, label=_label(url, source_name), timeout=timeout,
                  transport=transport) as service:
        published = service.entity_sets()
        service.require(COUNTERPARTIES, published)
        return {c: service.rows(c, page_size=page_size) for c in (COUNTERPARTIES, *CONTACT_CATALOGS)
                if c == COUNTERPARTIES or c in published}


def odata_fingerprint(url: str, user: str | None, password: str | None, *, timeout: float = 60,
                      transport: httpx.BaseTransport | None = None, source_name: str | None = None) -> str:
    """A cheap change detector for a sensor: a hash of (Ref_Key, DataVersion, DeletionMark)
    of every counterparty and contact person. 1C changes ``DataVersion`` on every write of an
    element, so the hash changes exactly when an element is added, changed, marked or deleted."""
    digest = hashlib.sha256()
    with _Service(url, user, password, label=_label(url, source_name), timeout=timeout,
                  transport=transport) as service:
        published = service.entity_sets()
        service.require(COUNTERPARTIES, published)
        for catalog in (COUNTERPARTIES, *(c for c in CONTACT_CATALOGS if c in published)):
            rows = service.rows(catalog, page_size=PAGE_SIZE, select=FINGERPRINT_FIELDS)
            lines = sorted(f"{catalog}\t{r.get('Ref_Key')}\t{r.get('DataVersion')}\t{bool(r.get('DeletionMark'))}"
                           for r in rows)
            digest.update("\n".join([catalog, *lines, ""]).encode())
    return digest.hexdigest()
