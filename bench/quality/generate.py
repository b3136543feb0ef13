"""Generate a client base with its ground truth: the files a client really hands over.

    python -m bench.quality.generate --companies 2000 --out bench/data/quality_2000 [--seed 1] [--shuffle 7]

Writes into ``--out``:

* ``old_crm.xlsx`` — the old CRM's export, sheet «Клиенты»: two title rows, a merged group header
  («Компания» / «Контактное лицо») over the column header, one card (№) per company visit with
  its contact persons on the following rows (company cells merged), company-only rows whose
  ``E-mail`` is the company's, duplicate cards, an «Итого» line, no KPP column, INN as numbers;
* ``kontragenty_1c.csv`` — 1C counterparties: cp1251, ``;``, CRLF, key ``Код``, branches as
  their own counterparties (same INN, own KPP), a few counterparties entered twice;
* ``contacts.csv`` — a contacts list saved from Excel: UTF-8 with BOM, ``,``; the company is
  named by a variant (typos, initials, legal form before or after, Latin/Cyrillic) and/or an INN;
* ``exchange.xml`` — a 1C CommerceML 2.08 exchange file: counterparties with contact persons;
* ``truth.csv`` — one row per record: ``source, source_key, entity, record_id`` → true
  ``company_id`` / ``person_id`` and the facts the hard rules need;
* ``manifest.json`` — counts and parameters.

Source keys are those the files give: ``№`` of a card (its contacts ``№`` or ``№/1``, ``№/2``…
when the card has several), ``Код``, ``contacts.csv:<line>``, the XML ``Ид``. ``record_id``
names a record whatever the row order, so ``--shuffle SEED`` (every file's rows in another
order, same records) can be compared with the unshuffled run.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

from bench.bench_matching import (
    _CITY_SPELLINGS,
    _LONG_FORMS,
    _STREETS,
    _initials,
    _phone_text,
    _quoted,
    _typo,
    _weighted,
    _with_form,
)
from bench.quality.world import Person, TrueCompany, World, build_world

GENERATOR_VERSION = 1
DEFAULT_COMPANIES = 2_000
SOURCES = {
    "old_crm": "old_crm.xlsx",
    "buh_1c": "kontragenty_1c.csv",
    "contacts": "contacts.csv",
    "exchange": "exchange.xml",
}
TRUTH_COLUMNS = (
    "source",
    "source_key",
    "entity",
    "record_id",
    "company_id",
    "person_id",
    "company_inn",
    "company_kpp",
    "company_type",
    "company_parent",
    "inn_written",
    "first_name",
    "trap",
    "as_written",
)
SHEET = "Клиенты"
CRM_HEADER = (
    "№",
    "Клиент",
    "ИНН",
    "Город",
    "Адрес",
    "Телефон",
    "Контактное лицо",
    "Должность",
    "Моб. телефон",
    "E-mail",
    "Менеджер",
    "Комментарий",
)
COMPANY_COLUMNS = 6  # № … Телефон: merged over a card's rows
ONEC_HEADER = (
    "Код",
    "Наименование",
    "Полное наименование",
    "ИНН",
    "КПП",
    "ОГРН",
    "Телефон",
    "Адрес",
    "Электронная почта",
    "Комментарий",
)
CONTACTS_HEADER = ("ФИО", "Должность", "Телефон", "E-mail", "Компания", "ИНН компании")
MANAGERS = ("Смирнова Е.А.", "Козлов Д.В.", "Белова Н.С.", "Орлов П.П.", "Гусева Т.М.", "Никитин А.Ю.")

# How often a company shows up in each source (branches are 1C's own counterparties).
P_ONEC, P_ONEC_BRANCH, P_ONEC_TWICE = 0.75, 0.95, 0.03
P_CRM, P_CRM_SECOND_CARD, P_CRM_PERSON = 0.6, 0.12, 0.7
P_XML, P_XML_PERSON = 0.25, 0.6
P_CONTACTS_PERSON, P_CONTACTS_TWICE = 0.4, 0.08


# ---------------------------------------------------------------- records (rendered, not yet laid out)


@dataclass
class Truth:
    entity: str  # company | contact
    company: TrueCompany
    person: Person | None = None
    inn_written: str | None = None
    as_written: str = ""
    record_id: str = ""


@dataclass
class Card:
    """One old-CRM card: a company row and the rows of its contact persons."""

    company: dict
    truth: Truth
    people: list[tuple[dict, Truth]] = field(default_factory=list)
    no: int = 0


def _valid_inn(inn: str) -> bool:
    from bench.bench_matching import _INN10_WEIGHTS, _INN12_WEIGHTS, _check_digit

    if len(inn) == 10 and inn.isdigit():
        return _check_digit(inn[:9], _INN10_WEIGHTS) == inn[9]
    if len(inn) == 12 and inn.isdigit():
        return (
            _check_digit(inn[:10], _INN12_WEIGHTS[0]) == inn[10]
            and _check_digit(inn[:11], _INN12_WEIGHTS[1]) == inn[11]
        )
    return False


def _inn_typo(rng: random.Random, inn: str) -> str:
    """Two neighbouring digits swapped or one digit changed; usually the checksum then fails."""
    i = rng.randrange(2, len(inn) - 1)
    if rng.random() < 0.6 and inn[i] != inn[i + 1]:
        return inn[:i] + inn[i + 1] + inn[i] + inn[i + 2 :]
    return inn[:i] + str((int(inn[i]) + rng.randrange(1, 10)) % 10) + inn[i + 1 :]


class _Renderer:
    """How each source writes a company or a person."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng

    # ------------------------------------------------------------ companies

    def company_name(self, c: TrueCompany, source: str) -> str:
        rng = self.rng
        name = c.name
        if c.cyrillic and rng.random() < (0.5 if source in ("buh_1c", "exchange") else 0.3):
            name = c.cyrillic
        if c.kind == "entrepreneur" and rng.random() < (0.25 if source in ("old_crm", "contacts") else 0.05):
            name = _initials(name) if rng.random() < 0.7 else _initials(name).replace(".", ". ").strip()
        if rng.random() < {"old_crm": 0.1, "contacts": 0.12, "buh_1c": 0.02}.get(source, 0.0):
            name = _typo(rng, name)
        if "ё" in name and rng.random() < 0.5:
            name = name.replace("ё", "е")
        if c.cyrillic and name == c.name and rng.random() < 0.4:  # a Latin name with an English form
            text = f"{name} {rng.choice(['LLC', 'Ltd', 'LLC', 'JSC' if c.form != 'ООО' else 'LLC'])}"
        else:
            text = _with_form(
                rng,
                c.form,
                name,
                "buh_1c" if source == "exchange" else "site" if source == "contacts" and rng.random() < 0.3 else source,
            )
        if c.parent:
            text = self.branch_label(text, c, source)
        return text

    def branch_label(self, text: str, c: TrueCompany, source: str) -> str:
        rng, r = self.rng, self.rng.random()
        if r < (0.5 if source != "old_crm" else 0.35):
            return f"{text} (филиал г. {c.city})" if rng.random() < 0.6 else f"{text}, филиал в г. {c.city}"
        if r < 0.65:
            return f"{text} ОП {c.city}" if rng.random() < 0.5 else f"Филиал {text} {c.city}"
        return text  # nothing tells the branch but its KPP, city and phones

    def legal_name(self, c: TrueCompany) -> str | None:
        if c.form not in _LONG_FORMS or self.rng.random() < 0.3:
            return None
        name = c.cyrillic or c.name
        return f"{_LONG_FORMS[c.form]} {_quoted(self.rng, name) if c.form != 'ИП' else name}"

    def city(self, c: TrueCompany, p_missing: float) -> str:
        rng = self.rng
        if rng.random() < p_missing:
            return ""
        if c.city in _CITY_SPELLINGS and rng.random() < 0.25:
            return rng.choice(_CITY_SPELLINGS[c.city])
        return c.city if rng.random() < 0.85 else f"г. {c.city}"

    def address(self, c: TrueCompany) -> str:
        rng = self.rng
        return f"{rng.randrange(100000, 699999)}, г. {c.city}, {rng.choice(_STREETS)}, д. {rng.randrange(1, 120)}" + (
            f", офис {rng.randrange(1, 900)}" if rng.random() < 0.5 else ""
        )

    def phone(self, nsn: str) -> str:
        rng = self.rng
        if rng.random() < 0.12:
            return f"+7-{nsn[:3]}-{nsn[3:6]}-{nsn[6:8]}-{nsn[8:]}"
        return _phone_text(rng, nsn)

    def with_extension(self, nsn: str) -> str:
        rng, ext = self.rng, self.rng.randrange(100, 999)
        return rng.choice(
            [
                f"{self.phone(nsn)} доб. {ext}",
                f"{self.phone(nsn)} (доб. {ext})",
                f"{self.phone(nsn)}, доб.{ext}",
                f"{self.phone(nsn)} вн. {ext}",
            ]
        )

    def phones_cell(self, c: TrueCompany, p_empty: float) -> str:
        """Company phones: one or several, in any format, the business centre's switchboard with an extension."""
        rng = self.rng
        if rng.random() < p_empty:
            return ""
        numbers = [self.phone(n) for n in (c.phones if rng.random() < 0.3 else [rng.choice(c.phones)])]
        if c.centre is not None and rng.random() < 0.6:
            switchboard = self.with_extension(self.world.centres[c.centre].phone)
            numbers = [switchboard] if rng.random() < 0.6 else [switchboard, *numbers]
        return rng.choice([", ", "; ", " / ", ", "]).join(numbers)

    def company_email(self, c: TrueCompany, p_empty: float) -> str:
        rng = self.rng
        if rng.random() < p_empty:
            return ""
        if c.centre is not None and rng.random() < 0.4:
            return self.world.centres[c.centre].email
        return rng.choice(c.emails[:1] * 3 + c.emails)

    def inn(self, c: TrueCompany, p_present: float, p_typo: float) -> str:
        if not c.inn or self.rng.random() >= p_present:
            return ""
        return _inn_typo(self.rng, c.inn) if self.rng.random() < p_typo else c.inn

    # ------------------------------------------------------------ people

    def person_name(self, p: Person, first_only: bool = True) -> str:
        rng = self.rng
        last, first, middle = p.last, p.first, p.middle
        if rng.random() < 0.04:
            last = _typo(rng, last)
        if rng.random() < 0.5:
            last, first, middle = (s.replace("ё", "е") for s in (last, first, middle))
        styles: list[tuple[Callable[[], str], int]] = [
            (lambda: f"{last} {first} {middle}", 40),
            (lambda: f"{first} {last}", 10),
            (lambda: f"{last} {first}", 12),
            (lambda: f"{first} {middle} {last}", 4),
            (lambda: f"{last} {first} {middle}".upper(), 4),
            (lambda: f"{last} {first[0]}.{middle[0]}.", 10),
            (lambda: f"{last} {first[0]}. {middle[0]}.", 4),
            (lambda: f"{first[0]}.{middle[0]}. {last}", 3),
            (lambda: f"{last} {first[0]}.", 3),
        ]
        if first_only:
            styles += [(lambda: first, 4), (lambda: f"{first} {middle}", 2)]
        return _weighted(rng, styles)()

    def person_phones(self, p: Person, c: TrueCompany, bare: bool) -> str:
        """A person's numbers: the mobile, or the office line (often with an extension), or both."""
        rng = self.rng
        numbers = []
        if p.mobile and not bare and rng.random() < 0.75:
            numbers.append(self.phone(p.mobile))
        if bare or not numbers or rng.random() < 0.2:
            office = self.world.centres[c.centre].phone if c.centre is not None and rng.random() < 0.5 else c.phones[0]
            numbers.append(self.with_extension(office) if rng.random() < 0.4 else self.phone(office))
        return ", ".join(numbers)

    def person_email(self, p: Person, c: TrueCompany) -> str:
        rng = self.rng
        if p.email and rng.random() < 0.65:
            return p.email.upper() if rng.random() < 0.05 else p.email
        return self.company_email(c, 0.6)


