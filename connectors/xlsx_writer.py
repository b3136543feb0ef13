"""Write DataFrames to an .xlsx workbook that consultants and their clients open in Excel.

Client data is untrusted: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (also after leading spaces) could become a formula when Excel parses it
(OWASP "CSV injection"). Such cells are written as explicit text cells with Excel's
quote prefix, so Excel shows the text exactly and never evaluates it, not even after
the cell is edited. The same guard keeps "#N/A"-like text from becoming an error value
and number-like text (INN ``0123456789``, ``+74951234567``) from becoming a number.

How it is written: openpyxl (write-only mode) builds the package — styles, header row,
header comments, column widths, frozen pane, autofilter — and this module streams the
data rows into each sheet's ``<sheetData>`` itself. openpyxl spends ~50 µs per cell
(pure-Python XML, no lxml here): 200k rows x 8 columns took 80 s; streamed as plain
strings they take 7 s. The file appears at its path only when it is complete
(temporary file in the same folder + rename).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import secrets
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from vocabulary.errors import RunFailure


class OutputError(RunFailure):
    """The workbook cannot be written; the message is one line naming the file."""


MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included; longer frames continue on "name (2)"
MAX_CELL_TEXT = 32_767  # Excel holds no more characters in a cell (and calls the file corrupt)
MAX_EXACT_INT = 10**15  # Excel keeps 15 significant digits; longer integers are written as text
MAX_WIDTH, MIN_WIDTH = 60, 6  # column widths in characters; longer text wraps
WIDTH_SAMPLE = 2_000  # rows looked at to size a column
ROWS_PER_WRITE = 2_000

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# Characters XML 1.0 cannot hold (openpyxl raises IllegalCharacterError) and lone surrogates (not UTF-8).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER_LIKE = re.compile(r"\s*[-+]?(\d[\d\s]*)?[.,]?\d+([eE][-+]?\d+)?\s*")

_HEADER_STYLE = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="DDEBF7"),
                 "alignment": Alignment(vertical="top", wrap_text=True)}
_WRAP = Alignment(vertical="top", wrap_text=True)
_FORMATS = {dt.datetime: "yyyy-mm-dd hh:mm:ss", dt.date: "yyyy-mm-dd", dt.time: "hh:mm:ss"}


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], *,
                   column_notes: dict[str, dict[str, str]] | None = None) -> None:
    """Write ``sheets`` (name → frame, in order) to ``path``; ``column_notes[sheet][column]`` becomes a
    comment on that header cell. Raises ``OutputError`` when the file cannot be written."""
    if not sheets:
        raise ValueError("write_workbook needs at least one sheet")
    wb = Workbook(write_only=True)
    bodies: list[tuple[WriteOnlyWorksheet, _Body]] = []
    taken: set[str] = set()
    for name, frame in sheets.items():
        notes = (column_notes or {}).get(name, {})
        for part, chunk in enumerate(_row_chunks(frame)):
            title = sheet_title(name if part == 0 else f"{name} ({part + 1})", taken)
            taken.add(title.casefold())
            ws = wb.create_sheet(title)
            bodies.append((ws, _start_sheet(ws, chunk, notes)))
    styles = _Styles.register(bodies[0][0])
    package = io.BytesIO()
    wb.save(package)
    # Sheet paths are known only after saving ("/xl/worksheets/sheet1.xml").
    rows = {ws.path.lstrip("/"): body.xml(styles) for ws, body in bodies}
    _save_atomically(Path(path), lambda out: _assemble(package, out, rows))


def sheet_title(name: str, taken: Collection[str] = ()) -> str:
    """A valid Excel sheet name for ``name``: forbidden characters replaced, at most 31 characters,
    no apostrophe at either end, unique among ``taken`` (case-folded, as Excel compares them)."""
    base = _SHEET_FORBIDDEN.sub("_", _ILLEGAL_XML.sub("", str(name))).strip().strip("'").strip() or "Sheet"
    title, n = base[:SHEET_NAME_MAX].rstrip(" '"), 1
    while title.casefold() in taken or title.casefold() == "history":  # "History" is reserved by Excel
        n += 1
        suffix = f" ({n})"
        title = base[:SHEET_NAME_MAX - len(suffix)].rstrip(" '") + suffix
    return title


def _row_chunks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """The frame in pieces that fit one sheet each (an empty frame is one empty piece)."""
    per_sheet = MAX_ROWS - 1
    yield frame.iloc[:per_sheet]
    for start in range(per_sheet, len(frame), per_sheet):
        yield frame.iloc[start:start + per_sheet]


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
    text = _ILLEGAL_XML.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT - 1] + "…"


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


def needs_text_guard(text: str) -> bool:
    """True for text Excel would turn into a formula, an error value or a number when parsing it."""
    if text[:1] in ("\t", "\r"):
        return True
    first = text.lstrip()[:1]
    if first in _FORMULA_START:
        return True
    if first == "#":
        return text in ERROR_CODES
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


# -- sheets ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Styles:
    """Style ids (cellXfs indexes) of the body cells, registered in the workbook before it is saved."""
    wrap: int
    guard: int
    guard_wrap: int
    dates: dict[type, int]

    @classmethod
    def register(cls, ws: WriteOnlyWorksheet) -> _Styles:
        def style_id(**attrs: Any) -> int:
            cell = WriteOnlyCell(ws)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return cell.style_id
        return cls(wrap=style_id(alignment=_WRAP), guard=style_id(quotePrefix=True),
                   guard_wrap=style_id(quotePrefix=True, alignment=_WRAP),
                   dates={t: style_id(number_format=f) for t, f in _FORMATS.items()})

    def text(self, text: str, width: float) -> int:
        wrapped = len(text) > width or "\n" in text
        if needs_text_guard(text):
            return self.guard_wrap if wrapped else self.guard
        return self.wrap if wrapped else 0


@dataclass
class _Body:
    """A sheet's data rows, converted to cell values column by column, and the column widths."""
    columns: list[list[Any]]
    widths: list[float]

    def xml(self, styles: _Styles) -> Iterator[str]:
        """``<row>`` elements from row 2 on, in batches."""
        letters = [get_column_letter(i + 1) for i in range(len(self.columns))]
        batch: list[str] = []
        for n, row in enumerate(zip(*self.columns), start=2):
            batch.append(f'<row r="{n}">')
            batch.extend(_cell_xml(f"{letter}{n}", v, styles, w)
                         for letter, v, w in zip(letters, row, self.widths) if v is not None)
            batch.append("</row>")
            if len(batch) >= ROWS_PER_WRITE:
                yield "".join(batch)
                batch = []
        yield "".join(batch)


