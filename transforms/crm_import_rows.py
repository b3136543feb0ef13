"""Golden records → rows of the files the CRMs' own importers take (pure; written by connectors.saas.import_files).

Bitrix24 (CRM → Компании/Контакты → Импорт, «CSV»): the importer's Russian column titles; a contact
names its company in «Компания», which the importer matches by exact title and creates a company
when none matches — so every company title is made unique in the file (a twin title gets the
city, then the INN, then the record id here). Several phones/e-mails share one cell, «; »-separated.
amoCRM (Импорт в «Контакты и компании»): one row per contact with its company's columns, plus a
row for each company without contacts.
"""

from __future__ import annotations

from collections import Counter

from transforms.crm_payloads import is_mobile, is_private_email, phone_text
from vocabulary.crm_records import CrmCompany, CrmContact, CrmRecords, Phone

SEPARATOR = "; "

BITRIX_COMPANY_COLUMNS = (
    "Название компании",
    "Рабочий телефон",
    "Мобильный телефон",
    "Рабочий e-mail",
    "Корпоративный сайт",
    "Адрес",
    "Город",
    "ИНН",
    "КПП",
    "ОГРН",
    "Комментарий",
    "Ответственный",
)
BITRIX_CONTACT_COLUMNS = (
    "Имя",
    "Фамилия",
    "Отчество",
    "Должность",
    "Компания",
    "Рабочий телефон",
    "Мобильный телефон",
    "Рабочий e-mail",
    "Частный e-mail",
    "Комментарий",
    "Ответственный",
)
AMO_COLUMNS = (
    "Полное имя контакта",
    "Имя",
    "Фамилия",
    "Должность (контакт)",
    "Рабочий телефон (контакт)",
    "Мобильный телефон (контакт)",
    "Рабочий email (контакт)",
    "Личный email (контакт)",
    "Примечание (контакт)",
    "Название компании",
    "Рабочий телефон (компания)",
    "Email (компания)",
    "Web (компания)",
    "Адрес (компания)",
    "ИНН (компания)",
    "КПП (компания)",
    "ОГРН (компания)",
    "Примечание (компания)",
    "Ответственный",
)


def unique_titles(companies: tuple[CrmCompany, ...]) -> dict[int, str]:
    """company id → a title no other company of the file has (the importer binds contacts by it)."""
    titles = {c.id: c.name.strip() for c in companies}
    for qualify in (lambda c: c.city, lambda c: f"ИНН {c.inn}" if c.inn else None, lambda c: f"№ {c.id}"):
        counts = Counter(titles.values())
        for c in companies:
            if counts[titles[c.id]] > 1 and qualify(c):
                titles[c.id] = f"{titles[c.id]} ({qualify(c)})"
    return titles


def _join(values: list[str]) -> str:
    return SEPARATOR.join(values)


def _split_phones(phones: tuple[Phone, ...]) -> tuple[str, str]:
    return (
        _join([phone_text(p) for p in phones if not is_mobile(p.e164)]),
        _join([phone_text(p) for p in phones if is_mobile(p.e164)]),
    )


def _name_parts(contact: CrmContact) -> tuple[str, str, str]:
    if contact.first_name or contact.last_name:
        return contact.first_name or "", contact.last_name or "", contact.middle_name or ""
    return contact.full_name or "", "", ""


def bitrix_rows(records: CrmRecords) -> tuple[list[dict], list[dict], dict[int, str]]:
    """(company rows, contact rows, company id → title) of the live records; each row keeps its ``_crm_id``."""
    companies = records.live_companies()
    titles = unique_titles(companies)
    by_id = {c.id: c for c in companies}
    company_rows = []
    for c in companies:
        work, mobile = _split_phones(c.phones)
        company_rows.append(
            dict(
                zip(
                    BITRIX_COMPANY_COLUMNS,
                    (
                        titles[c.id],
                        work,
                        mobile,
                        _join(list(c.emails)),
                        c.website or "",
                        c.address or "",
                        c.city or "",
                        c.inn or "",
                        c.kpp or "",
                        c.ogrn or "",
                        c.note or "",
                        c.manager or "",
                    ),
                ),
                _crm_id=c.id,
            )
        )
    contact_rows = []
    for p in records.live_contacts():
        main = next((by_id[i] for i in p.company_ids if i in by_id), None)
        work, mobile = _split_phones(p.phones)
        first, last, middle = _name_parts(p)
        contact_rows.append(
            dict(
                zip(
                    BITRIX_CONTACT_COLUMNS,
                    (
                        first,
                        last,
                        middle,
                        p.position or "",
                        titles[main.id] if main else "",
                        work,
                        mobile,
                        _join([e for e in p.emails if not is_private_email(e)]),
                        _join([e for e in p.emails if is_private_email(e)]),
                        p.note or "",
                        main.manager or "" if main else "",
                    ),
                ),
                _crm_id=p.id,
            )
        )
    return company_rows, contact_rows, titles


def amo_rows(records: CrmRecords) -> list[dict]:
    """One row per live contact (with its main company) and per company without contacts; ``_entity``/``_crm_id``."""
    companies = records.live_companies()
    titles = unique_titles(companies)
    by_id = {c.id: c for c in companies}
    rows, with_contacts = [], set()
    for p in records.live_contacts():
        main = next((by_id[i] for i in p.company_ids if i in by_id), None)
        if main is not None:
            with_contacts.add(main.id)
        work, mobile = _split_phones(p.phones)
        first, last, _ = _name_parts(p)
        person = (
            p.full_name or " ".join(x for x in (p.last_name, p.first_name, p.middle_name) if x),
            first,
            last,
            p.position or "",
            work,
            mobile,
            _join([e for e in p.emails if not is_private_email(e)]),
            _join([e for e in p.emails if is_private_email(e)]),
            p.note or "",
        )
        rows.append(dict(zip(AMO_COLUMNS, person + _amo_company(main, titles)), _entity="contact", _crm_id=p.id))
    for c in companies:
        if c.id not in with_contacts:
            rows.append(dict(zip(AMO_COLUMNS, ("",) * 9 + _amo_company(c, titles)), _entity="company", _crm_id=c.id))
    return rows


def _amo_company(c: CrmCompany | None, titles: dict[int, str]) -> tuple[str, ...]:
    if c is None:
        return ("",) * 10
    return (
        titles[c.id],
        _join([phone_text(p) for p in c.phones]),
        _join(list(c.emails)),
        c.website or "",
        c.address or "",
        c.inn or "",
        c.kpp or "",
        c.ogrn or "",
        c.note or "",
        c.manager or "",
    )
