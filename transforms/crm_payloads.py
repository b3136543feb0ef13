"""Golden records → what Bitrix24 and amoCRM are sent by `push` (pure: no I/O).

Bitrix24 (REST ``crm.company.*``, ``crm.contact.*``, ``crm.requisite.*``): scalar fields, the
multifields PHONE/EMAIL/WEB as ``[{VALUE, VALUE_TYPE}]`` and, for a company with an INN or
OGRN, one requisite (legal entity, entrepreneur or person preset). ORIGINATOR_ID/ORIGIN_ID carry
this tool and the CRM record id here, so a record can be found again after a lost answer.
Bitrix24 *appends* a multifield item sent without ``ID`` on update: ``multifield_update`` sends
only what changed, changing this tool's own items by ``ID`` and removing them with ``DELETE: "Y"``;
items CRM users added stay.

amoCRM (API v4): ``custom_fields_values`` — PHONE/EMAIL with ``enum_code``, POSITION, and text
fields for INN/KPP/OGRN and the source id (amoCRM has no external-id field).

``delivery_hash`` fingerprints what is sent for one record: an unchanged hash means no write.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import PhoneNumberType

from transforms.emails import COMMON_DOMAINS
from vocabulary.crm_records import CrmCompany, CrmContact, Phone

ORIGINATOR = "crm-migrate"
MULTIFIELD_MAX = 250  # Bitrix24 keeps at most 250 characters in a multifield value

# Bitrix24's default requisite presets (crm.requisite.preset.list), by XML_ID and, as a fallback, by name.
PRESET_XML_IDS = {
    "legal": "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#",
    "entrepreneur": "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#",
    "person": "#CRM_REQUISITE_PRESET_DEF_RU_PERSON#",
}
PRESET_NAMES = {"legal": "Организация", "entrepreneur": "ИП", "person": "Физ. лицо"}


def originator_id(migration_name: str) -> str:
    """ORIGINATOR_ID of every record this migration creates in Bitrix24 (and the amoCRM source-id prefix)."""
    return f"{ORIGINATOR}:{migration_name}"[:100]


def delivery_hash(payload: object) -> str:
    """A stable fingerprint of what is sent for one record (key order and spacing do not matter)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_mobile(e164: str) -> bool:
    """True for a mobile number (phonenumbers' metadata; «mobile or fixed» counts as fixed)."""
    try:
        return phonenumbers.number_type(phonenumbers.parse(e164)) == PhoneNumberType.MOBILE
    except phonenumbers.NumberParseException:
        return False


def phone_text(phone: Phone) -> str:
    return f"{phone.e164} доб. {phone.extension}" if phone.extension else phone.e164


def is_private_email(email: str) -> bool:
    """An address at a public mail provider (gmail.com, mail.ru, …) is a person's own, not a company's."""
    return email.rpartition("@")[2].lower() in COMMON_DOMAINS


def _value_key(kind: str, value: str) -> str:
    """What makes two multifield values the same: the digits of a phone (a Russian 8… as +7…), the lower-cased
    e-mail/site — so a number a CRM user typed as «8 (916) 123-45-67» is not sent again as +79161234567."""
    if kind != "PHONE":
        return value.strip().lower()
    digits = re.sub(r"\D", "", value)
    return "7" + digits[1:] if len(digits) == 11 and digits.startswith("8") else digits


def _clean(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if v not in (None, "")}


# -- Bitrix24 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BitrixRecord:
    """What one CRM record should look like in Bitrix24."""

    crm_id: int
    fields: dict  # scalar fields (TITLE, NAME, ORIGIN_ID, COMPANY_ID, …)
    multi: dict[str, list[tuple[str, str]]]  # PHONE/EMAIL/WEB → [(value, VALUE_TYPE)]
    requisite: dict | None = None  # crm.requisite fields without ENTITY_ID (companies with an INN/OGRN)
    companies: tuple[str, ...] = field(default=())  # contacts: remote ids of every company, main first

    def add_fields(self) -> dict:
        """``fields`` of crm.company.add / crm.contact.add."""
        multi = {
            kind: [{"VALUE": v, "VALUE_TYPE": t} for v, t in values] for kind, values in self.multi.items() if values
        }
        bound = {"COMPANY_IDS": list(self.companies)} if len(self.companies) > 1 else {}
        return self.fields | multi | bound

    def hash(self) -> str:
        return delivery_hash(
            {"fields": self.fields, "multi": self.multi, "requisite": self.requisite, "companies": self.companies}
        )


def _phones(phones: tuple[Phone, ...]) -> list[tuple[str, str]]:
    return [(phone_text(p)[:MULTIFIELD_MAX], "MOBILE" if is_mobile(p.e164) else "WORK") for p in phones]