def _truth_row(source: str, key: str, t: Truth) -> dict:
    c, p = t.company, t.person
    return {
        "source": source,
        "source_key": key,
        "entity": t.entity,
        "record_id": t.record_id,
        "company_id": c.id,
        "person_id": p.id if p else "",
        "company_inn": c.inn or "",
        "company_kpp": c.kpp or "",
        "company_type": c.kind,
        "company_parent": c.parent or "",
        "inn_written": t.inn_written or "",
        "first_name": p.first if p else "",
        "trap": (p.trap if p else c.trap),
        "as_written": t.as_written,
    }


# ---------------------------------------------------------------- the sources


def _crm_cards(r: _Renderer, world: World) -> list[Card]:
    rng, cards = r.rng, []
    for c in world.companies:
        if rng.random() >= P_CRM:
            continue
        for _visit in range(2 if rng.random() < P_CRM_SECOND_CARD else 1):
            inn = r.inn(c, 0.45, 0.04)
            name = r.company_name(c, "old_crm")
            comment = ""
            if c.parent and "илиал" not in name and rng.random() < 0.3:
                comment = f"филиал г. {c.city}"
            row = {
                "Клиент": name,
                "ИНН": inn,
                "Город": r.city(c, 0.2),
                "Адрес": r.address(c) if rng.random() < 0.3 else "",
                "Телефон": r.phones_cell(c, 0.15),
                "Менеджер": rng.choice(MANAGERS),
                "Комментарий": comment,
            }
            card = Card(row, Truth("company", c, inn_written=inn if _valid_inn(inn) else None, as_written=name))
            people = [p for p in c.people if rng.random() < P_CRM_PERSON]
            if not people and rng.random() < 0.5:  # a company-only row: the e-mail column holds the company's
                row["E-mail"] = r.company_email(c, 0.3)
            for p in people:
                shown = r.person_name(p)
                bare = " " not in shown.strip()
                card.people.append(
                    (
                        {
                            "Контактное лицо": shown,
                            "Должность": p.position if rng.random() < 0.6 else "",
                            "Моб. телефон": r.person_phones(p, c, bare),
                            "E-mail": r.person_email(p, c),
                        },
                        Truth("contact", c, p, as_written=shown),
                    )
                )
            cards.append(card)
    return cards


