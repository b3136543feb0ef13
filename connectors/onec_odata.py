"""Read counterparties and contact persons from a 1C base through its standard OData interface.

I/O only: which catalogs the base publishes (the service document), their elements page
by page, as the JSON dicts 1C sends, and one-line ``SourceError``s a consultant can act on.
Turning elements into records is ``transforms.onec_catalogs``.

The interface is the platform's ``…/odata/standard.odata`` (OData 3): every request sends
``$format=json`` (1C answers Atom XML otherwise); pages are ``$top``/``$skip`` over
``$orderby=Ref_Key`` so they do not shift between requests; 5xx answers, timeouts and
dropped connections are retried with exponential backoff and jitter (tenacity); query values are
percent-encoded with ``%20`` because 1C does not read ``+`` as a space.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import quote

import httpx
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from connectors.errors import SourceError
from connectors.urls import mask_url
from vocabulary.messages import text
from vocabulary.onec import CONTACT_CATALOGS, COUNTERPARTIES, Version

PAGE_SIZE = 1000
TIMEOUT = 60.0
RETRIES = 4  # after the first try: 5 attempts, about 1 + 2 + 4 + 8 s of waiting with the default backoff
BACKOFF = 1.0  # seconds before the first retry; doubled each time, with jitter, at most MAX_BACKOFF
MAX_BACKOFF = 30.0
MAX_QUERY_CHARS = 1800  # a $filter on a batch of keys stays under the 2 KB URL limit of IIS and proxies
FINGERPRINT_FIELDS = ("Ref_Key", "DataVersion", "DeletionMark")


@dataclass(frozen=True)
class ODataOptions:
    """How to talk to one 1C base: the ``timeout:``/``page_size:`` keys of an onec_odata source, and retries."""

    timeout: float = TIMEOUT
    page_size: int = PAGE_SIZE
    retries: int = RETRIES
    backoff: float = BACKOFF


class _Busy(Exception):
    """A 5xx answer: the 1C server is overloaded or restarting, worth another try."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _transient(exc: BaseException) -> bool:
    """Worth a retry: 5xx, a timeout, a connection dropped mid-answer (not a refused one: a wrong URL fails fast)."""
    return isinstance(
        exc, _Busy | httpx.TimeoutException | httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError
    )