def bitrix_company(company: CrmCompany, originator: str, presets: dict[str, str]) -> BitrixRecord:
    fields = {
        "TITLE": company.name,
        "COMPANY_TYPE": "CUSTOMER",
        "ADDRESS": company.address,
        "ADDRESS_CITY": company.city,
        "COMMENTS": company.note,
        "ORIGINATOR_ID": originator,
        "ORIGIN_ID": str(company.id),
    }
    multi = {
        "PHONE": _phones(company.phones),
        "EMAIL": [(e[:MULTIFIELD_MAX], "WORK") for e in company.emails],
        "WEB": [(company.website[:MULTIFIELD_MAX], "WORK")] if company.website else [],
    }
    return BitrixRecord(company.id, _clean(fields), multi, _requisite(company, originator, presets))


def _requisite(company: CrmCompany, originator: str, presets: dict[str, str]) -> dict | None:
    if not (company.inn or company.ogrn):
        return None
    kind = (
        company.type
        if company.type in PRESET_XML_IDS
        else ("entrepreneur" if len(company.inn or "") == 12 else "legal")
    )
    fields = {
        "PRESET_ID": presets[kind],
        "NAME": company.legal_name or company.name,
        "ACTIVE": "Y",
        "XML_ID": f"{originator}:company:{company.id}",
        "RQ_INN": company.inn,
    }
    if kind == "legal":
        fields |= {
            "RQ_KPP": company.kpp,
            "RQ_OGRN": company.ogrn,
            "RQ_COMPANY_NAME": company.name,
            "RQ_COMPANY_FULL_NAME": company.legal_name,
        }
    elif kind == "entrepreneur":
        fields |= {"RQ_OGRNIP": company.ogrn}
    return _clean(fields)


def bitrix_contact(contact: CrmContact, originator: str, company_remote_ids: dict[int, str]) -> BitrixRecord:
    companies = tuple(company_remote_ids[c] for c in contact.company_ids if c in company_remote_ids)
    has_parts = bool(contact.first_name or contact.last_name)
    fields = {
        "NAME": contact.first_name if has_parts else contact.full_name,
        "LAST_NAME": contact.last_name,
        "SECOND_NAME": contact.middle_name,
        "POST": contact.position,
        "COMMENTS": contact.note,
        "COMPANY_ID": companies[0] if companies else None,
        "ORIGINATOR_ID": originator,
        "ORIGIN_ID": str(contact.id),
    }
    emails = [(e[:MULTIFIELD_MAX], "HOME" if is_private_email(e) else "WORK") for e in contact.emails]
    return BitrixRecord(
        contact.id, _clean(fields), {"PHONE": _phones(contact.phones), "EMAIL": emails}, companies=companies
    )


def _same(a: object, b: object) -> bool:
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


def changed_fields(wanted: dict, remote: dict) -> dict:
    """The scalar fields whose remote value differs from the wanted one."""
    return {k: v for k, v in wanted.items() if not _same(v, remote.get(k))}


def multifield_update(kind: str, wanted: list[tuple[str, str]], remote: list[dict], ours: dict[str, str]) -> list[dict]:
    """Items for crm.*.update that turn ``remote`` items into ``wanted`` ones; [] when nothing changes.

    ``ours``: value → item ID of what this tool sent before. A wanted value already there is left alone;
    one that is missing reuses an item of ours that is no longer wanted (changed by ID) or is appended;
    our items left over are removed (``DELETE: "Y"``). Items a CRM user added are never touched.
    """
    our_ids = {str(i) for i in ours.values()}
    wanted_by_key = {_value_key(kind, v): (v, t) for v, t in wanted}
    present = {_value_key(kind, str(i.get("VALUE", ""))): i for i in remote}
    stale = [i for i in remote if str(i["ID"]) in our_ids and _value_key(kind, str(i["VALUE"])) not in wanted_by_key]
    items: list[dict] = []
    for key, (value, value_type) in wanted_by_key.items():
        item = present.get(key)
        if item is not None:
            if str(item["ID"]) in our_ids and item.get("VALUE_TYPE") != value_type:
                items.append({"ID": item["ID"], "VALUE": item["VALUE"], "VALUE_TYPE": value_type})
            continue
        reused = stale.pop(0) if stale else None
        items.append(({"ID": reused["ID"]} if reused else {}) | {"VALUE": value, "VALUE_TYPE": value_type})
    return items + [{"ID": i["ID"], "DELETE": "Y"} for i in stale]


def multifield_ids(record: BitrixRecord, remote: dict) -> dict[str, dict[str, str]]:
    """kind → {value: item ID} of the wanted values as they now are in the remote record."""
    ids: dict[str, dict[str, str]] = {}
    for kind, values in record.multi.items():
        by_key = {_value_key(kind, str(i.get("VALUE", ""))): str(i["ID"]) for i in remote.get(kind) or []}
        found = {v: by_key[_value_key(kind, v)] for v, _ in values if _value_key(kind, v) in by_key}
        if found:
            ids[kind] = found
    return ids


