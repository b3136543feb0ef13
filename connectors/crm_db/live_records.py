"""Read the golden companies and contacts of the target database for delivery (`push`, `export`)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from connectors.crm_db import schema as s
from vocabulary.crm_records import CrmCompany, CrmContact, CrmRecords, Phone

_COMPANY_FIELDS = ("name", "legal_name", "inn", "kpp", "ogrn", "type", "address", "city", "website", "manager", "note")
_CONTACT_FIELDS = ("full_name", "last_name", "first_name", "middle_name", "position", "note")


def _channels(conn: Connection) -> tuple[dict, dict]:
    """(owner → phones, owner → e-mails) in id order, an owner being ("company"|"contact", id)."""
    phones: dict[tuple[str, int], list[Phone]] = defaultdict(list)
    emails: dict[tuple[str, int], list[str]] = defaultdict(list)
    for row in conn.execute(select(s.phones).where(s.phones.c.e164.is_not(None)).order_by(s.phones.c.id)):
        owner = ("contact", row.contact_id) if row.contact_id is not None else ("company", row.company_id)
        phone = Phone(row.e164, row.extension or None)
        if phone not in phones[owner]:
            phones[owner].append(phone)
    for row in conn.execute(select(s.emails).where(s.emails.c.email.is_not(None)).order_by(s.emails.c.id)):
        owner = ("contact", row.contact_id) if row.contact_id is not None else ("company", row.company_id)
        if row.email not in emails[owner]:
            emails[owner].append(row.email)
    return phones, emails


def read_live_records(conn: Connection) -> CrmRecords:
    """Every company and contact with its phones (valid E.164 only) and e-mails; soft-deleted ones flagged."""
    phones, emails = _channels(conn)
    companies = tuple(
        CrmCompany(
            id=r.id,
            **{f: r._mapping[f] for f in _COMPANY_FIELDS},
            phones=tuple(phones[("company", r.id)]),
            emails=tuple(emails[("company", r.id)]),
            deleted=r.deleted_at is not None,
        )
        for r in conn.execute(select(s.companies).order_by(s.companies.c.id))
    )
    others: dict[int, list[int]] = defaultdict(list)
    for r in conn.execute(select(s.contact_companies).order_by(s.contact_companies.c.company_id)):
        others[r.contact_id].append(r.company_id)
    contacts = []
    for r in conn.execute(select(s.contacts).order_by(s.contacts.c.id)):
        main = [r.company_id] if r.company_id is not None else []
        contacts.append(
            CrmContact(
                id=r.id,
                **{f: r._mapping[f] for f in _CONTACT_FIELDS},
                company_ids=tuple(main + [c for c in others[r.id] if c not in main]),
                phones=tuple(phones[("contact", r.id)]),
                emails=tuple(emails[("contact", r.id)]),
                deleted=r.deleted_at is not None,
            )
        )
    return CrmRecords(companies=companies, contacts=tuple(contacts))