class _Service:
    """One 1C OData service: GET requests that either return the ``value`` list or raise ``SourceError``."""

    def __init__(
        self,
        url: str,
        user: str | None,
        password: str | None,
        *,
        label: str,
        options: ODataOptions,
        transport: httpx.BaseTransport | None,
    ) -> None:
        self._root = url.rstrip("/")
        self._user = user
        self._label = label
        self._options = options
        self.notes: list[str] = []
        self._client = httpx.Client(
            auth=httpx.BasicAuth(user, password or "") if user else None,
            timeout=options.timeout,
            transport=transport,
            follow_redirects=True,
            headers={"Accept": "application/json"},
        )

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._client.close()

    def entity_sets(self) -> set[str]:
        """Names of the entity sets the service document lists (what is published)."""
        return {
            str(item.get("name"))
            for item in self._get("", {}, text("sources.odata.service_document"))
            if isinstance(item, dict)
        }

    def require(self, entity_set: str, published: set[str]) -> None:
        if entity_set not in published:
            raise self._error(text("sources.odata.not_published", what=entity_set))

    def catalogs(self) -> list[str]:
        """The counterparty catalog and the contact person catalogs this base publishes."""
        published = self.entity_sets()
        self.require(COUNTERPARTIES, published)
        return [COUNTERPARTIES, *(c for c in CONTACT_CATALOGS if c in published)]

    def rows(self, entity_set: str, *, select: tuple[str, ...] = (), where: str | None = None) -> list[dict]:
        """Every element of ``entity_set`` (matching ``where``), page by page over ``$orderby=Ref_Key``.

        A page shorter than asked ends the set only once the server has shown it honours the
        page size; a short *first* page may be a server-side cap on ``$top`` (a publication
        limit), so the next page is asked for: if it has elements, the cap becomes the page size.
        """
        found: list[dict] = []
        size, honoured = self._options.page_size, False
        while True:
            query = {"$top": str(size), "$skip": str(len(found)), "$orderby": "Ref_Key"}
            if select:
                query["$select"] = ",".join(select)
            if where:
                query["$filter"] = where
            page = [row for row in self._get("/" + quote(entity_set), query, entity_set) if isinstance(row, dict)]
            if len(page) > size:  # the server ignores $top and sent everything: that is the whole set
                return page if not found else found + page
            found += page
            if len(page) == size:
                honoured = True
            elif not page or honoured:
                return found
            else:
                self.notes.append(text("sync.top_capped", catalog=entity_set, cap=len(page), asked=size))
                size, honoured = len(page), True

    def _get(self, path: str, query: dict[str, str], what: str) -> list:
        params = "&".join(f"{k}={quote(v, safe=',')}" for k, v in {"$format": "json", **query}.items())
        url = f"{self._root}{path or '/'}?{params}"
        retrying = Retrying(
            stop=stop_after_attempt(self._options.retries + 1),
            reraise=True,
            wait=wait_exponential_jitter(
                multiplier=self._options.backoff, max=MAX_BACKOFF, jitter=self._options.backoff
            ),
            retry=retry_if_exception(_transient),
        )
        try:
            response = retrying(self._answer, url)
        except _Busy as busy:
            response = busy.response
        except httpx.TimeoutException:
            raise self._error(
                text("sync.timeout", seconds=f"{self._options.timeout:g}", attempts=self._options.retries + 1)
            ) from None
        except httpx.ConnectError as exc:
            detail = _one_line(str(exc)) or text("sources.odata.connection_refused")
            raise self._error(text("sources.odata.cannot_connect", detail=detail)) from None
        except httpx.HTTPError as exc:
            raise self._error(
                text("sources.odata.cannot_read", what=what, kind=type(exc).__name__, detail=_one_line(str(exc)))
            ) from None
        if response.status_code >= 400:
            raise self._error(self._status_problem(response, what, service_document=not path))
        body = _json(response)
        if not isinstance(body, dict):
            raise self._error(text("sources.odata.not_json", what=what, detail=_describe(response)))
        if "odata.error" in body:
            raise self._error(text("sources.odata.refused", what=what, detail=_odata_message(body)))
        if not isinstance(body.get("value"), list):
            raise self._error(text("sources.odata.no_value", what=what))
        return body["value"]

    def _answer(self, url: str) -> httpx.Response:
        response = self._client.get(url)
        if response.status_code >= 500:
            raise _Busy(response)
        return response

    def _status_problem(self, response: httpx.Response, what: str, *, service_document: bool) -> str:
        status = f"{response.status_code} {response.reason_phrase}".strip()
        said = _odata_message(_json(response))
        if response.status_code == 401:
            return text("sources.odata.check_password" if self._user else "sources.odata.needs_user", status=status)
        if response.status_code == 403:
            return text("sources.odata.forbidden", status=status, user=self._user, what=what)
        if response.status_code == 404 and service_document:
            return text("sources.odata.no_service", status=status)
        if response.status_code == 404:
            return text("sources.odata.not_published", what=what)
        if said:
            return text("sources.odata.status_said", status=status, what=what, said=said)
        return text("sources.odata.status", status=status, what=what, detail=_describe(response))

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
    said = message.get("value") if isinstance(message, dict) else message
    return _one_line(str(said)) if said else ""


