"""Read 1C exchange files — CommerceML 2.x and EnterpriseData — into counterparties and contact persons.

The format is recognised from the root element, never from the file name:

* ``КоммерческаяИнформация`` (CommerceML 2.0x–2.10, with or without the ``urn:1C.ru:commerceml_2``
  namespace): every ``Контрагенты/Контрагент`` is a counterparty — in a ``Классификатор``, at the
  top level, or inside a ``Документ`` (orders from a site, where the buyer appears once per order,
  also inside ``Контейнер``). Its ``Представители/Представитель`` whose ``Отношение`` is
  ``Контактное лицо`` (the person either as ``Представитель/Контрагент`` or directly in
  ``Представитель``) are its contact persons. Contacts are ``Контакты/Контакт`` with ``Тип`` (older
  writers: ``КонтактВид``) and ``Значение``; addresses are ``ЮридическийАдрес``,
  ``АдресРегистрации`` and ``Адрес`` with ``Представление`` and/or ``АдресноеПоле`` (``Тип`` Город).
* ``Message`` (the ``http://www.1c.ru/SSL/Exchange/Message`` envelope whose ``Body`` is in an
  ``http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.x`` namespace): ``Справочник.Контрагенты`` objects
  (``КлючевыеСвойства`` → ``Ссылка``, ``Наименование``, ``НаименованиеПолное``, ``ИНН``, ``КПП``,
  ``ЮридическоеФизическоеЛицо``) and contact persons ``Справочник.КонтактныеЛица*`` pointing at their
  counterparty through an owner reference. ``КонтактнаяИнформация/Строка`` rows have a
  ``ВидКонтактнойИнформации`` and a ``Представление`` or ``ЗначенияПолей`` — the latter as 1C writes
  it: an XML string, a JSON string or ``key=value`` lines, each carrying a presentation.

Values are picked, not normalised: later stages clean phones, names and identifiers.

The file is streamed through expat (what ``ElementTree.iterparse`` wraps) so a 500 MB export needs
memory for one counterparty at a time: elements outside a counterparty are never built. expat is
driven directly rather than through ``iterparse`` because only the parser knows the line of an
element (a consultant finds a record by ``orders.xml: Контрагент «…» (line 120)``) and only
there can entity declarations be refused outright: 1C never writes a DTD, so a file that declares
entities (billion laughs, external entities) is rejected whatever the expat version. expat itself
never fetches external entities or DTDs and, since 2.4.0, stops entity amplification.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from connectors.errors import SourceError
from vocabulary.fields import COMPANY_FIELDS, CONTACT_FIELDS, MULTI_VALUE_FIELDS
from transforms.onec_records import OneCData, OneCEntity

CHUNK_BYTES = 1 << 16  # expat buffers about twice what it is fed at once
MAX_DEPTH = 256  # real exchange files nest < 20 levels; deeper means a crafted file
RAW_CHARS = 4000  # how much of a broken record's XML is kept for the consultant
_TRUNCATION_CODES = frozenset(expat.errors.codes[m] for m in (
    expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN,
    expat.errors.XML_ERROR_PARTIAL_CHAR, expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION))
_ADDRESS_RANK = ("юридическ", "регистрац", "фактическ", "почтов")  # which address becomes `address`
_TRUE = frozenset({"true", "1", "истина", "да"})
Wants = Callable[[list[str], str, str], bool]  # (open ancestors, namespace, tag) → build this element?


class _Refused(Exception):
    """The file is not something a 1C exchange file can be (entities, absurd nesting, wrong root)."""


# ---------------------------------------------------------------- streaming


def _local_names(attrs: dict[str, str]) -> dict[str, str]:
    return {name.rpartition("}")[2]: value for name, value in attrs.items()}


@dataclass
class _Record:
    """One wanted subtree, with the line of every element's start tag."""

    element: ET.Element
    lines: dict[int, int]  # id(element) → line

    def line(self, element: ET.Element | None = None) -> int:
        return self.lines[id(self.element if element is None else element)]


