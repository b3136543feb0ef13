"""The review loop from the command line: export pairs, a reviewer decides in Excel, import, run again."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from cli.main import EXIT_FAILED, main
from tests.clientdata import write_dataset

# The 1C export spells two companies of the workbook differently: a typo and nothing else in common.
BUH_ROWS = [
    ["001", 'ООО "Ромашка"', "7707083893", "773601001", "84951234567"],
    ["002", 'ООО "Технасфера"', None, None, None],
    ["003", 'ООО "Техносфера"', None, None, "8 (343) 200-00-00"],
]


def live_companies(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(r[0] for r in conn.execute(text("SELECT name FROM companies WHERE deleted_at IS NULL")))
    finally:
        engine.dispose()


def decide(workbook: Path, decision: str) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if "техносфера" in str(row[header.index("reasons")].value):
            row[header.index("decision")].value = decision
    book.save(workbook)


def test_review_export_decide_import_and_run(tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture) -> None:
    config = str(write_dataset(tmp_path, buh_rows=BUH_ROWS, target=target_url))
    assert main(["run", "--config", config]) == 0
    assert "Пар на проверку: 1" in capsys.readouterr().out
    assert live_companies(target_url).count('ООО "Техносфера"') == 1

    review = tmp_path / "review.xlsx"
    assert main(["review", "export", "--config", config, "--out", str(review)]) == 0
    assert "пар, ожидающих решения: 1" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(review)["review"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["entity", "left_source", "left_key", "right_source", "right_key", "score", "reasons"]
    assert {"left_name", "right_name", "decision"} <= set(header)
    values = dict(zip(header, (c.value for c in sheet[2])))
    assert {values["left_name"], values["right_name"]} == {'ООО "Технасфера"', 'ООО "Техносфера"'}

    decide(review, "same")
    assert main(["review", "import", "--config", config, str(review)]) == 0
    assert "решений прочитано из review.xlsx: 1" in capsys.readouterr().out
    assert main(["run", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "Пар на проверку: 0" in out
    assert len([n for n in live_companies(target_url) if "Техн" in n]) == 1  # one company now

    decide(review, "different")  # the reviewer changes their mind: the merge is split again
    assert main(["review", "import", "--config", config, str(review)]) == 0
    assert main(["run", "--config", config]) == 0
    assert {'ООО "Технасфера"', 'ООО "Техносфера"'} <= set(live_companies(target_url))


def test_import_of_a_bad_workbook_saves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = str(write_dataset(tmp_path, buh_rows=BUH_ROWS))
    review = tmp_path / "review.xlsx"
    assert main(["review", "export", "--config", config, "--out", str(review)]) == 0
    decide(review, "может быть")
    assert main(["review", "import", "--config", config, str(review)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "review.xlsx: строка 2: решение 'может быть'" in err and len(err.strip().splitlines()) == 1
    assert main(["review", "import", "--config", config, str(tmp_path / "missing.xlsx")]) == EXIT_FAILED
    assert "missing.xlsx" in capsys.readouterr().err


def test_automatic_merges_are_explained_in_the_target_and_can_be_undone(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    without_kpp = [["001", 'ООО "Ромашка"', "7707083893", None, "84951234567"], *BUH_ROWS[1:]]
    config = str(write_dataset(tmp_path, buh_rows=without_kpp, target=target_url))
    assert main(["run", "--config", config]) == 0
    engine = create_engine(target_url)
    try:
        with engine.connect() as conn:
            merges = conn.execute(text("SELECT entity, left_key, right_key, score, reasons, weights FROM merges")).all()
    finally:
        engine.dispose()
    assert merges and all(m.reasons and m.weights for m in merges if not m.reasons.startswith("эксперт"))
    # a merge the identifiers do not settle (same INN and KPP would be one company whatever a reviewer says)
    romashka = next(m for m in merges if m.entity == "company" and m.left_key == "001")
    capsys.readouterr()

    review = tmp_path / "all.xlsx"
    assert main(["review", "export", "--config", config, "--out", str(review), "--all"]) == 0
    sheet = openpyxl.load_workbook(review)["review"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    merged = [r for r in rows if "уже объединено" in str(r["reasons"])]
    assert {(r["left_key"], r["right_key"]) for r in merged} >= {(romashka.left_key, romashka.right_key)}
    for row in sheet.iter_rows(min_row=2):
        if str(row[header.index("left_key")].value) == romashka.left_key and "уже" in str(
            row[header.index("reasons")].value
        ):
            row[header.index("decision")].value = "different"
    sheet.parent.save(review)
    before = len(live_companies(target_url))
    assert main(["review", "import", "--config", config, str(review)]) == 0
    assert main(["run", "--config", config]) == 0
    assert len(live_companies(target_url)) > before  # the data owner split it