def _describe(response: httpx.Response) -> str:
    """What came instead of JSON: the content type and the start of the text (an HTML page's title)."""
    shown = _one_line(response.text)
    if title := re.search(r"<title>(.*?)</title>", shown, re.IGNORECASE):
        shown = title.group(1).strip()
    kind = response.headers.get("content-type", "").split(";")[0] or text("sources.odata.no_content_type")
    return f"{kind}: «{shown[:80]}»" if shown else text("sources.odata.empty_body", kind=kind)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _label(url: str, source_name: str | None) -> str:
    masked = mask_url(url)
    return f"{source_name} ({masked})" if source_name else masked


def _service(
    url: str,
    user: str | None,
    password: str | None,
    source_name: str | None,
    options: ODataOptions | None,
    transport: httpx.BaseTransport | None,
) -> _Service:
    return _Service(
        url, user, password, label=_label(url, source_name), options=options or ODataOptions(), transport=transport
    )


def read_catalogs(
    url: str,
    user: str | None,
    password: str | None,
    *,
    source_name: str,
    options: ODataOptions | None = None,
    transport: httpx.BaseTransport | None = None,
    **settings: float,
) -> dict[str, list[dict]]:
    """Every element of the counterparty catalog and of each published contact person catalog, by catalog.

    The contact person catalog is whichever the configuration publishes (БП 3.0:
    ``Catalog_КонтактныеЛица``; УТ 11, КА, ERP: ``Catalog_КонтактныеЛицаПартнеров``).
    ``settings`` are ``ODataOptions`` fields (``timeout=5``, ``page_size=100``) when no ``options`` are given.
    """
    with _service(url, user, password, source_name, options or ODataOptions(**settings), transport) as service:
        return {catalog: service.rows(catalog) for catalog in service.catalogs()}


def scan_versions(
    url: str,
    user: str | None,
    password: str | None,
    *,
    source_name: str | None = None,
    options: ODataOptions | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, dict[str, Version]]:
    """catalog → Ref_Key → (DataVersion, DeletionMark) of every element: three short fields per element,
    so 100,000 counterparties are a hundred small pages."""
    with _service(url, user, password, source_name, options, transport) as service:
        return {
            catalog: {
                str(row["Ref_Key"]): Version(str(row.get("DataVersion")), bool(row.get("DeletionMark")))
                for row in service.rows(catalog, select=FINGERPRINT_FIELDS)
                if row.get("Ref_Key")
            }
            for catalog in service.catalogs()
        }


def fetch_elements(
    url: str,
    user: str | None,
    password: str | None,
    keys: dict[str, Iterable[str]],
    *,
    source_name: str | None = None,
    options: ODataOptions | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, list[dict]]:
    """The full elements of ``keys`` (catalog → Ref_Keys), in batches of ``Ref_Key eq guid'…' or …`` filters
    that keep each URL under ``MAX_QUERY_CHARS``. A key deleted meanwhile is simply not returned."""
    with _service(url, user, password, source_name, options, transport) as service:
        return {
            catalog: [row for where in _key_filters(sorted(refs)) for row in service.rows(catalog, where=where)]
            for catalog, refs in keys.items()
        }


def _key_filters(keys: list[str]) -> Iterator[str]:
    batch: list[str] = []
    for key in keys:
        clause = f"Ref_Key eq guid'{key}'"
        if batch and len(quote(" or ".join([*batch, clause]))) > MAX_QUERY_CHARS:
            yield " or ".join(batch)
            batch = []
        batch.append(clause)
    if batch:
        yield " or ".join(batch)


def fingerprint_of(versions: dict[str, dict[str, Version]]) -> str:
    """One hash of every (catalog, Ref_Key, DataVersion, DeletionMark): it changes exactly when an element
    is added, changed, marked or deleted, or a catalog is published."""
    digest = hashlib.sha256()
    for catalog in sorted(versions):
        lines = sorted(f"{catalog}\t{key}\t{v.data_version}\t{v.deleted}" for key, v in versions[catalog].items())
        digest.update("\n".join([catalog, *lines, ""]).encode())
    return digest.hexdigest()