class _Scanner:
    """Feeds bytes to expat and builds only the subtrees ``wants`` selects; namespaces are dropped.

    Outside a wanted subtree an element costs a stack push and pop: its text is not even
    handed to Python (the character-data handler is attached only while a subtree is built).
    """

    def __init__(self, on_root: Callable[[str, str, dict[str, str]], Wants]) -> None:
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.EntityDeclHandler = self._entity
        self.on_root = on_root
        self.wants: Wants | None = None
        self.stack: list[str] = []
        self.builder: ET.TreeBuilder | None = None
        self.record_depth = 0
        self.lines: dict[int, int] = {}
        self.ready: list[_Record] = []

    def records(self, chunks: Iterable[bytes]) -> Iterator[_Record]:
        for chunk in chunks:
            self.parser.Parse(chunk, False)
            yield from self._take()
        self.parser.Parse(b"", True)
        yield from self._take()

    def _take(self) -> list[_Record]:
        ready, self.ready = self.ready, []
        return ready

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        uri, _, tag = name.rpartition("}")
        if self.wants is None:
            self.wants = self.on_root(uri, tag, _local_names(attrs))
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(f"elements nested more than {MAX_DEPTH} levels deep (line "
                           f"{self.parser.CurrentLineNumber}): not a 1C exchange file")
        if self.builder is None and self.wants(self.stack, uri, tag):
            self.builder, self.record_depth = ET.TreeBuilder(), len(self.stack)
            self.parser.CharacterDataHandler = self.builder.data
        if self.builder is not None:
            element = self.builder.start(tag, _local_names(attrs) if attrs else attrs)
            self.lines[id(element)] = self.parser.CurrentLineNumber
        self.stack.append(tag)

    def _end(self, name: str) -> None:
        tag = self.stack.pop()
        if self.builder is None:
            return
        self.builder.end(tag)
        if len(self.stack) == self.record_depth:
            self.ready.append(_Record(self.builder.close(), self.lines))
            self.builder, self.lines = None, {}
            self.parser.CharacterDataHandler = None

    def _entity(self, name: str, *_: object) -> None:
        raise _Refused(f"declares the XML entity {name!r} (line {self.parser.CurrentLineNumber}); 1C exchange "
                       "files never declare entities, and entities are how XML bombs and file reads are built")


def _fragment(text: str) -> ET.Element | None:
    """An XML string inside a value (EnterpriseData ``ЗначенияПолей``), parsed as safely as the file."""
    scanner = _Scanner(lambda *_: lambda stack, uri, tag: not stack)
    try:
        record = next(iter(scanner.records([text.encode("utf-8")])), None)
    except (expat.ExpatError, _Refused):
        return None
    return None if record is None else record.element


# ---------------------------------------------------------------- reading values


def _text(element: ET.Element, *paths: str) -> str | None:
    """The first non-blank text among ``paths`` (ElementPath, relative to ``element``)."""
    for path in paths:
        found = element.find(path)
        if found is not None and found.text and (text := found.text.strip()):
            return text
    return None


def _is_true(text: str | None) -> bool:
    return (text or "").casefold() in _TRUE


