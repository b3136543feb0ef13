"""1C exchange-file elements (CommerceML 2, EnterpriseData) → ``OneCEntity`` (pure, no I/O).

What ``connectors.onec_xml`` streams in is each counterparty and contact person element as an
``XmlNode`` tree; this module picks the canonical fields from it:

* CommerceML: ``Контрагент`` with ``Наименование``, ``ОфициальноеНаименование`` /
  ``ПолноеНаименование``, ``ИНН``, ``КПП``; its ``Представители/Представитель`` whose ``Отношение``
  is ``Контактное лицо`` (the person either as ``Представитель/Контрагент`` or directly in
  ``Представитель``) are its contact persons. Contacts are ``Контакты/Контакт`` with ``Тип`` (older
  writers: ``КонтактВид``) and ``Значение``; addresses are ``ЮридическийАдрес``,
  ``АдресРегистрации`` and ``Адрес`` with ``Представление`` and/or ``АдресноеПоле`` (``Тип`` Город).
* EnterpriseData: ``Справочник.Контрагенты`` (``КлючевыеСвойства`` → ``Ссылка``, ``Наименование``,
  ``НаименованиеПолное``, ``ИНН``, ``КПП``, ``ЮридическоеФизическоеЛицо``) and contact persons
  ``Справочник.КонтактныеЛица*`` pointing at their counterparty through an owner reference.
  ``КонтактнаяИнформация/Строка`` rows have a ``ВидКонтактнойИнформации`` and a ``Представление``
  or ``ЗначенияПолей`` — the latter as 1C writes it: an XML string, a JSON string or
  ``key=value`` lines, each carrying a presentation.

A counterparty repeated in the file (once per order) is one record: phones and e-mails are the
union, other fields keep their first value. Deletion-marked records are left out and counted.
Values are picked, not normalised: later stages clean phones, names and identifiers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from transforms.identifiers import declared_company_type
from vocabulary.fields import COMPANY_FIELDS, CONTACT_FIELDS, MULTI_VALUE_FIELDS
from vocabulary.messages import text as message
from vocabulary.onec import ExchangeElement, OneCData, OneCEntity, XmlNode

RAW_CHARS = 4000  # how much of a broken record's XML is kept for the consultant
_ADDRESS_RANK = ("юридическ", "регистрац", "фактическ", "почтов")  # which address becomes `address`
_TRUE = frozenset({"true", "1", "истина", "да"})
# what one exchange file is called
_UNITS = {"CommerceML": "mapping.xml.unit_file", "EnterpriseData": "mapping.xml.unit_message"}


def _xml(node: XmlNode) -> str:
    """The element as XML text again (a broken record's raw text for the consultant)."""
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in node.attrs.items())
    inner = escape(node.text or "") + "".join(_xml(child) for child in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>" if inner else f"<{node.tag}{attrs} />"


def _text(element: XmlNode, *paths: str) -> str | None:
    """The first non-blank text among ``paths`` (ElementPath, relative to ``element``)."""
    for path in paths:
        found = element.find(path)
        if found is not None and found.text and (text := found.text.strip()):
            return text
    return None


def _is_true(text: str | None) -> bool:
    return (text or "").casefold() in _TRUE


def _flat(element: XmlNode, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
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


def _contact_value(node: XmlNode | None) -> tuple[str | None, str | None]:
    """Presentation and city of an EnterpriseData ``ЗначенияПолей`` (XML, JSON or ``key=value`` lines)."""
    text = (node.text or "").strip() if node is not None else ""
    if not text:
        return None, None
    if (root := node.markup) is not None:
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


def _person_name(element: XmlNode, *prefixes: str) -> dict[str, str | None]:
    return {
        f: _text(element, *(p + tag for p in prefixes))
        for f, tag in (("last_name", "Фамилия"), ("first_name", "Имя"), ("middle_name", "Отчество"))
    }


# ---------------------------------------------------------------- collecting


@dataclass
class _Entry:
    """One counterparty or contact person element as read, before keys are settled and repeats merged."""

    line: int
    element: XmlNode
    ref: str | None  # the 1C reference: Ид / Ссылка
    fields: dict[str, str | list[str] | None]
    extra: dict[str, str]
    deleted: bool = False

    def name(self) -> str | None:
        f = self.fields
        return f.get("name") or f.get("full_name") or f.get("legal_name") or None


def _entry(
    element: XmlNode,
    ref: str | None,
    fields: dict[str, str | None],
    channels: _Channels,
    allowed: tuple[str, ...],
    extra: dict[str, str] | None = None,
    deleted: bool = False,
) -> _Entry:
    found, leftover = channels.split(allowed)
    return _Entry(element.line, element, ref, {**fields, **found}, {**(extra or {}), **leftover}, deleted)


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
        shown = ", ".join(map(str, more[:5])) + (", …" if len(more) > 5 else "")
        key = "mapping.xml.also_lines" if len(more) > 1 else "mapping.xml.also_line"
        also = message(key, lines=shown) if more else ""
        return message("mapping.xml.lines", file=file_name, what=self.what, first=first, also=also)


class _Collector:
    """Settles keys, merges repeated records, leaves deletion-marked ones out and counts for the notes."""

    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.drafts: dict[str, dict[str, _Draft]] = {"companies": {}, "contacts": {}}
        self.repeated: dict[str, set[str]] = {"companies": set(), "contacts": set()}
        self.broken: list[tuple[str, str, dict]] = []
        self.entries: Counter[str] = Counter()
        self.keyless = 0
        self.deleted_companies: set[str] = set()
        self.deleted_contacts = 0
        self.skipped_relations: Counter[str] = Counter()

    def company(self, entry: _Entry, kind: str | None) -> str | None:
        """The counterparty's key (also when deletion-marked, so its people follow it), None if unusable."""
        self.entries[entry.element.tag] += 1
        fields = entry.fields
        fields["type"] = declared_company_type(fields.get("inn"), kind, fields.get("name"), fields.get("legal_name"))
        key = entry.ref
        if key is None and fields.get("inn"):
            key = f"inn={fields['inn']}" + (f";kpp={fields['kpp']}" if fields.get("kpp") else "")
        if key is None and entry.name():
            key = f"name={entry.name()}"
        if key is None:
            self._broken(entry, message("mapping.xml.counterparty_without_key"))
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
        name = (
            entry.fields.get("full_name")
            or " ".join(p for f in ("last_name", "first_name", "middle_name") if (p := entry.fields.get(f)))
            or None
        )
        entry.fields["full_name"] = name
        key = entry.ref or (f"{owner}/{name}" if owner and name else None) or (f"name={name}" if name else None)
        if key is None:
            self._broken(entry, message("mapping.xml.contact_without_key"))
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
        what += message("mapping.xml.of_owner", owner=owner_name) if owner_name else ""
        drafts[key] = _Draft(what, [entry.line], OneCEntity(key, "", entry.fields, payload, owner, extra=entry.extra))

    def _broken(self, entry: _Entry, reason: str) -> None:
        raw = _xml(entry.element)
        self.broken.append(
            (
                message("mapping.xml.element_line", file=self.file, tag=entry.element.tag, line=entry.line),
                reason,
                {"raw": raw if len(raw) <= RAW_CHARS else raw[:RAW_CHARS] + "…"},
            )
        )

    def data(self, summary: str) -> OneCData:
        companies = self.drafts["companies"]
        gone = self.deleted_companies - set(companies)
        for draft in (*companies.values(), *self.drafts["contacts"].values()):
            draft.entity.origin = draft.origin(self.file)
        contacts = [d.entity for d in self.drafts["contacts"].values() if d.entity.company_key not in gone]
        orphaned = len(self.drafts["contacts"]) - len(contacts)
        notes = [
            (len(self.repeated["companies"]), message("mapping.xml.repeated_counterparties")),
            (len(self.repeated["contacts"]), message("mapping.xml.repeated_contacts")),
            (len(gone), message("mapping.xml.deleted_counterparties")),
            (orphaned, message("mapping.xml.orphaned_contacts")),
            (self.deleted_contacts, message("mapping.xml.deleted_contacts")),
            (self.keyless, message("mapping.xml.keyless")),
            (sum(1 for e in contacts if e.company_key is None), message("mapping.xml.no_owner")),
            (
                sum(1 for e in contacts if e.company_key and e.company_key not in companies),
                message("mapping.xml.unknown_owner"),
            ),
            *(
                (n, message("mapping.xml.relation_left_out", relation=relation))
                for relation, n in self.skipped_relations.items()
            ),
        ]
        return OneCData(
            [d.entity for d in companies.values()],
            contacts,
            [summary, *(f"{what}: {n}" for n, what in notes if n)],
            self.broken,
        )


# ---------------------------------------------------------------- the two formats


class _CommerceML:
    def read(self, el: XmlNode, out: _Collector) -> None:
        official, full = _text(el, "ОфициальноеНаименование"), _text(el, "ПолноеНаименование")
        person = " ".join(p for p in _person_name(el, "").values() if p)
        kind = "legal" if official or _text(el, "КПП") else "person" if full or person else None
        channels = self._contacts(el)
        for tag in ("ЮридическийАдрес", "АдресРегистрации", "Адрес"):
            if (address := el.find(tag)) is not None:
                channels.add(tag, *self._address(address))
        fields = {
            "name": _text(el, "Наименование") or full or person or None,
            "legal_name": official or full,
            "inn": _text(el, "ИНН"),
            "kpp": _text(el, "КПП"),
            "note": _text(el, "Комментарий"),
        }
        deleted = (_text(el, "Статус") or "").casefold().startswith("удален") or _is_true(_text(el, "ПометкаУдаления"))
        extra = {"ОКПО": okpo} if (okpo := _text(el, "ОКПО")) else {}
        entry = _entry(el, _text(el, "Ид"), fields, channels, COMPANY_FIELDS, extra, deleted)
        key = out.company(entry, kind)
        if key is not None:  # a broken counterparty's raw text holds its people
            for representative in el.findall("Представители/Представитель"):
                self._representative(representative, key, entry.name(), out)

    def _representative(self, element: XmlNode, owner: str, owner_name: str | None, out: _Collector) -> None:
        nested = element.find("Контрагент")  # the 2.x schema nests the person; some writers do not
        person = element if nested is None else nested
        relation = _text(person, "Отношение") or _text(element, "Отношение")
        if relation and "контакт" not in relation.casefold():
            out.skipped_relations[relation] += 1
            return
        fields = {
            "full_name": _text(person, "Наименование", "ПолноеНаименование"),
            **_person_name(person, ""),
            "position": _text(person, "Должность"),
            "note": _text(person, "Комментарий"),
        }
        out.contact(
            _entry(
                element,
                _text(person, "Ид"),
                fields,
                self._contacts(person),
                CONTACT_FIELDS,
                deleted=_is_true(_text(person, "ПометкаУдаления")),
            ),
            owner,
            owner_name,
        )

    @staticmethod
    def _contacts(element: XmlNode) -> _Channels:
        channels = _Channels()
        for contact in element.findall("Контакты/Контакт"):
            channels.add(_text(contact, "Тип", "КонтактВид"), _text(contact, "Значение"))
        return channels

    @staticmethod
    def _address(element: XmlNode) -> tuple[str | None, str | None]:
        parts = [(_text(part, "Тип") or "", _text(part, "Значение")) for part in element.findall("АдресноеПоле")]
        city = next(
            (value for kind, value in parts if value and kind.casefold() in ("город", "населенный пункт")), None
        )
        text = (
            _text(element, "Представление")
            or (element.text or "").strip()
            or ", ".join(value for _, value in parts if value)
            or None
        )
        return text, city


class _EnterpriseData:
    # where a contact person names its counterparty, across configurations and format versions
    _OWNERS = ("Владелец", "ОбъектВладелец", "ВладелецКонтактногоЛица", "Контрагент", "Партнер")

    def read(self, el: XmlNode, out: _Collector) -> None:
        def prop(name: str) -> str | None:
            return _text(el, f"КлючевыеСвойства/{name}", name)

        channels = _Channels()
        for row in el.findall("КонтактнаяИнформация/Строка"):
            shown = _text(row, "Представление")
            value, city = (shown, None) if shown else _contact_value(row.find("ЗначенияПолей"))
            channels.add(_text(row, "ВидКонтактнойИнформации"), value, city)
        deleted = _is_true(prop("ПометкаУдаления"))
        if el.tag == "Справочник.Контрагенты":
            fields = {
                "name": prop("Наименование"),
                "legal_name": prop("НаименованиеПолное"),
                "inn": prop("ИНН"),
                "kpp": prop("КПП"),
                "note": _text(el, "Комментарий"),
            }
            out.company(
                _entry(el, prop("Ссылка"), fields, channels, COMPANY_FIELDS, deleted=deleted),
                self._kind(prop("ЮридическоеФизическоеЛицо")),
            )
            return
        fields = {
            "full_name": prop("Наименование") or prop("ФИО"),
            **_person_name(el, "КлючевыеСвойства/", "", "ФИО/", "КлючевыеСвойства/ФИО/"),
            "position": _text(el, "Должность/Наименование", "Должность"),
            "note": _text(el, "Комментарий"),
        }
        out.contact(_entry(el, prop("Ссылка"), fields, channels, CONTACT_FIELDS, deleted=deleted), self._owner(el))

    def _owner(self, element: XmlNode) -> str | None:
        for tag in self._OWNERS:
            for owner in (element.find(tag), element.find(f"КлючевыеСвойства/{tag}")):
                if owner is not None and (
                    ref := _text(owner, "Ссылка", "КлючевыеСвойства/Ссылка") or (owner.text or "").strip()
                ):
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


_FORMATS = {"CommerceML": _CommerceML(), "EnterpriseData": _EnterpriseData()}


def exchange_data(elements: Iterable[ExchangeElement], file_name: str) -> OneCData:
    """Counterparties and contact persons of one exchange file from its elements (``connectors.onec_xml``)."""
    out = _Collector(file_name)
    label = version = None
    for element in elements:
        label, version = element.format, element.version
        _FORMATS[label].read(element.node, out)
    head = f"{label} {version}" if version else str(label)
    return out.data(
        f"{head} {message(_UNITS.get(str(label), 'mapping.xml.unit_file'))}: "
        + ", ".join(f"{n} {tag}" for tag, n in out.entries.items())
    )
