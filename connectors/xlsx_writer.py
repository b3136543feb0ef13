"""Write DataFrames to an .xlsx workbook that consultants and their clients open in Excel.

Client data is untrusted: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (also after leading spaces) could become a formula when Excel parses it
(OWASP "CSV injection"). Every text is written as a string cell (never a formula:
``strings_to_formulas`` is off and only ``write_string`` is used for text), and such
cells also get Excel's quote prefix, so they stay text even after the cell is edited.
The same guard keeps "#N/A"-like text from becoming an error value and number-like text
(INN ``0123456789``, ``+74951234567``) from becoming a number when retyped.

Written with XlsxWriter in constant-memory mode: rows go to disk as they are written, so
a 200,000-row sheet needs no more memory than a short one. A sheet can be an Excel table
(banded rows, filter buttons), carry dropdowns (data validation), shade low numbers
(conditional formatting) and charts of another sheet's columns (``Sheet``, ``Chart``).
The file appears at its path only when it is complete (temporary file in the same
folder + rename): a failure leaves an existing file as it was and no debris.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxFileError
from xlsxwriter.worksheet import Worksheet

from vocabulary.errors import RunFailure
from vocabulary.messages import text as message


class OutputError(RunFailure):
    """The workbook cannot be written; the message is one line naming the file."""


MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included; longer frames continue on "name (2)"
MAX_CELL_TEXT = 32_767  # Excel holds no more characters in a cell (and calls the file corrupt)
MAX_EXACT_INT = 10**15  # Excel keeps 15 significant digits; longer integers are written as text
MAX_WIDTH, MIN_WIDTH = 60, 6  # column widths in characters; longer text wraps
WIDTH_SAMPLE = 2_000  # rows looked at to size a column
DIGIT_PIXELS = 7  # Calibri 11's digit width: Excel stores column widths in these units

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# Characters XML 1.0 cannot hold and lone surrogates (not UTF-8).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")
# First characters of text that may need the guard (a leading space may hide "=" after it).
_GUARD_FIRST = frozenset("=+-@#.,0123456789")
_NUMBER_LIKE = re.compile(r"\s*[-+]?(\d[\d\s]*)?[.,]?\d+([eE][-+]?\d+)?\s*")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"))

_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_HEADER = {"bold": True, "bg_color": "#DDEBF7", "valign": "top", "text_wrap": True, "border": 1}
_WRAP = {"valign": "top", "text_wrap": True}
_DATE_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm:ss", dt.date: "yyyy-mm-dd", dt.time: "hh:mm:ss"}
_LOW = {"bg_color": "#F8CBAD", "font_color": "#9C0006"}  # Excel's "light red fill with dark red text"
_CHART_SIZE = {"x_scale": 1.5, "y_scale": 1.2}
_CHART_ROWS = 19  # rows one chart takes at that size, with a gap


@dataclass(frozen=True)
class Chart:
    """A chart of ``series`` (numeric columns) over ``categories`` (a label column) of the sheet ``data``
    (its key in ``write_workbook``'s ``sheets``); drawn on the sheet that lists it, right of its table."""

    title: str
    data: str
    categories: str
    series: Sequence[str]
    kind: Literal["column", "bar"] = "column"
    percent: bool = False  # the values are percentages (0-100): the axis stops at 100


@dataclass(frozen=True)
class Sheet:
    """One sheet: the frame plus how it is presented. Keys of the mappings are the frame's columns."""

    frame: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)  # the header shown (default: the column name)
    notes: Mapping[str, str] = field(default_factory=dict)  # a comment on the header cell
    table: bool = False  # an Excel table (banded rows, filter buttons) instead of a plain autofilter
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)  # a dropdown on every data cell
    low_below: Mapping[str, float] = field(default_factory=dict)  # numbers below the value are shaded red
    charts: Sequence[Chart] = ()