def _start_sheet(ws: WriteOnlyWorksheet, frame: pd.DataFrame, notes: dict[str, str]) -> _Body:
    """Column widths, frozen header, autofilter and the header row; the body is returned for later."""
    headers = [cell_value(c) for c in frame.columns]
    columns = [[cell_value(v) for v in frame.iloc[:, i]] for i in range(frame.shape[1])]
    widths = [column_width(h, col[:WIDTH_SAMPLE]) for h, col in zip(headers, columns)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if headers:
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"
    ws.append([_header_cell(ws, h, notes.get(str(c))) for h, c in zip(headers, frame.columns)])
    return _Body(columns, widths)


def _header_cell(ws: WriteOnlyWorksheet, value: Any, note: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # a column named "=x" stays text
        cell.quotePrefix = needs_text_guard(value)
    for name, style in _HEADER_STYLE.items():
        setattr(cell, name, style)
    if note:
        cell.comment = Comment(clean_text(note), "crm-migrate", width=300, height=120)
    return cell


def _cell_xml(ref: str, value: Any, styles: _Styles, width: float) -> str:
    """One ``<c>``: text always as an inline string (never a formula), numbers, booleans, dates."""
    if type(value) is str:
        style = styles.text(value, width)
        s = f' s="{style}"' if style else ""
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
    kind = next(t for t in _FORMATS if isinstance(value, t))  # datetime before date: it is a date too
    return f'<c r="{ref}" s="{styles.dates[kind]}" t="n"><v>{to_excel(value)!r}</v></c>'


def _escape(text: str) -> str:
    # A raw CR would be read back as a newline (XML end-of-line handling): keep it as a reference.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


# -- the file --------------------------------------------------------------------------

def _assemble(package: io.BytesIO, out: IO[bytes], rows: dict[str, Iterator[str]]) -> None:
    """Copy openpyxl's package to ``out``, streaming each sheet's data rows into its ``<sheetData>``."""
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename not in rows:
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = data.split(b"</sheetData>", 1)  # the header row is always there
            with dst.open(info.filename, "w") as sheet:
                sheet.write(head)
                for xml in rows[info.filename]:
                    sheet.write(xml.encode("utf-8"))
                sheet.write(b"</sheetData>" + tail)


def _save_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write(file)`` on a temporary file next to ``path``, then rename it: a reader never sees
    half a workbook, and a failure leaves an existing file as it was."""
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "xb") as f:
            write(f)
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
