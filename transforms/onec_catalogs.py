"""1C OData catalog elements (``standard.odata`` JSON, as ``connectors.onec_odata`` reads them) → ``OneCEntity`` (pure).

What the readers hand in is the JSON of the 1C standard OData interface as it comes:
one dict per catalog element with ``Ref_Key``, ``DataVersion``, ``DeletionMark``,
``IsFolder``, ``Code``, ``Description``, the configuration's own attributes and the
tabular parts inline as lists (``КонтактнаяИнформация``: one dict per line with
``LineNumber``, ``Тип``, ``Вид_Key``, ``Представление``, ``НомерТелефона``, ``АдресЭП``,
``Город``…). Values are picked, not normalised: later stages clean phones and INNs.

Configurations differ in attribute names, so each canonical field lists the names it
is found under: БП 3.0 (``ЮридическоеФизическоеЛицо``, ``РегистрационныйНомер``,
contact persons in ``Catalog_КонтактныеЛица`` owned through ``ОбъектВладелец``) and
УТ 11 / КА / ERP (``ЮрФизЛицо``, contact persons in ``Catalog_КонтактныеЛицаПартнеров``
owned by a partner, which reaches its counterparty through ``Catalog_Контрагенты.Партнер_Key``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from transforms.identifiers import declared_company_type
from vocabulary.messages import text as message
from vocabulary.onec import CONTACT_CATALOGS, COUNTERPARTIES, UT_CONTACTS, OneCData, OneCEntity

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
CONTACT_INFO = "КонтактнаяИнформация"

# ЮридическоеФизическоеЛицо (БП) / ЮрФизЛицо (УТ, КА, ERP) → the type 1C declares
# (``transforms.identifiers.company_type`` decides with the INN and the names).
_COMPANY_TYPES = {
    "ЮридическоеЛицо": "legal",
    "ЮрЛицо": "legal",
    "ЮрЛицоНеРезидент": "legal",
    "ФизическоеЛицо": "person",
    "ФизЛицо": "person",
    "ИндивидуальныйПредприниматель": "entrepreneur",
}
_PHONE_TYPES = frozenset({"Телефон", "Факс"})
_EMAIL_TYPE = "АдресЭлектроннойПочты"
_ADDRESS_TYPE = "Адрес"
_WEB_TYPE = "ВебСтраница"


def ref(value: object) -> str | None:
    """A 1C reference: the GUID text, or None for an empty reference (empty GUID or blank)."""
    text = str(value).strip() if value is not None else ""
    return None if not text or text == EMPTY_GUID else text


def _text(entity: Mapping[str, object], *names: str) -> str | None:
    """The first non-blank value among the attributes ``names`` (configurations name them differently)."""
    for name in names:
        value = entity.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _lines(entity: Mapping[str, object]) -> list[Mapping[str, object]]:
    rows = entity.get(CONTACT_INFO)
    if not isinstance(rows, list):
        return []
    return sorted((r for r in rows if isinstance(r, Mapping)), key=_line_number)


def _line_number(line: Mapping[str, object]) -> int:
    """1C sends ``LineNumber`` as text ("1", "2"…)."""
    text = str(line.get("LineNumber") or "")
    return int(text) if text.isdigit() else 0


def _contact_values(entity: Mapping[str, object]) -> dict[str, list[str]]:
    """Phones, emails, addresses, cities and web pages from the ``КонтактнаяИнформация`` tabular part.

    ``Представление`` is what a user sees in 1C, extension included ("доб. 12"), so it wins
    over ``НомерТелефона``; ``АдресЭП`` is the bare address, so it wins for emails.
    """
    found: dict[str, list[str]] = defaultdict(list)
    for line in _lines(entity):
        kind = line.get("Тип")
        if kind in _PHONE_TYPES:
            value, field = _text(line, "Представление", "НомерТелефона"), "phone"
        elif kind == _EMAIL_TYPE:
            value, field = _text(line, "АдресЭП", "Представление"), "email"
        elif kind == _ADDRESS_TYPE:
            value, field = _text(line, "Представление"), "address"
            if city := _text(line, "Город"):
                found["city"].append(city)
        elif kind == _WEB_TYPE:
            value, field = _text(line, "Представление", "ДоменноеИмяСервера"), "website"
        else:
            continue
        if value:
            found[field].append(value)
    return found


def payload(entity: Mapping[str, object]) -> dict[str, object]:
    """The element's own values as read, for its source link.

    Service keys (``odata.*``, ``…@navigationLinkUrl``), tabular parts and empty values
    are left out; contact information is kept as readable "Тип: Представление" lines.
    """
    kept: dict[str, object] = {}
    for name, value in entity.items():
        if name.startswith("odata.") or "@" in name or isinstance(value, list | dict):
            continue
        if value is None or (isinstance(value, str) and ref(value) is None):
            continue
        kept[name] = value
    lines = [
        f"{line.get('Тип') or '?'}: {text}"
        for line in _lines(entity)
        if (text := _text(line, "Представление", "АдресЭП", "НомерТелефона"))
    ]
    if lines:
        kept[CONTACT_INFO] = lines
    return kept


def origin(catalog: str, entity: Mapping[str, object]) -> str:
    """Where a consultant finds the element: ``Catalog_Контрагенты(guid'…') «Description»``."""
    key = ref(entity.get("Ref_Key"))
    where = f"{catalog}(guid'{key}')" if key else message("mapping.onec.no_ref_key_origin", catalog=catalog)
    name = _text(entity, "Description")
    return f"{where} «{name}»" if name else where


def _extra(entity: Mapping[str, object]) -> dict[str, str]:
    code = _text(entity, "Code")
    return {"Код 1С": code} if code else {}


def company_type(entity: Mapping[str, object]) -> str | None:
    declared = _COMPANY_TYPES.get(_text(entity, "ЮридическоеФизическоеЛицо", "ЮрФизЛицо") or "")
    return declared_company_type(
        _text(entity, "ИНН"), declared, _text(entity, "Description"), _text(entity, "НаименованиеПолное")
    )


def counterparty(entity: Mapping[str, object]) -> OneCEntity:
    """One ``Catalog_Контрагенты`` element (not a folder, with a Ref_Key) as a company."""
    contacts = _contact_values(entity)
    fields: dict[str, str | list[str] | None] = {
        "name": _text(entity, "Description"),
        "legal_name": _text(entity, "НаименованиеПолное"),
        "inn": _text(entity, "ИНН"),
        "kpp": _text(entity, "КПП"),
        "ogrn": _text(entity, "РегистрационныйНомер", "ОГРН"),
        "type": company_type(entity),
        "phone": contacts.get("phone"),
        "email": contacts.get("email"),
        # the kind of an address (legal, actual, postal) is a Вид_Key: without reading that
        # catalog the first address line stands for the company; the rest stay in the payload
        "address": (contacts.get("address") or [None])[0],
        "city": (contacts.get("city") or [None])[0],
        "website": (contacts.get("website") or [None])[0],
        "note": _text(entity, "Комментарий"),
    }
    return OneCEntity(
        key=str(ref(entity["Ref_Key"])),
        origin=origin(COUNTERPARTIES, entity),
        fields=fields,
        payload=payload(entity),
        extra=_extra(entity),
    )


def contact_person(catalog: str, entity: Mapping[str, object], company_key: str | None) -> OneCEntity:
    """One contact person element as a contact of the company ``company_key``."""
    contacts = _contact_values(entity)
    fields: dict[str, str | list[str] | None] = {
        "full_name": _text(entity, "Description"),
        "last_name": _text(entity, "Фамилия"),
        "first_name": _text(entity, "Имя"),
        "middle_name": _text(entity, "Отчество"),
        "position": _text(entity, "Должность", "ДолжностьПоВизитке"),
        "phone": contacts.get("phone"),
        "email": contacts.get("email"),
        "note": _text(entity, "Комментарий"),
    }
    return OneCEntity(
        key=str(ref(entity["Ref_Key"])),
        origin=origin(catalog, entity),
        fields=fields,
        payload=payload(entity),
        company_key=company_key,
        extra=_extra(entity),
    )


def bp_owner(entity: Mapping[str, object]) -> str | None:
    """БП 3.0: ``ОбъектВладелец`` is of a composite type, so OData gives its GUID as text
    (with ``ОбъектВладелец_Type``); some releases have a plain reference ``ОбъектВладелец_Key``,
    and a catalog subordinate to the counterparties has ``Owner_Key``."""
    return ref(entity.get("ОбъектВладелец")) or ref(entity.get("ОбъектВладелец_Key")) or ref(entity.get("Owner_Key"))


def company_of(catalog: str, entity: Mapping[str, object], partners: Mapping[str, str]) -> str | None:
    """The counterparty Ref_Key a contact person belongs to; a partner with no counterparty
    gives its own Ref_Key (the contact is then quarantined downstream: company not found)."""
    if catalog != UT_CONTACTS:
        return bp_owner(entity)
    owner = ref(entity.get("Owner_Key"))
    return partners.get(owner, owner) if owner else None


def partner_counterparties(counterparties: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """УТ 11 / КА / ERP: partner Ref_Key → the counterparty its contact persons belong to.

    A partner may have several counterparties (an ООО and an ИП of one client): the live
    one with the smallest Ref_Key wins, so the choice is the same on every run.
    """
    candidates: dict[str, list[tuple[bool, str]]] = defaultdict(list)
    for entity in counterparties:
        partner, key = ref(entity.get("Партнер_Key")), ref(entity.get("Ref_Key"))
        if partner and key and not entity.get("IsFolder"):
            candidates[partner].append((bool(entity.get("DeletionMark")), key))
    return {partner: min(keys)[1] for partner, keys in candidates.items()}


def _elements(
    catalog: str,
    rows: Iterable[Mapping[str, object]],
    deleted_note: str,
    make: Callable[[Mapping[str, object]], OneCEntity],
    data: OneCData,
) -> list[OneCEntity]:
    """Elements of one catalog: folders and deletion-marked elements are left out and counted
    in ``data.notes``; an element without a Ref_Key goes to ``data.broken``."""
    entities: list[OneCEntity] = []
    folders = deleted = 0
    for entity in rows:
        if entity.get("IsFolder"):
            folders += 1
        elif ref(entity.get("Ref_Key")) is None:
            data.broken.append(
                (origin(catalog, entity), message("mapping.onec.no_ref_key", catalog=catalog), payload(entity))
            )
        elif entity.get("DeletionMark"):
            deleted += 1
        else:
            entities.append(make(entity))
    if folders:
        data.notes.append(message("mapping.onec.folders_skipped", catalog=catalog, n=folders))
    if deleted:
        data.notes.append(message(deleted_note, n=deleted))
    return entities


def onec_data(catalogs: Mapping[str, list[Mapping[str, object]]]) -> OneCData:
    """What a 1C base holds, from the elements of each catalog read (``Catalog_Контрагенты`` and
    each published contact person catalog of ``CONTACT_CATALOGS``)."""
    counterparties = catalogs.get(COUNTERPARTIES, [])
    contacts = {catalog: rows for catalog, rows in catalogs.items() if catalog in CONTACT_CATALOGS}
    read = ", ".join(f"{catalog} {len(rows)}" for catalog, rows in catalogs.items())
    data = OneCData(notes=[message("mapping.onec.elements_read", read=read)])
    data.companies = _elements(
        COUNTERPARTIES, counterparties, "mapping.onec.deleted_counterparties", counterparty, data
    )
    if not contacts:
        data.notes.append(message("mapping.onec.no_contact_catalog", catalogs=" | ".join(CONTACT_CATALOGS)))
    partners = partner_counterparties(counterparties) if UT_CONTACTS in contacts else {}
    deleted = {
        ref(e.get("Ref_Key")): counterparty(e).fields
        for e in counterparties
        if e.get("DeletionMark") and not e.get("IsFolder") and ref(e.get("Ref_Key"))
    }
    for catalog, rows in contacts.items():

        def make(entity: Mapping[str, object], catalog: str = catalog) -> OneCEntity:
            return contact_person(catalog, entity, company_of(catalog, entity, partners))

        data.contacts += _elements(catalog, rows, "mapping.onec.deleted_contacts", make, data)
    for person in data.contacts:
        if person.company_key in deleted:
            fields = deleted[person.company_key]
            person.company_ref = {"inn": fields.get("inn"), "name": fields.get("name")}
    return data