def write_workbook(
    path: Path,
    sheets: Mapping[str, pd.DataFrame | Sheet],
    *,
    column_notes: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Write ``sheets`` (name → frame or ``Sheet``, in order) to ``path``; ``column_notes[sheet][column]`` becomes
    a comment on that header cell (for plain frames). Raises ``OutputError`` when the file cannot be written."""
    if not sheets:
        raise ValueError("write_workbook needs at least one sheet")
    specs = {
        name: s if isinstance(s, Sheet) else Sheet(s, notes=(column_notes or {}).get(name, {}))
        for name, s in sheets.items()
    }
    _save_atomically(Path(path), lambda out: _write_package(out, specs))


def sheet_title(name: str, taken: Collection[str] = ()) -> str:
    """A valid Excel sheet name for ``name``: forbidden characters replaced, at most 31 characters,
    no apostrophe at either end, unique among ``taken`` (case-folded, as Excel compares them)."""
    base = _SHEET_FORBIDDEN.sub("_", _ILLEGAL_XML.sub("", str(name))).strip().strip("'").strip() or "Sheet"
    title, n = base[:SHEET_NAME_MAX].rstrip(" '"), 1
    while title.casefold() in taken or title.casefold() == "history":  # "History" is reserved by Excel
        n += 1
        suffix = f" ({n})"
        title = base[: SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
    return title


def _row_chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """The frame in pieces that fit one sheet each (an empty frame is one empty piece)."""
    per_sheet = MAX_ROWS - 1
    yield frame.iloc[:per_sheet]
    for start in range(per_sheet, len(frame), per_sheet):
        yield frame.iloc[start : start + per_sheet]


# -- values ----------------------------------------------------------------------------


def cell_value(value: Any) -> Any:
    """What a cell holds for ``value``: None for missing or empty, numbers and dates as such, text
    otherwise (lists joined with "; ", dicts as JSON, characters XML cannot hold removed)."""
    kind = type(value)
    if kind is str:  # the common case first: this runs for every cell
        return clean_text(value) or None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if kind is int:
        return value if abs(value) < MAX_EXACT_INT else str(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value) if abs(int(value)) < MAX_EXACT_INT else str(value)
    if isinstance(value, (float, np.floating, Decimal)):
        return _number(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, np.datetime64)):
        return _moment(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = (cell_value(v) for v in value)
        value = "; ".join(str(v) for v in items if v is not None)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return clean_text(value if isinstance(value, str) else str(value)) or None


def clean_text(text: str) -> str:
    """``text`` without characters an .xlsx cannot hold, cut to what Excel holds in a cell."""
    if not text.isprintable():  # none of _ILLEGAL_XML is printable: most text skips the regex
        text = _ILLEGAL_XML.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def _number(value: float | Decimal | np.floating) -> float | str | None:
    if isinstance(value, Decimal) and value.is_nan():
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return number if math.isfinite(number) else str(number)


def _moment(value: dt.date | dt.time | np.datetime64) -> dt.date | dt.time | str | None:
    """Dates and times as Excel holds them: naive (time-zone-aware values in UTC); before 1900 as text."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
        if value is pd.NaT:
            return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    return value if value.year >= 1900 else value.isoformat()


def may_need_guard(text: str) -> bool:
    """False for text that cannot need the guard (most text starts with a letter): spares the full test."""
    first = text[:1]
    return first in _GUARD_FIRST or first.isspace()


def needs_text_guard(text: str) -> bool:
    """True for text Excel would turn into a formula, an error value or a number when parsing it."""
    if text[:1] in ("\t", "\r"):
        return True
    first = text.lstrip()[:1]
    if first in _FORMULA_START:
        return True
    if first == "#":
        return text in _ERROR_CODES
    return (first.isdigit() or first in (".", ",")) and bool(_NUMBER_LIKE.fullmatch(text))


def column_width(header: Any, values: list[Any]) -> float:
    """Characters wide enough for the header and the longest line among ``values``, capped."""
    longest = max((_display_len(v) for v in [header, *values]), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _display_len(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, float):
        return len(f"{value:.10g}")
    return max((len(line) for line in str(value).splitlines()), default=0)


# -- the workbook ----------------------------------------------------------------------


class _Formats:
    """The cell formats of a workbook, created once (XlsxWriter keeps one style per distinct format)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.header = wb.add_format(_HEADER)
        self.header_guard = wb.add_format(_HEADER | {"quote_prefix": True})
        self.wrap = wb.add_format(_WRAP)
        self.guard = wb.add_format({"quote_prefix": True})
        self.guard_wrap = wb.add_format(_WRAP | {"quote_prefix": True})
        self.dates = {kind: wb.add_format({"num_format": f}) for kind, f in _DATE_FORMATS.items()}
        self.low = wb.add_format(_LOW)

    def text(self, text: str, width: float) -> Any:
        wrapped = len(text) > width or "\n" in text
        if may_need_guard(text) and needs_text_guard(text):
            return self.guard_wrap if wrapped else self.guard
        return self.wrap if wrapped else None


@dataclass
class _Placed:
    """Where a sheet's first part landed: its title and size, for charts that refer to it."""

    title: str
    columns: list[str]
    rows: int


def _write_package(out: IO[bytes], specs: Mapping[str, Sheet]) -> None:
    """Every sheet (split at Excel's row limit), then the charts, which refer to sheets by title."""
    wb = xlsxwriter.Workbook(out, _OPTIONS)
    formats = _Formats(wb)
    taken: set[str] = set()
    placed: dict[str, _Placed] = {}
    pending: list[tuple[Worksheet, Sheet]] = []
    for name, spec in specs.items():
        for part, chunk in enumerate(_row_chunks(spec.frame)):
            title = sheet_title(name if part == 0 else f"{name} ({part + 1})", taken)
            taken.add(title.casefold())
            ws = wb.add_worksheet(title)
            _write_sheet(ws, spec, chunk, formats, table_name=f"Table_{len(taken)}")
            if part == 0:
                placed[name] = _Placed(title, [str(c) for c in spec.frame.columns], len(chunk))
                pending.append((ws, spec))
    for ws, spec in pending:
        _insert_charts(wb, ws, spec, placed)
    wb.close()


def _write_sheet(ws: Worksheet, spec: Sheet, frame: pd.DataFrame, formats: _Formats, *, table_name: str) -> None:
    """Header row (with comments), widths, frozen pane, table or autofilter, dropdowns, shading, then the rows."""
    keys = [str(c) for c in frame.columns]
    headers = [cell_value(spec.headers.get(k, c)) for k, c in zip(keys, frame.columns)]
    headers = [h if isinstance(h, str) else ("" if h is None else str(h)) for h in headers]
    columns = [[cell_value(v) for v in frame.iloc[:, i]] for i in range(frame.shape[1])]
    widths = [column_width(h, col[:WIDTH_SAMPLE]) for h, col in zip(headers, columns)]
    for i, width in enumerate(widths):
        ws.set_column_pixels(i, i, round(width * DIGIT_PIXELS))  # stored as exactly ``width`` characters
    if not keys:
        return
    last_row, last_col = len(frame), len(keys) - 1
    ws.freeze_panes(1, 0)
    header_formats = [formats.header_guard if h and needs_text_guard(h) else formats.header for h in headers]
    if spec.table and last_row and _table_headers_ok(headers):
        _add_table_before_rows(ws, last_row, last_col, table_name, headers, header_formats)
    else:
        _write_header(ws, headers, header_formats)
        ws.autofilter(0, 0, last_row, last_col)
    for col, key in enumerate(keys):
        note = spec.notes.get(key)
        if note:
            ws.write_comment(0, col, clean_text(note), {"author": "crm-migrate", "x_scale": 2.5, "y_scale": 2})
        if last_row and key in spec.choices:
            ws.data_validation(
                1, col, last_row, col, {"validate": "list", "source": list(spec.choices[key]), "error_type": "warning"}
            )
        if last_row and key in spec.low_below:
            ws.conditional_format(
                1,
                col,
                last_row,
                col,
                {"type": "cell", "criteria": "<", "value": spec.low_below[key], "format": formats.low},
            )
    _write_rows(ws, columns, widths, formats)


def _write_header(ws: Worksheet, headers: list[str], header_formats: list[Any]) -> None:
    for col, (header, fmt) in enumerate(zip(headers, header_formats)):
        ws.write_string(0, col, header, fmt)


def _table_headers_ok(headers: list[str]) -> bool:
    """Excel tables need distinct, non-empty header texts (compared case-insensitively)."""
    folded = [h.casefold() for h in headers]
    return all(folded) and len(set(folded)) == len(folded)


def _add_table_before_rows(
    ws: Worksheet, last_row: int, last_col: int, name: str, headers: list[str], header_formats: list[Any]
) -> None:
    """An Excel table over the header and ``last_row`` data rows, declared before any row is written.

    XlsxWriter refuses tables in constant-memory mode because a table may carry data or formulas
    for rows already flushed to disk. This one carries neither: it only writes the header row
    (row 0, still in memory), which is then written again as constant-memory text cells, and
    the rows are streamed after it as usual.
    """
    ws.constant_memory = False
    try:
        refused = ws.add_table(
            0,
            0,
            last_row,
            last_col,
            {
                "name": name,
                "style": "Table Style Light 9",
                "columns": [{"header": h, "header_format": f} for h, f in zip(headers, header_formats)],
            },
        )
    finally:
        ws.constant_memory = True
    if refused:
        raise ValueError(f"table {name}: XlsxWriter refused it ({refused})")
    # add_table remembers every cell of the range to refuse an overlapping table or merge later; a sheet
    # here has one table and no merges, and 200,000 rows x 8 columns would be 1.6 million entries.
    ws.table_cells.clear()
    _write_header(ws, headers, header_formats)


def _write_rows(ws: Worksheet, columns: list[list[Any]], widths: list[float], formats: _Formats) -> None:
    """The data rows, from row 2 on: text as strings only, numbers, booleans, dates with their format."""
    write_string, write_number = ws.write_string, ws.write_number
    text_format, dates = formats.text, formats.dates
    for r, row in enumerate(zip(*columns), start=1):
        for c, value in enumerate(row):
            kind = type(value)
            if kind is str:
                write_string(r, c, value, text_format(value, widths[c]))
            elif value is None:
                continue
            elif kind is bool:
                ws.write_boolean(r, c, value)
            elif kind is int or kind is float:
                write_number(r, c, value)
            else:  # a date, datetime or time; datetime before date: it is a date too
                ws.write_datetime(r, c, value, dates[next(t for t in _DATE_FORMATS if isinstance(value, t))])


def _insert_charts(wb: xlsxwriter.Workbook, ws: Worksheet, spec: Sheet, placed: Mapping[str, _Placed]) -> None:
    """The sheet's charts, one under the other, right of its columns; a chart of an empty sheet is left out."""
    row = 0
    anchor_col = len(spec.frame.columns) + 1
    for chart_spec in spec.charts:
        data = placed.get(chart_spec.data)
        if data is None or not data.rows or chart_spec.categories not in data.columns:
            continue
        chart = wb.add_chart({"type": chart_spec.kind})
        cat = data.columns.index(chart_spec.categories)
        for key in chart_spec.series:
            if key in data.columns:
                col = data.columns.index(key)
                chart.add_series(
                    {
                        "name": [data.title, 0, col],
                        "categories": [data.title, 1, cat, data.rows, cat],
                        "values": [data.title, 1, col, data.rows, col],
                    }
                )
        chart.set_title({"name": chart_spec.title})
        value_axis = chart.set_x_axis if chart_spec.kind == "bar" else chart.set_y_axis
        value_axis({"min": 0, "max": 100} if chart_spec.percent else {"min": 0})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart(row, anchor_col, chart, _CHART_SIZE)
        row += _CHART_ROWS


# -- the file --------------------------------------------------------------------------


def _save_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write(file)`` on a temporary file next to ``path``, then rename it: a reader never sees
    half a workbook, and a failure leaves an existing file as it was."""
    if not path.parent.is_dir():
        raise OutputError(message("cli.output.no_folder", path=path, folder=path.parent))
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as f:
            write(f)
        os.replace(temp, path)
    except (OSError, XlsxFileError) as exc:
        cause = exc.args[0] if isinstance(exc, XlsxFileError) and exc.args else exc
        raise OutputError(
            message("cli.output.cannot_write", path=path, detail=getattr(cause, "strerror", None) or cause)
        ) from exc
    finally:
        temp.unlink(missing_ok=True)
