"""A fake 1C:Enterprise standard OData server (``…/odata/standard.odata``) for tests.

A real HTTP server on 127.0.0.1 (random port, background thread) that answers the way a
published 1C base does for what a reader uses:

* ``GET …/standard.odata/?$format=json`` — the service document
  ``{"odata.metadata": …, "value": [{"name": "Catalog_…", "url": "Catalog_…"}]}``;
  without ``$format=json`` an Atom service document, as 1C's default is Atom XML;
* ``GET …/$metadata`` — EDMX (namespace ``StandardODATA``) built from the data, tabular
  parts as ``Collection(…_RowType)`` properties;
* ``GET …/Catalog_X?$format=json`` with ``$top``, ``$skip``, ``$orderby`` (``F [asc|desc]``,
  several), ``$select``, ``$filter`` (``F eq|ne literal`` joined by ``and``; literals
  ``true``, ``false``, ``'text'``, ``guid'…'``, numbers) — ``{"odata.metadata": …, "value": […]}``
  with ``…@navigationLinkUrl`` keys next to references, as 1C sends; without ``$orderby``
  elements come in insertion order;
* Basic auth: a wrong or missing login gives 401 with ``WWW-Authenticate: Basic realm="1C:Enterprise 8.3"``;
* an unknown entity set gives 404 with an ``{"odata.error": {"code", "message": {"lang", "value"}}}``
  body, a bad query option 400 with the same shape (the exact codes and texts of real 1C
  vary by release: these are illustrative);
* a query value's ``+`` is not a space (1C decodes only ``%20``);
* ``$filter`` also takes ``or`` between ``and`` groups, as a sync asks for a batch of keys
  (``Ref_Key eq guid'…' or Ref_Key eq guid'…'``).

Failure injection for resilience tests: ``fail(resource, status, times)`` answers 5xx,
``drop(resource, times)`` closes the connection without an answer, ``slow(resource, seconds,
times)`` answers late, ``cap_top = n`` answers at most n elements per page whatever ``$top``
says (as a publication with a page limit does). ``full_records`` counts the elements sent
without ``$select`` — what a sync fetched in full.

Data lives in ``catalogs`` (entity set → elements as 1C sends them); ``add``/``change``/
``remove`` mutate it between calls (``change`` gives a new ``DataVersion``, as every write in
1C does); ``requests`` records every request; ``serve_raw`` makes one path answer anything
(an HTML error page, broken JSON). The builders below make elements of the real shapes of
БП 3.0 and УТ 11.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from tests.fake_http import LoopbackServer

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
REALM = 'Basic realm="1C:Enterprise 8.3"'
BASE_PATH = "/base/odata/standard.odata"
_STANDARD_FIELDS = ("Ref_Key", "DataVersion", "DeletionMark", "Description", "Code")
_JSON = "application/json;charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One request as the fake saw it: ``resource`` is the entity set, ``$metadata`` or "" (service document)."""

    resource: str
    query: dict[str, str]


