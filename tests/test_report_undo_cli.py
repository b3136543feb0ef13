"""`report` and `undo` from the command line, on a target two runs have written."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from cli.main import EXIT_FAILED, main
from tests.clientdata import BUH_ROWS, write_dataset

CRM_TABLES = ("companies", "contacts", "contact_companies", "phones", "emails", "source_links")


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(tuple(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {t}"))) for t in CRM_TABLES}
    finally:
        engine.dispose()


def run_id(out: str) -> str:
    return re.search(r"запуск ([0-9a-f-]{36})", out).group(1)


def test_report_then_undo_the_second_run(tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path, target=target_url)
    assert main(["run", "--config", str(config)]) == 0
    first = run_id(capsys.readouterr().out)
    before = snapshot(target_url)
    changed = [
        BUH_ROWS[0],
        ["002", 'АО "Лютик"', "7736050003", None, "8-916-765-43-21, 8 495 000-00-01"],
        ["003", '=HYPERLINK("http://x")', None, None, None],
    ]
    write_dataset(tmp_path, buh_rows=changed, target=target_url)
    assert main(["run", "--config", str(config)]) == 0
    second = run_id(capsys.readouterr().out)
    assert snapshot(target_url) != before

    out = tmp_path / "quality.xlsx"
    assert main(["report", "--config", str(config), "--out", str(out)]) == 0
    assert f"Отчёт о качестве данных записан в {out}" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["Сводка", "По источникам", "Заполненность"]
    summary = {r[0]: r[1] for r in book["Сводка"].iter_rows(values_only=True)}
    assert second in map(str, summary.values())
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []

    assert main(["undo", "--config", str(config), "--run", second]) == 0
    assert f"Запуск {second} отменён." in capsys.readouterr().out
    assert snapshot(target_url) == before
    assert main(["undo", "--config", str(config), "--run", second]) == EXIT_FAILED
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["undo", "--config", str(config), "--run", first]) == 0
    assert all(not rows for rows in snapshot(target_url).values())
