"""Read the generated files with plain pandas, as an analyst preparing data for splink would.

One frame of company records and one of contact records, each keyed by ``(source, source_key)``
the way the ground truth keys them — so the splink side and the generator test need no
crm-migrate code. Values stay as written; normalising is the caller's business.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from bench.quality.generate import COMPANY_COLUMNS, CRM_HEADER, SHEET, SOURCES

CML = "{urn:1C.ru:commerceml_2}"
COMPANY = ("source", "source_key", "name", "inn", "kpp", "phone", "email", "city", "address")
CONTACT = ("source", "source_key", "full_name", "phone", "email", "company_name", "company_inn")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _old_crm(path: Path) -> tuple[list[dict], list[dict]]:
    grid = pd.read_excel(path, sheet_name=SHEET, header=None, dtype=object, engine="calamine")
    rows = [[_text(v) for v in r] for r in grid.itertuples(index=False)]
    start = next(i for i, r in enumerate(rows) if r[:2] == list(CRM_HEADER[:2])) + 1
    cards: list[tuple[list[str], list[list[str]]]] = []
    for r in rows[start:]:
        if r[0].startswith("Итого"):
            break
        if r[0]:  # a new card; on the following rows the company cells are merged (empty here)
            cards.append((r[:COMPANY_COLUMNS], []))
        if r[6]:
            cards[-1][1].append(r)
    companies, contacts = [], []
    col = {h: i for i, h in enumerate(CRM_HEADER)}
    for company, people in cards:
        no = company[0]
        companies.append(
            {
                "source": "old_crm",
                "source_key": no,
                "name": company[1],
                "inn": company[2],
                "kpp": "",
                "phone": company[5],
                "email": "",
                "city": company[3],
                "address": company[4],
            }
        )
        for i, r in enumerate(people, 1):
            contacts.append(
                {
                    "source": "old_crm",
                    "source_key": f"{no}/{i}" if len(people) > 1 else no,
                    "full_name": r[col["Контактное лицо"]],
                    "phone": r[col["Моб. телефон"]],
                    "email": r[col["E-mail"]],
                    "company_name": company[1],
                    "company_inn": company[2],
                }
            )
    return companies, contacts


def _onec(path: Path) -> list[dict]:
    frame = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str, keep_default_na=False)
    return [
        {
            "source": "buh_1c",
            "source_key": r["Код"],
            "name": r["Наименование"],
            "inn": r["ИНН"],
            "kpp": r["КПП"],
            "phone": r["Телефон"],
            "email": r["Электронная почта"],
            "city": "",
            "address": r["Адрес"],
        }
        for r in frame.to_dict("records")
    ]


def _contacts(path: Path) -> list[dict]:
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return [
        {
            "source": "contacts",
            "source_key": f"{path.name}:{line}",
            "full_name": r["ФИО"],
            "phone": r["Телефон"],
            "email": r["E-mail"],
            "company_name": r["Компания"],
            "company_inn": r["ИНН компании"],
        }
        for line, r in enumerate(frame.to_dict("records"), 2)
    ]


def _channels(element: ET.Element) -> tuple[str, str]:
    phones, emails = [], []
    for c in element.findall(f"{CML}Контакты/{CML}Контакт"):
        kind, value = c.findtext(f"{CML}Тип", ""), c.findtext(f"{CML}Значение", "")
        (emails if "очт" in kind else phones).append(value)
    return ", ".join(phones), ", ".join(emails)


def _exchange(path: Path) -> tuple[list[dict], list[dict]]:
    companies, contacts = [], []
    for cp in ET.parse(path).getroot().iter(f"{CML}Контрагент"):
        if cp.find(f"{CML}Отношение") is not None:
            continue  # a contact person, read with its counterparty
        name, inn = cp.findtext(f"{CML}Наименование", ""), cp.findtext(f"{CML}ИНН", "")
        phone, email = _channels(cp)
        companies.append(
            {
                "source": "exchange",
                "source_key": cp.findtext(f"{CML}Ид"),
                "name": name,
                "inn": inn,
                "kpp": cp.findtext(f"{CML}КПП", ""),
                "phone": phone,
                "email": email,
                "city": "",
                "address": cp.findtext(f"{CML}ЮридическийАдрес/{CML}Представление", ""),
            }
        )
        for person in cp.findall(f"{CML}Представители/{CML}Представитель/{CML}Контрагент"):
            p_phone, p_email = _channels(person)
            contacts.append(
                {
                    "source": "exchange",
                    "source_key": person.findtext(f"{CML}Ид"),
                    "full_name": person.findtext(f"{CML}Наименование", ""),
                    "phone": p_phone,
                    "email": p_email,
                    "company_name": name,
                    "company_inn": inn,
                }
            )
    return companies, contacts


def read_sources(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(companies, contacts) of the four generated files."""
    crm_companies, crm_contacts = _old_crm(data / SOURCES["old_crm"])
    xml_companies, xml_contacts = _exchange(data / SOURCES["exchange"])
    companies = crm_companies + _onec(data / SOURCES["buh_1c"]) + xml_companies
    contacts = crm_contacts + _contacts(data / SOURCES["contacts"]) + xml_contacts
    return pd.DataFrame(companies, columns=list(COMPANY)), pd.DataFrame(contacts, columns=list(CONTACT))
