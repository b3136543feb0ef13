"""End to end: an old-CRM workbook with a merged group header («Компания» / «Контактное лицо») through `run`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

from cli.main import EXIT_FAILED, main

GROUP_ROW = ["Компания"] * 6 + ["Контактное лицо"] * 4  # merged over A3:F3 and G3:J3
HEADER = ["№", "Клиент", "ИНН", "Город", "Телефон", "E-mail", "ФИО", "Должность", "Моб. телефон", "E-mail"]
CARDS = [  # one card per company; its people on the rows below, the company cells merged over them
    (
        ["1", 'ООО "Ромашка"', "7707083893", "Москва", "8 (495) 123-45-67", "info@romashka.ru"],
        [
            ["Иванов Иван Иванович", "директор", "+7 916 123-45-67", "ivanov@romashka.ru"],
            ["Петрова Анна Сергеевна", "бухгалтер", "8 916 765 43 21", "petrova@romashka.ru"],
        ],
    ),
    (
        ["2", 'АО "Лютик"', "7736050003", "Москва", "8 (495) 222-33-44", "office@lutik.ru"],
        [["Сидоров Олег Петрович", "менеджер", None, "sidorov@lutik.ru"]],
    ),
    (["3", "ИП Кузнецов Павел Андреевич", "500100732259", "Тверь", "8 (4822) 11-22-33", None], []),
]
COLUMNS = """
    columns:
      company: {name: Компания Клиент, inn: Компания ИНН, city: Компания Город, phone: Компания Телефон,
                email: Компания E-mail}
      contact: {full_name: ФИО, position: Контактное лицо Должность, phone: Моб. телефон,
                email: Контактное лицо E-mail}"""


def _workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Клиенты"
    ws.append(["Выгрузка клиентов из CRM на 01.11.2026"])
    ws.append(["Менеджер: все; статус: все"])
    ws.append(GROUP_ROW)
    ws.merge_cells("A3:F3")
    ws.merge_cells("G3:J3")
    ws.append(HEADER)
    for company, people in CARDS:
        first = ws.max_row + 1
        for person in people or [[None] * 4]:
            ws.append([*company, *person])
        if len(people) > 1:
            for col in "ABCDEF":
                ws.merge_cells(f"{col}{first}:{col}{first + len(people) - 1}")
    ws.append(["Итого", None, None, None, None, None, None, None, None, None])
    wb.save(path)


def _config(folder: Path, key: str, columns: str) -> Path:
    _workbook(folder / "clients.xlsx")
    config = folder / "migration.yaml"
    config.write_text(
        f"""name: group-header
default_region: RU
target: {{url: "sqlite:///crm.db"}}
sources:
  - name: old_crm
    kind: excel
    path: clients.xlsx
    entity: mixed
    key: "{key}"{columns}
""",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    ("key", "columns"),
    [
        ("№", ""),  # automatic mapping, the key by its lower cell
        ("Компания №", ""),  # … by the joined name
        ("№", COLUMNS),  # a columns: block mixing joined names and unique lower cells
    ],
    ids=["auto-lower-key", "auto-joined-key", "explicit"],
)
def test_companies_are_named_by_their_names_and_emails_land_on_contacts(tmp_path: Path, key: str, columns: str) -> None:
    assert main(["-q", "run", "--config", str(_config(tmp_path, key, columns))]) == 0
    with sqlite3.connect(tmp_path / "crm.db") as db:
        assert db.execute("select count(*) from quarantine").fetchone() == (0,)
        companies = dict(db.execute("select inn, name from companies"))
        contacts = dict(
            db.execute("select c.full_name, k.name from contacts c join companies k on k.id = c.company_id")
        )
        emails = set(
            db.execute(
                "select e.email, coalesce(c.full_name, k.name) from emails e "
                "left join contacts c on c.id = e.contact_id "
                "left join companies k on k.id = e.company_id"
            )
        )
    romashka, lutik = companies["7707083893"], companies["7736050003"]
    assert len(companies) == 3 and "Ромашка" in romashka and "Лютик" in lutik  # not "1", "2": the card numbers
    assert "Кузнецов Павел Андреевич" in companies["500100732259"]
    assert contacts == {
        "Иванов Иван Иванович": romashka,
        "Петрова Анна Сергеевна": romashka,
        "Сидоров Олег Петрович": lutik,
    }
    assert emails == {
        ("ivanov@romashka.ru", "Иванов Иван Иванович"),
        ("petrova@romashka.ru", "Петрова Анна Сергеевна"),
        ("sidorov@lutik.ru", "Сидоров Олег Петрович"),
        ("info@romashka.ru", romashka),
        ("office@lutik.ru", lutik),
    }


def test_an_ambiguous_lower_cell_in_the_config_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = _config(tmp_path, "№", "\n    columns:\n      company: {name: Клиент, email: E-mail}")
    assert main(["-q", "run", "--config", str(config)]) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert (
        "columns: company.email: столбец 'E-mail' неоднозначен: это 'Компания E-mail', 'Контактное лицо E-mail'"
    ) in err