class ODataError(Exception):
    """Answered as ``status`` with an ``odata.error`` body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FakeOneC(LoopbackServer):
    """``with FakeOneC({"Catalog_Контрагенты": [...]}) as onec: read_odata(onec.url, "odata", "secret", ...)``."""

    def __init__(
        self,
        catalogs: dict[str, list[dict]] | None = None,
        *,
        user: str | None = "odata",
        password: str = "secret",
        base_path: str = BASE_PATH,
    ) -> None:
        self.user, self.password, self.base_path = user, password, base_path
        self.catalogs: dict[str, list[dict]] = {}
        self.requests: list[Request] = []
        self.raw: dict[str, tuple[int, str, bytes]] = {}
        self.faults: list[_Fault] = []
        self.cap_top: int | None = None
        self.full_records: Counter[str] = Counter()  # entity set → elements sent in full (no $select)
        # (catalog, $orderby) → the elements in that order and every property name they have
        self._sorted: dict[tuple[str, str], tuple[list[dict], set[str]]] = {}
        self._lock = threading.Lock()
        self._versions = itertools.count(1)
        for name, rows in (catalogs or {}).items():
            self.catalogs[name] = []
            for row in rows:
                self.add(name, row)

    # -- lifecycle ---------------------------------------------------------------------------
    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    @property
    def url(self) -> str:
        """The service root, e.g. ``http://127.0.0.1:54321/base/odata/standard.odata`` (valid after stop too)."""
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    # -- data --------------------------------------------------------------------------------
    def add(self, catalog: str, element: dict) -> dict:
        """Add an element (an empty catalog is created, i.e. published); it gets a DataVersion if it has none."""
        element = {"DataVersion": self._next_version(), **element}
        with self._lock:
            self.catalogs.setdefault(catalog, []).append(element)
            self._sorted.clear()
        return element

    def change(self, catalog: str, ref_key: str, **fields: object) -> None:
        """Write an element in 1C: new field values and a new ``DataVersion``."""
        with self._lock:
            element = self._find(catalog, ref_key)
            element.update(fields, DataVersion=self._next_version())
            self._sorted.clear()

    def remove(self, catalog: str, ref_key: str) -> None:
        """Delete an element for good (as 1C's deletion of marked objects does)."""
        with self._lock:
            self.catalogs[catalog].remove(self._find(catalog, ref_key))
            self._sorted.clear()

    def fail(self, resource: str, status: int = 503, times: int = 1) -> None:
        """The next ``times`` requests of ``resource`` get ``status`` (a busy or failing 1C server)."""
        self.faults.append(_Fault(resource, times, status=status))

    def drop(self, resource: str, times: int = 1) -> None:
        """The next ``times`` requests of ``resource`` lose their connection before any answer."""
        self.faults.append(_Fault(resource, times, drop=True))

    def slow(self, resource: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` requests of ``resource`` are answered after ``seconds``."""
        self.faults.append(_Fault(resource, times, delay=seconds))

    def fault(self, resource: str) -> _Fault | None:
        """The injected fault the next request of ``resource`` meets, if any (used up one by one)."""
        with self._lock:
            for fault in self.faults:
                if fault.resource == resource and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def serve_raw(self, resource: str, status: int, body: str | bytes, content_type: str = "text/html") -> None:
        """Answer ``resource`` ("" = service document, or an entity set) with exactly this, after auth."""
        self.raw[resource] = (status, content_type, body.encode() if isinstance(body, str) else body)

    def count(self, resource: str) -> int:
        return sum(1 for r in self.requests if r.resource == resource)

    def _find(self, catalog: str, ref_key: str) -> dict:
        return next(e for e in self.catalogs[catalog] if e.get("Ref_Key") == ref_key)

    def _next_version(self) -> str:
        return base64.b64encode(next(self._versions).to_bytes(8, "big")).decode()

    # -- answers -----------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, str], authorization: str | None) -> tuple[int, dict, bytes]:
        """(status, headers, body) for one GET."""
        if not path.startswith(self.base_path):
            return 404, {"Content-Type": "text/html"}, b"<html><head><title>404 Not Found</title></head></html>"
        resource = path[len(self.base_path) :].strip("/")
        with self._lock:
            self.requests.append(Request(resource, dict(query)))
        if self.user is not None and authorization != _basic(self.user, self.password):
            return 401, {"WWW-Authenticate": REALM, "Content-Type": "text/plain"}, b""
        if resource in self.raw:
            status, content_type, body = self.raw[resource]
            return status, {"Content-Type": content_type}, body
        try:
            with self._lock:
                return self._answer(resource, query)
        except ODataError as error:
            body = {"odata.error": {"code": error.code, "message": {"lang": "ru", "value": error.message}}}
            return error.status, {"Content-Type": _JSON}, _dump(body)

    def _answer(self, resource: str, query: dict[str, str]) -> tuple[int, dict, bytes]:
        as_json = query.get("$format", "").lower() in ("json", "application/json")
        root = self.url
        if resource == "$metadata":
            return 200, {"Content-Type": "application/xml;charset=utf-8"}, _edmx(self.catalogs).encode()
        if resource == "":
            if not as_json:
                return (
                    200,
                    {"Content-Type": "application/atomsvc+xml;charset=utf-8"},
                    _atom_service(root, self.catalogs),
                )
            value = [{"name": name, "url": name} for name in self.catalogs]
            return 200, {"Content-Type": _JSON}, _dump({"odata.metadata": f"{root}/$metadata", "value": value})
        if resource not in self.catalogs:
            raise ODataError(404, "9", f"Не найден ресурс: {resource}")
        ordered, known = self._ordered(resource, query.get("$orderby"))
        rows = _query(resource, ordered, known, query, self.cap_top)
        if not query.get("$select"):
            self.full_records[resource] += len(rows)
        if not as_json:
            return 200, {"Content-Type": "application/atom+xml;charset=utf-8"}, _atom_feed(root, resource, rows)
        return 200, {"Content-Type": _JSON}, _dump({"odata.metadata": f"{root}/$metadata#{resource}", "value": rows})

    def _ordered(self, catalog: str, orderby: str | None) -> tuple[list[dict], set[str]]:
        """The catalog in ``$orderby`` order, sorted once per change of the data (50,000 elements page fast)."""
        key = (catalog, orderby or "")
        if key not in self._sorted:
            known = {name for e in self.catalogs[catalog] for name in e} | set(_STANDARD_FIELDS)
            rows = list(self.catalogs[catalog])
            for name, descending in reversed(_order(orderby, known)):
                rows.sort(key=lambda e, name=name: (e.get(name) is None, str(e.get(name, ""))), reverse=descending)
            self._sorted[key] = rows, known
        return self._sorted[key]


@dataclass
class _Fault:
    resource: str
    times: int
    status: int | None = None
    drop: bool = False
    delay: float = 0.0


def _handler(fake: FakeOneC) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(_split_query(parts.query))
            path = unquote(parts.path)
            fault = fake.fault(path[len(fake.base_path) :].strip("/"))
            if fault and fault.drop:
                self.close_connection = True  # no status line: the client sees the connection dropped
                return
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and fault.status:
                body = _dump({"odata.error": {"code": "-1", "message": {"lang": "ru", "value": "Сервис недоступен"}}})
                status, headers = fault.status, {"Content-Type": _JSON}
            else:
                status, headers, body = fake.answer(path, query, self.headers.get("Authorization"))
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _split_query(query: str) -> Iterator[tuple[str, str]]:
    """Query options decoded like 1C does: ``%XX`` only, a ``+`` stays a plus."""
    for part in filter(None, query.split("&")):
        name, _, value = part.partition("=")
        yield unquote(name), unquote(value)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _dump(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


# -- query options ---------------------------------------------------------------------------
def _query(
    catalog: str, elements: list[dict], known: set[str], query: dict[str, str], cap: int | None = None
) -> list[dict]:
    """``elements`` (already in ``$orderby`` order, ``known`` their properties) filtered, paged, selected."""
    unknown = set(query) - {"$format", "$top", "$skip", "$orderby", "$select", "$filter"}
    if unknown:
        raise ODataError(400, "6", f"Неизвестный параметр запроса: {sorted(unknown)[0]}")
    matches = _predicate(query.get("$filter"), known)
    rows = [e for e in elements if matches(e)] if query.get("$filter") else elements
    rows = rows[_number(query, "$skip", 0) :]
    top = _number(query, "$top", None)
    top = min(top, cap) if top is not None and cap is not None else top if top is not None else cap
    rows = rows[:top] if top is not None else rows
    select = [s.strip() for s in query["$select"].split(",")] if query.get("$select") else None
    if select and (bad := [s for s in select if s not in known]):
        raise ODataError(400, "6", f"Неверное имя свойства: {bad[0]}")
    return [{s: e.get(s) for s in select} if select else _with_links(catalog, e) for e in rows]


def _with_links(catalog: str, element: dict) -> dict:
    """The element as 1C sends it: a ``…@navigationLinkUrl`` next to each reference attribute."""
    links = {
        f"{name[:-4]}@navigationLinkUrl": f"{catalog}(guid'{element.get('Ref_Key')}')/{name[:-4]}"
        for name in element
        if name.endswith("_Key") and name != "Ref_Key"
    }
    return {**element, **links}


def _number(query: dict[str, str], name: str, default: int | None) -> int | None:
    if name not in query:
        return default
    if not query[name].isdigit():
        raise ODataError(400, "6", f"Неверное значение параметра {name}: {query[name]}")
    return int(query[name])


def _order(orderby: str | None, known: set[str]) -> list[tuple[str, bool]]:
    keys = []
    for part in filter(None, (p.strip() for p in (orderby or "").split(","))):
        name, _, direction = part.partition(" ")
        if name not in known or direction.strip() not in ("", "asc", "desc"):
            raise ODataError(400, "6", f"Неверное выражение упорядочивания: {part}")
        keys.append((name, direction.strip() == "desc"))
    return keys


_CONDITION = re.compile(r"\s*(\w+)\s+(eq|ne)\s+(true|false|'(?:[^']|'')*'|guid'[0-9a-fA-F-]{36}'|-?\d+(?:\.\d+)?)\s*$")


def _predicate(expression: str | None, known: set[str]) -> Callable[[dict], bool]:
    """``$filter`` as a test of one element: ``or`` of ``and`` groups of ``F eq|ne literal``, parsed once."""
    if not expression:
        return lambda element: True
    groups = []
    for group in re.split(r"\s+or\s+", expression.strip()):
        conditions = []
        for condition in re.split(r"\s+and\s+", group.strip()):
            match = _CONDITION.match(condition)
            if not match or match.group(1) not in known:
                raise ODataError(400, "6", f"Ошибка разбора выражения отбора: {condition}")
            name, op, literal = match.groups()
            conditions.append((name, _literal(literal), op == "eq"))
        groups.append(conditions)
    if all(len(g) == 1 and g[0][0] == "Ref_Key" and g[0][2] for g in groups):  # a batch of keys: a set lookup
        keys = {g[0][1] for g in groups}
        return lambda element: element.get("Ref_Key") in keys
    return lambda element: any(all((element.get(n) == v) == eq for n, v, eq in g) for g in groups)


def _literal(text: str) -> object:
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("guid'"):
        return text[5:-1]
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return float(text) if "." in text else int(text)


# -- XML documents ---------------------------------------------------------------------------
def _edm_type(name: str, values: list[object]) -> str:
    if name.endswith("_Key"):
        return "Edm.Guid"
    if any(isinstance(v, bool) for v in values):
        return "Edm.Boolean"
    if any(isinstance(v, float) for v in values):
        return "Edm.Double"
    if any(isinstance(v, int) for v in values):
        return "Edm.Int64"
    return "Edm.String"


def _properties(rows: list[dict]) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for row in rows:
        for name, value in row.items():
            found.setdefault(name, []).append(value)
    return found


def _edmx(catalogs: dict[str, list[dict]]) -> str:
    types: list[str] = []
    for catalog, rows in catalogs.items():
        props = ['<Key><PropertyRef Name="Ref_Key"/></Key>']
        for name, values in _properties([{k: None for k in _STANDARD_FIELDS}, *rows]).items():
            if any(isinstance(v, list) for v in values):
                row_type = f"{catalog}_{name}_RowType"
                lines = [line for v in values if isinstance(v, list) for line in v]
                types.append(
                    f"<ComplexType Name={quoteattr(row_type)}>"
                    + "".join(
                        f'<Property Name={quoteattr(n)} Type={quoteattr(_edm_type(n, vs))} Nullable="true"/>'
                        for n, vs in _properties(lines).items()
                    )
                    + "</ComplexType>"
                )
                props.append(
                    f'<Property Name={quoteattr(name)} Type="Collection(StandardODATA.{escape(row_type)})"'
                    ' Nullable="false"/>'
                )
            else:
                nullable = "false" if name == "Ref_Key" else "true"
                props.append(
                    f"<Property Name={quoteattr(name)} Type={quoteattr(_edm_type(name, values))}"
                    f' Nullable="{nullable}"/>'
                )
        types.append(f"<EntityType Name={quoteattr(catalog)}>{''.join(props)}</EntityType>")
    sets = "".join(f"<EntitySet Name={quoteattr(c)} EntityType={quoteattr('StandardODATA.' + c)}/>" for c in catalogs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">'
        '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"'
        ' m:DataServiceVersion="3.0">'
        '<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" Namespace="StandardODATA">'
        f'{"".join(types)}<EntityContainer Name="StandardODATA" m:IsDefaultEntityContainer="true">{sets}'
        "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"
    )


def _atom_service(root: str, catalogs: dict[str, list[dict]]) -> bytes:
    collections = "".join(
        f"<collection href={quoteattr(c)}><atom:title>{escape(c)}</atom:title></collection>" for c in catalogs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><service xmlns="http://www.w3.org/2007/app"'
        f' xmlns:atom="http://www.w3.org/2005/Atom" xml:base={quoteattr(root + "/")}>'
        f"<workspace><atom:title>Default</atom:title>{collections}</workspace></service>"
    ).encode()


def _atom_feed(root: str, catalog: str, rows: list[dict]) -> bytes:
    entries = "".join(
        f"<entry><id>{escape(root)}/{escape(catalog)}(guid'{escape(str(r.get('Ref_Key')))}')</id></entry>" for r in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<id>{escape(root)}/{escape(catalog)}</id><title type="text"/>{entries}</feed>'
    ).encode()


# -- elements of the real shapes --------------------------------------------------------------
def guid(n: int) -> str:
    """A stable GUID for test element number ``n``."""
    return f"{n:08x}-1c00-11e5-8000-{n:012x}"


_KINDS = {
    "Телефон": guid(9001),
    "Факс": guid(9002),
    "АдресЭлектроннойПочты": guid(9003),
    "Адрес": guid(9004),
    "ВебСтраница": guid(9005),
}


def contact_info(*lines: tuple[str, str], city: str | None = None) -> list[dict]:
    """A ``КонтактнаяИнформация`` tabular part: ``("Телефон", "+7 495 123-45-67")``, ``("Адрес", "…")``…"""
    rows = []
    for number, (kind, text) in enumerate(lines, start=1):
        row = {
            "LineNumber": str(number),
            "Тип": kind,
            "Вид_Key": _KINDS.get(kind, EMPTY_GUID),
            "Представление": text,
            "Значение": json.dumps({"value": text, "type": kind}, ensure_ascii=False),
            "Страна": "",
            "Регион": "",
            "Город": "",
            "АдресЭП": "",
            "ДоменноеИмяСервера": "",
            "НомерТелефона": "",
            "НомерТелефонаБезКодов": "",
            "ВидДляСписка_Key": EMPTY_GUID,
        }
        if kind in ("Телефон", "Факс"):
            row["НомерТелефона"] = re.sub(r"\D", "", text.split("доб")[0])
        elif kind == "АдресЭлектроннойПочты":
            row["АдресЭП"] = text
            row["ДоменноеИмяСервера"] = text.partition("@")[2]
        elif kind == "Адрес":
            row.update(Страна="РОССИЯ", Город=city or "")
        rows.append(row)
    return rows


def _lines(
    phones: Iterable[str], emails: Iterable[str], address: str | None = None, website: str | None = None
) -> list[tuple[str, str]]:
    return [
        *(("Телефон", p) for p in phones),
        *(("АдресЭлектроннойПочты", e) for e in emails),
        *([("Адрес", address)] if address else []),
        *([("ВебСтраница", website)] if website else []),
    ]


def counterparty(
    n: int,
    name: str,
    *,
    inn: str = "",
    kpp: str = "",
    person: bool = False,
    style: str = "bp",
    legal_name: str | None = None,
    ogrn: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    address: str | None = None,
    city: str | None = None,
    website: str | None = None,
    comment: str = "",
    partner: int | None = None,
    deleted: bool = False,
    folder: bool = False,
    parent: int | None = None,
) -> dict:
    """A ``Catalog_Контрагенты`` element as БП 3.0 (``style="bp"``) or УТ 11 (``style="ut"``) sends it."""
    ref = guid(n)
    element: dict = {
        "Ref_Key": ref,
        "DeletionMark": deleted,
        "Parent_Key": guid(parent) if parent else EMPTY_GUID,
        "IsFolder": folder,
        "Code": f"00-{n:07d}",
        "Description": name,
        "Predefined": False,
        "PredefinedDataName": "",
    }
    if folder:
        return element
    element.update(
        {
            "НаименованиеПолное": legal_name if legal_name is not None else name,
            "ИНН": inn,
            "КПП": kpp,
            "ГоловнойКонтрагент_Key": ref,
            "Комментарий": comment,
            "ДополнительнаяИнформация": "",
            "ДатаСоздания": "0001-01-01T00:00:00",
            "КонтактнаяИнформация": contact_info(*_lines(phones, emails, address, website), city=city),
        }
    )
    if style == "bp":
        element.update(
            {
                "ЮридическоеФизическоеЛицо": "ФизическоеЛицо" if person else "ЮридическоеЛицо",
                "РегистрационныйНомер": ogrn,
                "ОсновнойБанковскийСчет_Key": EMPTY_GUID,
                "ОсновноеКонтактноеЛицо_Key": EMPTY_GUID,
                "ИсторияКПП": [],
                "ИсторияНаименований": [],
            }
        )
    else:
        element.update(
            {
                "ЮрФизЛицо": "ФизЛицо" if person else "ЮрЛицо",
                "Партнер_Key": guid(partner or n + 5000),
                "ОсновнойМенеджерПокупателя_Key": EMPTY_GUID,
                "КодПоОКПО": "",
            }
        )
    return element


def bp_contact(
    n: int,
    name: str,
    owner: int | None,
    *,
    position: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    deleted: bool = False,
) -> dict:
    """A БП 3.0 ``Catalog_КонтактныеЛица`` element: the owner is a composite-type ``ОбъектВладелец``."""
    last, first, middle = (name.split() + ["", "", ""])[:3]
    return {
        "Ref_Key": guid(n),
        "DeletionMark": deleted,
        "Code": f"{n:09d}",
        "Description": name,
        "Фамилия": last,
        "Имя": first,
        "Отчество": middle,
        "ДатаРождения": "0001-01-01T00:00:00",
        "Роль_Key": EMPTY_GUID,
        "Должность": position,
        "Описание": "",
        "ОбъектВладелец": guid(owner) if owner else EMPTY_GUID,
        "ОбъектВладелец_Type": "StandardODATA.Catalog_Контрагенты" if owner else "StandardODATA.Undefined",
        "ВидКонтактногоЛица": "КонтактноеЛицоКонтрагента",
        "Predefined": False,
        "PredefinedDataName": "",
        "КонтактнаяИнформация": contact_info(*_lines(phones, emails)),
    }


def ut_contact(
    n: int,
    name: str,
    partner: int,
    *,
    position: str = "",
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    deleted: bool = False,
) -> dict:
    """An УТ 11 ``Catalog_КонтактныеЛицаПартнеров`` element: subordinate to a partner (``Owner_Key``)."""
    return {
        "Ref_Key": guid(n),
        "DeletionMark": deleted,
        "Owner_Key": guid(partner),
        "Code": f"{n:09d}",
        "Description": name,
        "ДолжностьПоВизитке": position,
        "Комментарий": "",
        "Пол": "",
        "ДатаРождения": "0001-01-01T00:00:00",
        "Predefined": False,
        "PredefinedDataName": "",
        "КонтактнаяИнформация": contact_info(*_lines(phones, emails)),
    }


def partner(n: int, name: str) -> dict:
    """An УТ 11 ``Catalog_Партнеры`` element (what contact persons of УТ belong to)."""
    return {
        "Ref_Key": guid(n),
        "DeletionMark": False,
        "IsFolder": False,
        "Parent_Key": EMPTY_GUID,
        "Code": f"{n:09d}",
        "Description": name,
        "НаименованиеПолное": name,
        "Клиент": True,
        "КонтактнаяИнформация": [],
    }


def retry_without_waiting(monkeypatch) -> None:
    """The pipeline's OData reads retry at once (no backoff): tests of failures stay fast."""
    from connectors.onec_odata import ODataOptions

    def fast(source: object) -> ODataOptions:
        return ODataOptions(timeout=source.timeout, page_size=source.page_size, backoff=0)

    monkeypatch.setattr("pipelines.intake.odata_options", fast)
    monkeypatch.setattr("pipelines.scans.odata_options", fast)