def _onec_rows(r: _Renderer, world: World) -> list[tuple[dict, Truth]]:
    rng, rows = r.rng, []
    for c in world.companies:
        if rng.random() >= (P_ONEC_BRANCH if c.parent else P_ONEC):
            continue
        for _ in range(2 if rng.random() < P_ONEC_TWICE else 1):
            inn = r.inn(c, 0.95, 0.01)
            name = r.company_name(c, "buh_1c")
            row = {
                "Наименование": name,
                "Полное наименование": r.legal_name(c) or "",
                "ИНН": inn,
                "КПП": c.kpp if c.kpp and inn and rng.random() < 0.95 else "",
                "ОГРН": c.ogrn if c.ogrn and rng.random() < 0.5 else "",
                "Телефон": r.phones_cell(c, 0.4),
                "Адрес": r.address(c) if rng.random() < 0.7 else "",
                "Электронная почта": r.company_email(c, 0.6),
                "Комментарий": "Обособленное подразделение" if c.parent and rng.random() < 0.4 else "",
            }
            rows.append((row, Truth("company", c, inn_written=inn if _valid_inn(inn) else None, as_written=name)))
    return rows


def _contacts_rows(r: _Renderer, world: World) -> list[tuple[dict, Truth]]:
    rng, rows = r.rng, []
    for p in world.people:
        for cid in p.companies:
            if rng.random() >= P_CONTACTS_PERSON:
                continue
            c = world.company(cid)
            for _ in range(2 if rng.random() < P_CONTACTS_TWICE else 1):
                shown = r.person_name(p)
                bare = " " not in shown.strip()
                inn = r.inn(c, 0.4, 0.05)
                ref = "" if inn and rng.random() < 0.1 else r.company_name(c, "contacts")
                rows.append(
                    (
                        {
                            "ФИО": shown,
                            "Должность": p.position if rng.random() < 0.5 else "",
                            "Телефон": r.person_phones(p, c, bare),
                            "E-mail": r.person_email(p, c),
                            "Компания": ref,
                            "ИНН компании": inn,
                        },
                        Truth("contact", c, p, as_written=shown),
                    )
                )
    return rows


