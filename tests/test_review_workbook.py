"""The review workbook alone: keys as DESIGN §5 fixes them, a dropdown on ``decision``, instructions per language."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cli.review import review_workbook
from connectors.excel import read_workbook
from connectors.xlsx_writer import write_workbook
from transforms.review import DECISION_CHOICES, DECISION_WORDS, REVIEW_COLUMNS, SHEET, parse_decisions
from vocabulary.messages import set_language

PAIR = {
    "entity": "company",
    "left_source": "old_crm",
    "left_key": "Клиенты!7",
    "right_source": "buh",
    "right_key": "-1",
    "score": 91,
    "reasons": "=names alike (91)",
    "left_name": 'ООО "Техносфера"',
    "right_name": 'ООО "Технасфера"',
}


@pytest.fixture
def english() -> None:
    set_language("en")
    yield
    set_language("ru")


def write(tmp_path: Path, rows: int = 2) -> Path:
    sheet = pd.DataFrame([{c: PAIR.get(c) for c in REVIEW_COLUMNS}] * rows, columns=list(REVIEW_COLUMNS), dtype=object)
    path = tmp_path / "review.xlsx"
    write_workbook(path, review_workbook(sheet))
    return path


def test_every_choice_of_the_dropdown_is_a_word_the_import_accepts() -> None:
    assert DECISION_CHOICES[:2] == ("same", "different")
    assert {DECISION_WORDS[w] for w in DECISION_CHOICES} == {"same", "different"}
    assert {"да", "нет"} <= set(DECISION_CHOICES)


def test_the_decision_column_has_a_dropdown_over_every_pair(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path, rows=3))
    assert book.sheetnames == [SHEET, "Как заполнять"]
    ws = book[SHEET]
    header = [c.value for c in ws[1]]
    assert header == list(REVIEW_COLUMNS)  # the keys, never translated: the import reads them back
    (validation,) = ws.data_validations.dataValidation
    column = openpyxl.utils.get_column_letter(header.index("decision") + 1)
    assert str(validation.sqref) == f"{column}2:{column}4"
    assert validation.formula1 == '"' + ",".join(DECISION_CHOICES) + '"'
    assert ws.cell(1, header.index("decision") + 1).comment.text.startswith("same — одна и та же запись")
    assert ws["G2"].value == "=names alike (91)" and ws["G2"].data_type == "s" and ws["G2"].quotePrefix


def test_a_filled_workbook_imports(tmp_path: Path) -> None:
    path = write(tmp_path)
    book = openpyxl.load_workbook(path)  # the reviewer picks from the dropdown and saves in Excel
    ws = book[SHEET]
    decision = [c.value for c in ws[1]].index("decision") + 1
    ws.cell(2, decision).value, ws.cell(3, decision).value = "да", "different"
    book.save(path)
    (grid,) = read_workbook(path, SHEET)
    rows = list(zip(grid.row_numbers, grid.cells))
    decisions = parse_decisions(rows[0][1], rows[1:], path.name)
    assert [(d["right_key"], d["decision"]) for d in decisions] == [("-1", "same"), ("-1", "different")]


def test_instructions_in_russian_by_default() -> None:
    how_to = review_workbook(pd.DataFrame(columns=list(REVIEW_COLUMNS)))["Как заполнять"]
    assert how_to.headers == {"topic": "Что", "text": "Пояснение"}
    assert "выберите из списка same" in how_to.frame["text"][0]


def test_instructions_in_english_with_language_en(english: None) -> None:
    book = review_workbook(pd.DataFrame(columns=list(REVIEW_COLUMNS)))
    assert list(book) == [SHEET, "How to fill in"]
    assert book["How to fill in"].frame["text"][0].startswith("In sheet review, column decision: pick same")
