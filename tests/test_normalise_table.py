"""Table-driven tests of the value normalisers: tests/cases/normalise_cases.tsv.

Each row is a real-world-shaped cell and what a consultant expects from it, in English
and, where the value has an issue, in Russian (the default language); the rendering of
results into the table's compact text is defined here (and described in the table's
header). Below the table: behaviour a single row cannot show.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from transforms.company_names import CompanyName, normalise_company_column, parse_company_name
from transforms.emails import Email, normalise_email_column, parse_emails
from transforms.identifiers import (
    Identifier,
    company_type,
    inn_checksum_ok,
    normalise_inn,
    normalise_kpp,
    normalise_ogrn,
    ogrn_checksum_ok,
)
from transforms.person_names import PersonName, clean_position, normalise_person_column, parse_person_name
from transforms.phones import Phone, normalise_phone_column, parse_phones
from vocabulary.messages import speaking

CASES = Path(__file__).parent / "cases" / "normalise_cases.tsv"


def _opt(value: object) -> str:
    return "-" if value is None else str(value)


def _phone(p: Phone) -> str:
    if p.e164 is None:
        return f"!{p.issue}"
    return " ".join(
        [p.e164]
        + ([f"x{p.extension}"] if p.extension else [])
        + ([p.kind] if p.kind else [])
        + (["inferred"] if p.inferred else [])
        + (["unverified"] if p.unverified else [])
    )


def _email(e: Email) -> str:
    text = e.email if e.email else f"!{e.issue}"
    return text + (f" ?{e.suggestion}" if e.suggestion else "")


def _name(n: PersonName) -> str:
    parts = "|".join(_opt(v) for v in (n.last_name, n.first_name, n.middle_name, n.gender))
    return f"{_opt(n.full_name)} = {parts}" + (f" !{n.issue}" if n.issue else "")


def _company(c: CompanyName) -> str:
    return " | ".join(_opt(v) for v in (c.display, c.legal_form, c.match_key)) + (f" !{c.issue}" if c.issue else "")


def _identifier(i: Identifier) -> str:
    if i.value:
        return i.value + (" repaired" if i.repaired else "")
    return f"!{i.issue}" if i.issue else "-"


def _render(kind: str, cell: str, context: str) -> str:
    if kind == "phone":
        region, _, city = context.partition("|")
        return " | ".join(_phone(p) for p in parse_phones(cell, region, city or None)) or "-"
    if kind == "email":
        return " | ".join(_email(e) for e in parse_emails(cell)) or "-"
    if kind == "name":
        return _name(parse_person_name(cell))
    if kind == "name_parts":
        return _name(parse_person_name(None, *cell.split("|")))
    if kind == "position":
        return _opt(clean_position(cell))
    if kind == "company":
        return _company(parse_company_name(cell))
    if kind == "company_type":
        inn, form = cell.split("|")
        return _opt(company_type(inn or None, form or None))
    normalise = {"inn": normalise_inn, "kpp": normalise_kpp, "ogrn": normalise_ogrn}[kind]
    return _identifier(normalise(cell))


def _load() -> list:
    rows = []
    for number, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, cell, context, expected, *russian = line.split("\t")
        ru = russian[0] if russian else expected
        rows.append(pytest.param(kind, cell.replace("\\n", "\n"), context, expected, ru, id=f"{number}-{kind}"))
    return rows


TABLE = _load()


def test_table_is_large_and_covers_every_kind():
    kinds = {p.values[0] for p in TABLE}
    assert len(TABLE) >= 150
    assert {"phone", "email", "name", "company", "inn", "kpp", "ogrn"} <= kinds


@pytest.mark.parametrize("kind, cell, context, expected, ru", TABLE)
def test_table(kind, cell, context, expected, ru, english):
    assert _render(kind, cell, context) == expected


@pytest.mark.parametrize("kind, cell, context, expected, ru", TABLE)
def test_table_in_russian_by_default(kind, cell, context, expected, ru):
    assert ("!" in expected) == (ru != expected), "a value with an issue has its Russian text, and only it"
    assert _render(kind, cell, context) == ru


# --- behaviour beyond one cell ---------------------------------------------------


def test_invalid_phone_keeps_its_text_and_says_why():
    (phone,) = parse_phones("8 (000) 123-45-67 доб. 5")
    assert phone.e164 is None and phone.raw == "8 (000) 123-45-67 доб. 5" and phone.issue


def test_inferred_area_code_is_marked_and_explained():
    (phone,) = parse_phones("913-05-27", "RU", "Новосибирск")
    assert phone.inferred and phone.e164 == "+73839130527"
    assert str(phone.issue) == "код города дополнен по городу Новосибирск"
    with speaking("en"):
        assert str(phone.issue) == "area code inferred from city Новосибирск"


def test_phone_country_is_reported():
    assert [p.country for p in parse_phones("+7 701 123 45 67; 8 916 123 45 67; +375 29 123 45 67")] == [
        "KZ",
        "RU",
        "BY",
    ]


def test_raw_numbers_from_excel_cells():
    assert parse_phones(79161234567.0)[0].e164 == "+79161234567"
    assert parse_phones(79161234567)[0].e164 == "+79161234567"
    assert parse_phones(float("nan")) == () and parse_phones(None) == ()
    assert normalise_inn(7707083893).value == "7707083893"
    assert normalise_inn(7707083893.0).value == "7707083893"


def test_email_typo_is_flagged_not_changed():
    (email,) = parse_emails("Ivan@Gmial.com")
    assert email.email == "ivan@gmial.com"
    assert email.suggestion == "ivan@gmail.com"
    assert str(email.issue) == "домен gmial.com похож на опечатку в gmail.com"


def test_person_key_folds_case_and_yo_only_for_matching():
    name = parse_person_name("СЕМЁНОВ пётр алексеевич")
    assert name.full_name == "Семёнов Пётр Алексеевич"
    assert name.match_key == "семенов петр алексеевич"
    assert parse_person_name("Иванов И.И.").initials


def test_same_company_written_differently_gets_one_key():
    spellings = [
        'ООО "Ромашка"',
        "ооо «ромашка»",
        "Общество с ограниченной ответственностью 'Ромашка'",
        "РОМАШКА, ООО",
        "OOO Pомашка",
        'О.О.О. ""Ромашка""',
    ]
    assert {parse_company_name(s).match_key for s in spellings} == {"ромашка"}


def test_entrepreneur_from_name_and_inn():
    company = parse_company_name("ИП Иванов Иван Иванович")
    assert company.kind == "entrepreneur"
    assert company_type("500100732259", company.legal_form) == "entrepreneur"
    assert company_type("500100732259", None) == "entrepreneur"


def test_identifier_notes():
    inn = normalise_inn("7707083893/773601001")
    assert inn.value == "7707083893" and str(inn.note) == "в той же ячейке был КПП 773601001"
    repaired = normalise_inn("274062111")
    assert repaired.repaired and repaired.issue is None and repaired.note
    bad = normalise_inn("770708389")
    assert bad.value is None and bad.raw == "770708389" and not bad.repaired


def _independent_inn_ok(inn: str) -> bool:
    """The INN check written the other way round, as the tax service describes it."""

    def control(weights: list[int], digits: str) -> int:
        total = 0
        for weight, digit in zip(weights, digits):
            total += weight * int(digit)
        return (total - 11 * (total // 11)) % 10

    d = inn
    if len(d) == 10:
        return control([2, 4, 10, 3, 5, 9, 4, 6, 8], d) == int(d[-1])
    return control([7, 2, 4, 10, 3, 5, 9, 4, 6, 8], d) == int(d[-2]) and control(
        [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], d
    ) == int(d[-1])


def _independent_ogrnip_check(first14: str) -> int:
    """OGRNIP check digit by long division, digit by digit, without big integers."""
    remainder = 0
    for digit in first14:
        remainder = (remainder * 10 + int(digit)) % 13
    return remainder % 10


def test_checksums_agree_with_an_independent_implementation():
    published = [
        "7707083893",
        "7736050003",
        "7736207543",
        "7708004767",
        "7740000076",
        "7706107510",
        "7702070139",
        "7712040126",
        "7708503727",
        "7710140679",
        "500100732259",
    ]
    for inn in published:
        assert inn_checksum_ok(inn) and _independent_inn_ok(inn)
    for n in range(7707083890, 7707083900):
        assert inn_checksum_ok(str(n)) == _independent_inn_ok(str(n))


def test_ogrnip_whose_remainder_is_ten_or_more():
    """python-stdnum compares ``% 13`` without ``% 10`` and rejects these valid OGRNIPs."""
    found = []
    for serial in range(100, 400):
        first14 = f"30477010{serial:06d}"
        remainder = int(first14) % 13
        if remainder >= 10:
            found.append(first14 + str(_independent_ogrnip_check(first14)))
    assert len(found) > 10
    for ogrnip in found:
        assert ogrn_checksum_ok(ogrnip)
        assert normalise_ogrn(ogrnip).value == ogrnip
        assert normalise_ogrn(ogrnip).kind == "ogrnip"


def test_column_helpers_keep_the_index_and_parse_each_distinct_cell_once():
    cells = pd.Series(["8 916 123 45 67", None, "8 916 123 45 67", "913-05-27"], index=[10, 11, 12, 13])
    cities = pd.Series(["Москва", None, "Москва", "Новосибирск"], index=cells.index)
    phones = normalise_phone_column(cells, "RU", cities)
    assert list(phones.index) == [10, 11, 12, 13]
    assert phones[10] is phones[12]
    assert phones[11] == () and phones[13][0].inferred
    assert normalise_phone_column(cells)[13][0].e164 is None
    assert [e[0].email for e in normalise_email_column(pd.Series(["A@B.ru", "a@b.ru"]))] == ["a@b.ru", "a@b.ru"]
    assert [c.match_key for c in normalise_company_column(pd.Series(["ООО Ромашка", "Ромашка ООО"]))] == [
        "ромашка",
        "ромашка",
    ]
    names = normalise_person_column(pd.Series([None, "Иван Иванович Иванов"]), pd.Series(["Петров", None]))
    assert [n.last_name for n in names] == ["Петров", "Иванов"]