@dataclass
class _Counterparty:
    key: str
    fields: dict
    truth: Truth
    people: list[tuple[str, dict, Truth]]


def _xml_counterparties(r: _Renderer, world: World) -> list[_Counterparty]:
    rng, out = r.rng, []
    for c in world.companies:
        if rng.random() >= P_XML:
            continue
        inn = r.inn(c, 0.9, 0.0)
        name = r.company_name(c, "exchange")
        fields = {
            "Наименование": name,
            "ОфициальноеНаименование": r.legal_name(c),
            "ИНН": inn or None,
            "КПП": c.kpp if c.kpp and inn else None,
            "address": r.address(c) if rng.random() < 0.6 else None,
            "phones": [x for x in r.phones_cell(c, 0.3).split(", ") if x],
            "email": r.company_email(c, 0.5) or None,
        }
        people = []
        for p in c.people:
            if rng.random() < P_XML_PERSON:
                shown = r.person_name(p, first_only=False)
                people.append(
                    (
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        {"name": shown, "phone": r.phone(p.mobile) if p.mobile else None, "email": p.email},
                        Truth("contact", c, p, as_written=shown),
                    )
                )
        out.append(
            _Counterparty(
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                fields,
                Truth("company", c, inn_written=inn if _valid_inn(inn) else None, as_written=name),
                people,
            )
        )
    return out