def record_update(record: BitrixRecord, remote: dict, item_ids: dict | None) -> dict:
    """``fields`` for crm.*.update that bring ``remote`` (a crm.*.list row) to ``record``; {} when equal."""
    ours = item_ids or {}
    fields = changed_fields(record.fields, remote)
    for kind, values in record.multi.items():
        items = multifield_update(kind, values, remote.get(kind) or [], ours.get(kind, {}))
        if items:
            fields[kind] = items
    return fields


def requisite_change(
    record: BitrixRecord, remote_id: str, requisites: list[dict], item_ids: dict | None
) -> tuple[str, dict] | None:
    """("add", fields) or ("update", {"id", "fields"}) for the company's requisite; None when it is as wanted."""
    if record.requisite is None:
        return None
    known = (item_ids or {}).get("requisite")
    mine = next(
        (r for r in requisites if str(r["ID"]) == str(known) or r.get("XML_ID") == record.requisite["XML_ID"]), None
    )
    if mine is None:
        return "add", record.requisite | {"ENTITY_TYPE_ID": 4, "ENTITY_ID": remote_id}
    changed = changed_fields({k: v for k, v in record.requisite.items() if k != "PRESET_ID"}, mine)
    return ("update", {"id": mine["ID"], "fields": changed}) if changed else None


# -- amoCRM ---------------------------------------------------------------------------------------

# Text custom fields this tool creates when the account lacks them: code → name shown in amoCRM.
AMO_TEXT_FIELDS = {
    "companies": {"CRM_MIGRATE_ID": "ID в crm-migrate", "INN": "ИНН", "KPP": "КПП", "OGRN": "ОГРН"},
    "contacts": {"CRM_MIGRATE_ID": "ID в crm-migrate"},
}


def amo_source_id(originator: str, entity: str, crm_id: int) -> str:
    """The value of the source-id field: what a lost answer is looked up by."""
    return f"{originator}:{entity}:{crm_id}"


def _amo_values(code: str, values: list[tuple[str, str]]) -> list[dict]:
    return [{"field_code": code, "values": [{"value": v, "enum_code": e} for v, e in values]}] if values else []


def _amo_text(field_ids: dict[str, int], values: dict[str, str | None]) -> list[dict]:
    return [{"field_id": field_ids[code], "values": [{"value": v}]} for code, v in values.items() if v]


def amo_company(company: CrmCompany, originator: str, field_ids: dict[str, int]) -> dict:
    phones = [(phone_text(p), "MOB" if is_mobile(p.e164) else "WORK") for p in company.phones]
    custom = (
        _amo_values("PHONE", phones)
        + _amo_values("EMAIL", [(e, "WORK") for e in company.emails])
        + _amo_values("WEB", [(company.website, "WORK")] if company.website else [])
        + _amo_values("ADDRESS", [(company.address, "WORK")] if company.address else [])
    )
    custom += _amo_text(
        field_ids,
        {
            "CRM_MIGRATE_ID": amo_source_id(originator, "company", company.id),
            "INN": company.inn,
            "KPP": company.kpp,
            "OGRN": company.ogrn,
        },
    )
    return {"name": company.name, "custom_fields_values": _without_enum(custom, ("WEB", "ADDRESS"))}


def _without_enum(custom: list[dict], codes: tuple[str, ...]) -> list[dict]:
    """WEB and ADDRESS are single text fields in amoCRM: no enum_code."""
    for entry in custom:
        if entry.get("field_code") in codes:
            entry["values"] = [{"value": v["value"]} for v in entry["values"]]
    return custom


def amo_contact(contact: CrmContact, originator: str, field_ids: dict[str, int]) -> dict:
    name = contact.full_name or " ".join(p for p in (contact.last_name, contact.first_name, contact.middle_name) if p)
    phones = [(phone_text(p), "MOB" if is_mobile(p.e164) else "WORK") for p in contact.phones]
    emails = [(e, "PRIV" if is_private_email(e) else "WORK") for e in contact.emails]
    custom = _amo_values("PHONE", phones) + _amo_values("EMAIL", emails)
    if contact.position:
        custom.append({"field_code": "POSITION", "values": [{"value": contact.position}]})
    custom += _amo_text(field_ids, {"CRM_MIGRATE_ID": amo_source_id(originator, "contact", contact.id)})
    return _clean(
        {"name": name, "first_name": contact.first_name, "last_name": contact.last_name, "custom_fields_values": custom}
    )


def amo_source_value(record: dict, field_id: int) -> str | None:
    """The source-id of a record as amoCRM returns it (a lookup answer)."""
    for entry in record.get("custom_fields_values") or []:
        if entry.get("field_id") == field_id:
            return next((v.get("value") for v in entry.get("values") or []), None)
    return None