def _flat(element: ET.Element, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """Tag path → text of every non-blank element below ``element``, in file order; repeats get ``[n]``.

    Recursive: the scanner refuses nesting deeper than ``MAX_DEPTH``, well under Python's limit.
    """
    out = {} if out is None else out
    tags = [child.tag for child in element]
    counts = Counter(tags) if len(set(tags)) < len(tags) else None
    seen: dict[str, int] = {}
    for child, tag in zip(element, tags):
        if counts and counts[tag] > 1:
            n = seen[tag] = seen.get(tag, 0) + 1
            tag = f"{tag}[{n}]"
        if child.text and (text := child.text.strip()):
            out[prefix + tag] = text
        if len(child):
            _flat(child, f"{prefix}{tag}/", out)
    return out


def _channel(label: str) -> str | None:
    """Canonical field for a contact kind (CommerceML ``Тип``, EnterpriseData ``ВидКонтактнойИнформации``)."""
    kind = label.casefold()
    if "электрон" in kind or "mail" in kind:
        return "email"
    if "адрес" in kind:
        return "address"
    if "телефон" in kind or "phone" in kind:
        return "phone"
    if "почт" in kind:  # CommerceML "Почта" is e-mail; the postal address was caught above
        return "email"
    if "сайт" in kind or "веб" in kind or "web" in kind or "url" in kind:
        return "website"
    return None  # fax, Skype, "Другое": kept as custom fields


def _contact_value(raw: str) -> tuple[str, str | None]:
    """Presentation and city of an EnterpriseData ``ЗначенияПолей`` (XML, JSON or ``key=value`` lines)."""
    text = raw.strip()
    if text.startswith("<") and (root := _fragment(text)) is not None:
        shown = root.get("Представление") or next((e.get("Значение") for e in root.iter() if e.get("Значение")), None)
        city = next((e.text.strip() for e in root.iter() if e.tag == "Город" and e.text and e.text.strip()), None)
        return shown or " ".join(t.strip() for t in root.itertext() if t.strip()) or text, city
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return text, None
        if isinstance(data, dict):
            return str(data.get("value") or text), data.get("city") or None
    if "=" in text:
        pairs = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        return pairs.get("Представление", "").strip() or text, pairs.get("Город", "").strip() or None
    return text, None


def _address_rank(item: tuple[str, str, str, str | None]) -> int:
    label = item[1].casefold()
    return next((i for i, word in enumerate(_ADDRESS_RANK) if word in label), len(_ADDRESS_RANK))


@dataclass
class _Channels:
    """Phones, e-mails, websites and addresses of a record, from contact rows and address elements."""

    items: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # (field, label, value, city)

    def add(self, label: str | None, value: str | None, city: str | None = None) -> None:
        if value:
            label = label or "Контакт"
            self.items.append((_channel(label) or "", label, value, city))

    def split(self, allowed: tuple[str, ...]) -> tuple[dict[str, str | list[str] | None], dict[str, str]]:
        """Canonical fields among ``allowed`` (one address: the legal one first); the rest as custom fields."""
        fields: dict[str, str | list[str] | None] = {}
        several: dict[str, list[str]] = {}
        extra: dict[str, str] = {}
        addresses = [item for item in self.items if item[0] == "address"]
        chosen = min(addresses, key=_address_rank) if addresses and "address" in allowed else None
        if chosen:
            fields["address"] = chosen[2]
            fields["city"] = chosen[3] or next((city for *_, city in addresses if city), None)
        for item in self.items:
            name, label, value, _ = item
            if item is chosen:
                continue
            if name in MULTI_VALUE_FIELDS and name in allowed:
                several.setdefault(name, []).append(value)
            elif name in allowed and name != "address" and name not in fields:
                fields[name] = value
            else:
                extra[label] = f"{extra[label]}\n{value}" if label in extra else value
        return {**fields, **several}, extra


def _company_type(kind: str | None, inn: str | None) -> str | None:
    """legal / entrepreneur / person; a 12-digit INN belongs to a person, so with one a record is an ИП."""
    if kind is None:
        return None
    if len(re.sub(r"\D", "", inn or "")) == 12:
        return "entrepreneur"
    return kind


def _person_name(element: ET.Element, *prefixes: str) -> dict[str, str | None]:
    return {f: _text(element, *(p + tag for p in prefixes))
            for f, tag in (("last_name", "Фамилия"), ("first_name", "Имя"), ("middle_name", "Отчество"))}


# ---------------------------------------------------------------- collecting


@dataclass
class _Entry:
    """One counterparty or contact person element as read, before keys are settled and repeats merged."""

    line: int
    element: ET.Element
    ref: str | None  # the 1C reference: Ид / Ссылка
    fields: dict[str, str | list[str] | None]
    extra: dict[str, str]
    deleted: bool = False

    def name(self) -> str | None:
        f = self.fields
        return f.get("name") or f.get("full_name") or f.get("legal_name") or None


def _entry(record: _Record, element: ET.Element, ref: str | None, fields: dict[str, str | None],
           channels: _Channels, allowed: tuple[str, ...], extra: dict[str, str] | None = None,
           deleted: bool = False) -> _Entry:
    found, leftover = channels.split(allowed)
    return _Entry(record.line(element), element, ref, {**fields, **found}, {**(extra or {}), **leftover}, deleted)


@dataclass
class _Draft:
    """A record being assembled from one or more entries with the same key."""

    what: str  # 'Контрагент «ООО Ромашка»'
    lines: list[int]
    entity: OneCEntity

    def merge(self, entry: _Entry, payload: dict[str, str]) -> None:
        """Phones/e-mails are the union; any other field keeps its first non-empty value."""
        fields = self.entity.fields
        for name, value in entry.fields.items():
            if name in MULTI_VALUE_FIELDS:
                fields[name] = list(dict.fromkeys([*(fields.get(name) or []), *(value or [])])) or None
            elif not fields.get(name):
                fields[name] = value
        for target, source in ((self.entity.payload, payload), (self.entity.extra, entry.extra)):
            for k, v in source.items():
                target.setdefault(k, v)
        self.lines.append(entry.line)

    def origin(self, file_name: str) -> str:
        first, *more = self.lines
        also = f"; also line{'s' if len(more) > 1 else ''} {', '.join(map(str, more[:5]))}" if more else ""
        return f"{file_name}: {self.what} (line {first}{also}{', …' if len(more) > 5 else ''})"


class _Collector:
    """Settles keys, merges repeated records, leaves deletion-marked ones out and counts for the notes."""

    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.drafts: dict[str, dict[str, _Draft]] = {"companies": {}, "contacts": {}}
        self.repeated: dict[str, set[str]] = {"companies": set(), "contacts": set()}
        self.broken: list[tuple[str, str, dict]] = []
        self.entries: Counter[str] = Counter()
        self.company_entries = 0
        self.keyless = 0
        self.deleted_companies: set[str] = set()
        self.deleted_contacts = 0
        self.skipped_relations: Counter[str] = Counter()

    def company(self, entry: _Entry, kind: str | None) -> str | None:
        """The counterparty's key (also when deletion-marked, so its people follow it), None if unusable."""
        self.company_entries += 1
        self.entries[entry.element.tag] += 1
        fields = entry.fields
        fields["type"] = _company_type(kind, fields.get("inn"))
        key = entry.ref
        if key is None and fields.get("inn"):
            key = f"inn={fields['inn']}" + (f";kpp={fields['kpp']}" if fields.get("kpp") else "")
        if key is None and entry.name():
            key = f"name={entry.name()}"
        if key is None:
            self._broken(entry, "counterparty without Ид/Ссылка, ИНН or name")
            return None
        self.keyless += entry.ref is None
        if entry.deleted:
            self.deleted_companies.add(key)
        else:
            fields["key"] = entry.ref
            self._add("companies", key, entry, None, None)
        return key

    def contact(self, entry: _Entry, owner: str | None, owner_name: str | None = None) -> None:
        self.entries[entry.element.tag] += 1
        name = entry.fields.get("full_name") or " ".join(
            p for f in ("last_name", "first_name", "middle_name") if (p := entry.fields.get(f))) or None
        entry.fields["full_name"] = name
        key = entry.ref or (f"{owner}/{name}" if owner and name else None) or (f"name={name}" if name else None)
        if key is None:
            self._broken(entry, "contact person without Ид/Ссылка or name")
        elif entry.deleted:
            self.deleted_contacts += 1
        else:
            entry.fields["key"] = entry.ref
            self._add("contacts", key, entry, owner, owner_name)

    def _add(self, kind: str, key: str, entry: _Entry, owner: str | None, owner_name: str | None) -> None:
        payload = _flat(entry.element)
        drafts = self.drafts[kind]
        if key in drafts:
            self.repeated[kind].add(key)
            drafts[key].merge(entry, payload)
            return
        what = f"{entry.element.tag} «{entry.name() or entry.fields.get('inn') or key}»"
        what += f" of «{owner_name}»" if owner_name else ""
        drafts[key] = _Draft(what, [entry.line], OneCEntity(key, "", entry.fields, payload, owner, entry.extra))

    def _broken(self, entry: _Entry, reason: str) -> None:
        raw = ET.tostring(entry.element, encoding="unicode")
        self.broken.append((f"{self.file}: {entry.element.tag} (line {entry.line})", reason,
                            {"raw": raw if len(raw) <= RAW_CHARS else raw[:RAW_CHARS] + "…"}))

    def data(self, summary: str) -> OneCData:
        companies = self.drafts["companies"]
        gone = self.deleted_companies - set(companies)
        for draft in (*companies.values(), *self.drafts["contacts"].values()):
            draft.entity.origin = draft.origin(self.file)
        contacts = [d.entity for d in self.drafts["contacts"].values() if d.entity.company_key not in gone]
        orphaned = len(self.drafts["contacts"]) - len(contacts)
        notes = [
            (len(self.repeated["companies"]), "counterparties repeated in the file (e.g. once per order), merged"),
            (len(self.repeated["contacts"]), "contact persons repeated in the file, merged"),
            (len(gone), "counterparties marked for deletion in 1C left out"),
            (orphaned, "contact persons of deletion-marked counterparties left out"),
            (self.deleted_contacts, "contact persons marked for deletion in 1C left out"),
            (self.keyless, "counterparty entries without Ид/Ссылка: keyed by INN+KPP or by name "
                           "(the key changes if those are edited in 1C)"),
            (sum(1 for e in contacts if e.company_key is None), "contact persons without an owner counterparty"),
            (sum(1 for e in contacts if e.company_key and e.company_key not in companies),
             "contact persons refer to a counterparty not in this file"),
            *((n, f"representatives with Отношение «{relation}» left out (only contact persons become contacts)")
              for relation, n in self.skipped_relations.items()),
        ]
        return OneCData([d.entity for d in companies.values()], contacts,
                        [summary, *(f"{text}: {n}" for n, text in notes if n)], self.broken)


# ---------------------------------------------------------------- the two formats


class _CommerceML:
    label, unit, counterparties = "CommerceML", "file", "Контрагенты/Контрагент"

    def __init__(self, attrs: dict[str, str]) -> None:
        self.version = attrs.get("ВерсияСхемы")

    def wants(self, stack: list[str], uri: str, tag: str) -> bool:
        return tag == "Контрагент" and stack[-1:] == ["Контрагенты"]

    def read(self, record: _Record, out: _Collector) -> None:
        el = record.element
        official, full = _text(el, "ОфициальноеНаименование"), _text(el, "ПолноеНаименование")
        person = " ".join(p for p in _person_name(el, "").values() if p)
        kind = "legal" if official or _text(el, "КПП") else "person" if full or person else None
        channels = self._contacts(el)
        for tag in ("ЮридическийАдрес", "АдресРегистрации", "Адрес"):
            if (address := el.find(tag)) is not None:
                channels.add(tag, *self._address(address))
        fields = {"name": _text(el, "Наименование") or full or person or None, "legal_name": official or full,
                  "inn": _text(el, "ИНН"), "kpp": _text(el, "КПП"), "note": _text(el, "Комментарий")}
        deleted = (_text(el, "Статус") or "").casefold().startswith("удален") or _is_true(_text(el, "ПометкаУдаления"))
        extra = {"ОКПО": okpo} if (okpo := _text(el, "ОКПО")) else {}
        entry = _entry(record, el, _text(el, "Ид"), fields, channels, COMPANY_FIELDS, extra, deleted)
        key = out.company(entry, kind)
        if key is not None:  # a broken counterparty's raw text holds its people
            for representative in el.findall("Представители/Представитель"):
                self._representative(record, representative, key, entry.name(), out)

    def _representative(self, record: _Record, element: ET.Element, owner: str, owner_name: str | None,
                        out: _Collector) -> None:
        nested = element.find("Контрагент")  # the 2.x schema nests the person; some writers do not
        person = element if nested is None else nested
        relation = _text(person, "Отношение") or _text(element, "Отношение")
        if relation and "контакт" not in relation.casefold():
            out.skipped_relations[relation] += 1
            return
        fields = {"full_name": _text(person, "Наименование", "ПолноеНаименование"), **_person_name(person, ""),
                  "position": _text(person, "Должность"), "note": _text(person, "Комментарий")}
        out.contact(_entry(record, element, _text(person, "Ид"), fields, self._contacts(person), CONTACT_FIELDS,
                           deleted=_is_true(_text(person, "ПометкаУдаления"))), owner, owner_name)

    @staticmethod
    def _contacts(element: ET.Element) -> _Channels:
        channels = _Channels()
        for contact in element.findall("Контакты/Контакт"):
            channels.add(_text(contact, "Тип", "КонтактВид"), _text(contact, "Значение"))
        return channels

    @staticmethod
    def _address(element: ET.Element) -> tuple[str | None, str | None]:
        parts = [(_text(part, "Тип") or "", _text(part, "Значение")) for part in element.findall("АдресноеПоле")]
        city = next((value for kind, value in parts if value and kind.casefold() in ("город", "населенный пункт")),
                    None)
        text = (_text(element, "Представление") or (element.text or "").strip()
                or ", ".join(value for _, value in parts if value) or None)
        return text, city



class _EnterpriseData:
    label, unit, counterparties = "EnterpriseData", "message", "Справочник.Контрагенты"
    # where a contact person names its counterparty, across configurations and format versions
    _OWNERS = ("Владелец", "ОбъектВладелец", "ВладелецКонтактногоЛица", "Контрагент", "Партнер")

    def __init__(self) -> None:
        self.version: str | None = None

    def wants(self, stack: list[str], uri: str, tag: str) -> bool:
        if tag == "Body" and len(stack) == 1 and "EnterpriseData" in uri:
            self.version = uri.rstrip("/").rpartition("/")[2]
        return tag == "Справочник.Контрагенты" or tag.startswith("Справочник.КонтактныеЛица")

    def read(self, record: _Record, out: _Collector) -> None:
        el = record.element

        def prop(name: str) -> str | None:
            return _text(el, f"КлючевыеСвойства/{name}", name)

        channels = _Channels()
        for row in el.findall("КонтактнаяИнформация/Строка"):
            shown = _text(row, "Представление")
            value, city = (shown, None) if shown else _contact_value(_text(row, "ЗначенияПолей") or "")
            channels.add(_text(row, "ВидКонтактнойИнформации"), value, city)
        deleted = _is_true(prop("ПометкаУдаления"))
        if el.tag == "Справочник.Контрагенты":
            fields = {"name": prop("Наименование"), "legal_name": prop("НаименованиеПолное"), "inn": prop("ИНН"),
                      "kpp": prop("КПП"), "note": _text(el, "Комментарий")}
            out.company(_entry(record, el, prop("Ссылка"), fields, channels, COMPANY_FIELDS, deleted=deleted),
                        self._kind(prop("ЮридическоеФизическоеЛицо")))
            return
        fields = {"full_name": prop("Наименование") or prop("ФИО"),
                  **_person_name(el, "КлючевыеСвойства/", "", "ФИО/", "КлючевыеСвойства/ФИО/"),
                  "position": _text(el, "Должность/Наименование", "Должность"), "note": _text(el, "Комментарий")}
        out.contact(_entry(record, el, prop("Ссылка"), fields, channels, CONTACT_FIELDS, deleted=deleted),
                    self._owner(el))

    def _owner(self, element: ET.Element) -> str | None:
        for tag in self._OWNERS:
            for owner in (element.find(tag), element.find(f"КлючевыеСвойства/{tag}")):
                if owner is not None and (ref := _text(owner, "Ссылка", "КлючевыеСвойства/Ссылка")
                                          or (owner.text or "").strip()):
                    return ref
        return None

    @staticmethod
    def _kind(value: str | None) -> str | None:
        kind = (value or "").casefold()
        if "предпринимател" in kind:
            return "entrepreneur"
        if "физическ" in kind:
            return "person"
        return "legal" if "юридическ" in kind or "орган" in kind else None


# ---------------------------------------------------------------- entry point


def read_exchange_file(path: Path, *, source_name: str) -> OneCData:
    """Counterparties and contact persons of a CommerceML 2 or EnterpriseData file exported from 1C.

    Raises ``SourceError`` (one line naming the source and the file) for a missing, empty, non-XML,
    truncated or crafted file, an unknown root element, or a file without counterparties.
    """
    def fail(problem: str) -> SourceError:
        return SourceError(f"{source_name}: {path.name}: {problem}")

    formats: list[_CommerceML | _EnterpriseData] = []

    def on_root(uri: str, tag: str, attrs: dict[str, str]) -> Wants:
        if tag == "КоммерческаяИнформация":
            formats.append(_CommerceML(attrs))
        elif tag == "Message":
            formats.append(_EnterpriseData())
        else:
            raise _Refused(f"the root element is <{tag}>: neither CommerceML (КоммерческаяИнформация) "
                           "nor EnterpriseData (Message)")
        return formats[0].wants

    scanner = _Scanner(on_root)
    out = _Collector(path.name)
    try:
        with path.open("rb") as file:
            head = file.read(4)
            if not head:
                raise fail("empty file (0 bytes)")
            file.seek(0)
            for record in scanner.records(iter(lambda: file.read(CHUNK_BYTES), b"")):
                formats[0].read(record, out)
    except OSError as exc:
        raise fail(f"cannot open ({exc.strerror or exc})") from None
    except _Refused as exc:
        raise fail(str(exc)) from None
    except expat.ExpatError as exc:
        raise fail(_parse_problem(exc, scanner.stack, bool(formats), head)) from None
    fmt = formats[0]
    if not out.company_entries:
        raise fail(f"no counterparties in this {fmt.label} {fmt.unit} (no {fmt.counterparties} element)")
    version = f" {fmt.version}" if fmt.version else ""
    return out.data(f"{fmt.label}{version} {fmt.unit}: " + ", ".join(f"{n} {tag}" for tag, n in out.entries.items()))


def _parse_problem(exc: expat.ExpatError, open_tags: list[str], rooted: bool, head: bytes) -> str:
    message, where = expat.ErrorString(exc.code), f"line {exc.lineno}, column {exc.offset}"
    if not rooted:
        if head.startswith(b"PK\x03\x04"):
            return "not XML but a ZIP archive (1C zips exchange messages: unpack the .xml inside)"
        return f"not an XML file ({message} at {where})"
    if exc.code in _TRUNCATION_CODES and open_tags:
        return f"truncated XML: the file ends inside <{open_tags[-1]}> ({where})"
    return f"broken XML: {message} at {where}"