# ---------------------------------------------------------------- writing the files


def _merge_down(sheet: xlsxwriter.worksheet.Worksheet, row: int, col: int, last_row: int) -> None:
    """Merge ``row..last_row`` of ``col`` without writing ahead (``constant_memory`` writes rows in order).

    ``merge_range`` pads the whole area with blank cells at once, which in constant-memory mode
    flushes the first row before its other cells are written; the padding is written row by row instead.
    """
    sheet.merge.append([row, col, last_row, col])


def _write_xlsx(path: Path, cards: list[Card]) -> list[dict]:
    """The old CRM's workbook, streamed row by row (constant memory: a million rows in a few hundred MB)."""
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True},
    )
    book.set_properties({"created": datetime(2026, 11, 1, 9, 0)})  # byte-identical files for one seed
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True, "align": "center", "border": 1})
    merged = book.add_format({"valign": "top", "border": 1})
    sheet.write(0, 0, "Выгрузка клиентов из CRM «Клиентская база» на 01.11.2026", book.add_format({"bold": True}))
    sheet.write(1, 0, "Менеджер: все; статус: все")
    sheet.merge_range(2, 0, 2, COMPANY_COLUMNS - 1, "Компания", bold)
    sheet.merge_range(2, COMPANY_COLUMNS, 2, 9, "Контактное лицо", bold)
    sheet.merge_range(2, 10, 2, 11, "Служебное", bold)
    for col, title in enumerate(CRM_HEADER):
        sheet.write(3, col, title, bold)
    truth, row = [], 4
    for card in cards:
        company = {"№": card.no, **card.company}
        lines = [{**company, **person} for person, _ in card.people] or [company]
        for i, line in enumerate(lines):
            for col, title in enumerate(CRM_HEADER):
                value = line.get(title, "")
                if col < COMPANY_COLUMNS and len(lines) > 1:
                    if i == 0:
                        _merge_down(sheet, row, col, row + len(lines) - 1)
                    else:
                        sheet.write_blank(row, col, None, merged)
                        continue
                if title in ("№", "ИНН") and str(value).isdigit():
                    sheet.write_number(row, col, int(value))  # the old CRM exports numbers
                elif value:
                    sheet.write_string(row, col, str(value))
                elif col < COMPANY_COLUMNS and len(lines) > 1:
                    sheet.write_blank(row, col, None, merged)
            row += 1
        truth.append(_truth_row("old_crm", str(card.no), card.truth))
        for i, (_, t) in enumerate(card.people, 1):
            truth.append(_truth_row("old_crm", f"{card.no}/{i}" if len(card.people) > 1 else str(card.no), t))
    sheet.write(row, 0, f"Итого: {len(cards)} клиентов")
    book.close()
    return truth


def _write_onec(path: Path, rows: list[tuple[str, dict, Truth]]) -> list[dict]:
    with path.open("w", encoding="cp1251", errors="replace", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow(ONEC_HEADER)
        for key, row, _ in rows:
            out.writerow([key, *(row[h] for h in ONEC_HEADER[1:])])
    return [_truth_row("buh_1c", key, t) for key, _, t in rows]


def _write_contacts(path: Path, rows: list[tuple[dict, Truth]]) -> list[dict]:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, delimiter=",", lineterminator="\r\n")
        out.writerow(CONTACTS_HEADER)
        for row, _ in rows:
            out.writerow([row[h] for h in CONTACTS_HEADER])
    return [_truth_row("contacts", f"{path.name}:{line}", t) for line, (_, t) in enumerate(rows, 2)]


def _xml_contacts(indent: str, items: list[tuple[str, str]]) -> list[str]:
    if not items:
        return []
    lines = [f"{indent}<Контакты>"]
    for kind, value in items:
        lines += [
            f"{indent}\t<Контакт>",
            f"{indent}\t\t<Тип>{kind}</Тип>",
            f"{indent}\t\t<Значение>{escape(value)}</Значение>",
            f"{indent}\t</Контакт>",
        ]
    return lines + [f"{indent}</Контакты>"]


def _write_xml(path: Path, counterparties: list[_Counterparty]) -> list[dict]:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        (
            '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" '
            'ДатаФормирования="2026-11-01T09:00:00">'
        ),
        "\t<Классификатор>",
        "\t\t<Ид>5b2a1c3e-0d1f-11ee-8c4a-00155d010203</Ид>",
        "\t\t<Наименование>Классификатор</Наименование>",
        "\t\t<Контрагенты>",
    ]
    truth = []
    for cp in counterparties:
        f, t = cp.fields, "\t\t\t\t"
        lines += [
            "\t\t\t<Контрагент>",
            f"{t}<Ид>{cp.key}</Ид>",
            f"{t}<Наименование>{escape(f['Наименование'])}</Наименование>",
        ]
        if f["ОфициальноеНаименование"]:
            lines.append(
                f"{t}<ОфициальноеНаименование>{escape(f['ОфициальноеНаименование'])}</ОфициальноеНаименование>"
            )
        if f["address"]:
            lines += [
                f"{t}<ЮридическийАдрес>",
                f"{t}\t<Представление>{escape(f['address'])}</Представление>",
                f"{t}</ЮридическийАдрес>",
            ]
        lines += [f"{t}<ИНН>{f['ИНН']}</ИНН>"] if f["ИНН"] else []
        lines += [f"{t}<КПП>{f['КПП']}</КПП>"] if f["КПП"] else []
        lines += _xml_contacts(
            t,
            [("Телефон рабочий", p) for p in f["phones"]] + ([("Электронная почта", f["email"])] if f["email"] else []),
        )
        if cp.people:
            lines.append(f"{t}<Представители>")
            for key, person, _ in cp.people:
                lines += [
                    f"{t}\t<Представитель>",
                    f"{t}\t\t<Контрагент>",
                    f"{t}\t\t\t<Отношение>Контактное лицо</Отношение>",
                    f"{t}\t\t\t<Ид>{key}</Ид>",
                    f"{t}\t\t\t<Наименование>{escape(person['name'])}</Наименование>",
                ]
                lines += _xml_contacts(
                    f"{t}\t\t\t",
                    ([("Телефон мобильный", person["phone"])] if person["phone"] else [])
                    + ([("Почта", person["email"])] if person["email"] else []),
                )
                lines += [f"{t}\t\t</Контрагент>", f"{t}\t</Представитель>"]
            lines.append(f"{t}</Представители>")
        lines.append("\t\t\t</Контрагент>")
        truth.append(_truth_row("exchange", cp.key, cp.truth))
        truth += [_truth_row("exchange", key, pt) for key, _, pt in cp.people]
    lines += ["\t\t</Контрагенты>", "\t</Классификатор>", "</КоммерческаяИнформация>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return truth


# ---------------------------------------------------------------- entry points


@dataclass
class Sources:
    """Every record of the four files, rendered and in file order (``write_sources`` lays them out)."""

    cards: list[Card]
    onec: list[tuple[str, dict, Truth]]  # (Код, row, truth)
    contacts: list[tuple[dict, Truth]]
    xml: list[_Counterparty]


def render(companies: int = DEFAULT_COMPANIES, seed: int = 1, shuffle: int | None = None) -> tuple[World, Sources]:
    """The world and the records the client's files hold; the records depend only on ``companies`` and ``seed``,
    ``shuffle`` reorders every file's rows (cards, people inside a card, counterparties, contacts) and nothing else.
    """
    world = build_world(companies, seed)
    r = _Renderer(world, random.Random(seed + 1))
    cards, onec, contacts, xml = (
        _crm_cards(r, world),
        _onec_rows(r, world),
        _contacts_rows(r, world),
        _xml_counterparties(r, world),
    )
    # record ids and keys in the canonical order, before any shuffle
    serial = iter(range(1, 10**9))
    for card in cards:
        card.truth.record_id = f"R{next(serial):07d}"
        for _, t in card.people:
            t.record_id = f"R{next(serial):07d}"
    for _, t in onec + contacts:
        t.record_id = f"R{next(serial):07d}"
    for cp in xml:
        cp.truth.record_id = f"R{next(serial):07d}"
        for _, _, t in cp.people:
            t.record_id = f"R{next(serial):07d}"
    order = random.Random(seed + 2)
    numbers = list(range(1, len(cards) + 1))
    order.shuffle(numbers)  # card numbers are not in company order: managers add cards over the years
    for card, no in zip(cards, numbers):
        card.no = no
    cards.sort(key=lambda card: card.no)
    onec_keyed = [(f"00-{i:06d}", row, t) for i, (row, t) in zip(order.sample(range(1, 10**6), len(onec)), onec)]
    onec_keyed.sort(key=lambda x: x[0])
    if shuffle is not None:
        mix = random.Random(shuffle)
        for items in (cards, onec_keyed, contacts, xml):
            mix.shuffle(items)
        for card in cards:
            mix.shuffle(card.people)
        for cp in xml:
            mix.shuffle(cp.people)
    return world, Sources(cards, onec_keyed, contacts, xml)


def write_sources(out: Path, sources: Sources) -> list[dict]:
    """The four source files into ``out``; their truth rows."""
    out.mkdir(parents=True, exist_ok=True)
    return (
        _write_xlsx(out / SOURCES["old_crm"], sources.cards)
        + _write_onec(out / SOURCES["buh_1c"], sources.onec)
        + _write_contacts(out / SOURCES["contacts"], sources.contacts)
        + _write_xml(out / SOURCES["exchange"], sources.xml)
    )


def generate(out: Path, companies: int = DEFAULT_COMPANIES, seed: int = 1, shuffle: int | None = None) -> dict:
    """Write the four source files, ``truth.csv`` and ``manifest.json`` into ``out``; return the manifest."""
    world, sources = render(companies, seed, shuffle)
    truth = write_sources(out, sources)
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, TRUTH_COLUMNS)
        writer.writeheader()
        writer.writerows(truth)
    counts = Counter((t["source"], t["entity"]) for t in truth)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "companies": companies,
        "seed": seed,
        "shuffle": shuffle,
        "true_companies": len(world.companies),
        "true_people": len(world.people),
        "records": len(truth),
        "by_source": {f"{s}/{e}": n for (s, e), n in sorted(counts.items())},
        "traps": dict(
            Counter(c.trap for c in world.companies if c.trap) + Counter(p.trap for p in world.people if p.trap)
        ),
        "files": SOURCES,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=DEFAULT_COMPANIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shuffle", type=int, default=None, help="reorder every file's rows with this seed")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    manifest = generate(args.out, args.companies, args.seed, args.shuffle)
    print(json.dumps(manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
