"""Read Excel workbooks (xlsx, xlsm, xlsb, xls, ods) into grids of text cells.

python-calamine does the reading: it is fast, it returns the cached values of
formulas, and it tells merged ranges and sheet visibility for xlsx and xls. The
format is sniffed from the content, not the extension, so that a workbook
renamed ``.xls`` still reads and a CSV renamed ``.xlsx`` gets a clear error.

Values become text a consultant would recognise: integral numbers as digits
(``79161234567``, never ``7.9E10`` or ``79161234567.0``), other numbers in plain
decimal notation, dates as ``YYYY-MM-DD`` (with `` HH:MM:SS`` when there is a time).
Hidden sheets and chart sheets are skipped; what was skipped is said in the notes
of the first grid returned.
"""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from connectors.errors import SourceError, first_line, reading
from vocabulary.grid import Grid
from vocabulary.messages import text

_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted xlsx
_CFB_END = 0xFFFFFFFA  # sector numbers from here on are markers (end of chain, free, ...)
_CFB_SECTOR_SHIFTS = (9, 12)  # 512-byte sectors (version 3) or 4096-byte ones (version 4)


def read_workbook(path: Path, sheet: str | None = None) -> list[Grid]:
    """Every visible worksheet of ``path`` (or only ``sheet``) as a ``Grid``.

    Raises ``SourceError`` for a file that is not a readable workbook (empty, truncated,
    password-protected, CSV or HTML under an Excel name) or a ``sheet`` it does not have.
    """
    with reading(path):
        data = read_source_bytes(path)
        _check_format(path, data)
        del data
        try:
            with path.open("rb") as f:
                book = CalamineWorkbook.from_filelike(f)
        except Exception as exc:  # noqa: BLE001 — calamine's errors all mean "cannot read this workbook"
            raise _unreadable(path, exc, "sources.excel.unreadable") from None
        try:
            wanted, notes = _choose_sheets(path, book, sheet)
            grids = [_grid(path, book, name) for name in wanted]
            skipped = [] if sheet is not None else [m.name for m in book.sheets_metadata if m.name not in wanted]
        finally:
            book.close()
    grids[0].notes[:0] = notes  # workbook-level notes (sheets skipped) go with the first grid
    grids[0].skipped[:0] = skipped
    return grids


def _unreadable(path: Path, exc: Exception, key: str, **values: str) -> SourceError:
    if isinstance(exc, PasswordError):
        return SourceError(text("sources.excel.password", file=path.name))
    return SourceError(text(key, file=path.name, detail=first_line(exc), **values))


def read_source_bytes(path: Path) -> bytes:
    """The file's bytes; ``SourceError`` when it cannot be opened or is empty (shared by the readers)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(text("sources.cannot_open", file=path.name, detail=exc.strerror or exc)) from None
    if not data:
        raise SourceError(text("sources.empty_file", file=path.name))
    return data


def _check_format(path: Path, data: bytes) -> None:
    """Raise ``SourceError`` unless ``data`` looks like a workbook calamine can open."""
    if data.startswith(_ZIP):
        if b"PK\x05\x06" not in data[-65_557:]:  # the zip's end-of-directory record is missing
            raise SourceError(text("sources.excel.truncated", file=path.name))
        return
    if data.startswith(_CFB):
        if "EncryptedPackage" in _cfb_stream_names(path, data):
            raise SourceError(text("sources.excel.password", file=path.name))
        return
    raise SourceError(text("sources.excel.not_a_workbook", file=path.name, what=_describe_text(data)))


def _cfb_stream_names(path: Path, data: bytes) -> set[str]:
    """Names in the directory of an OLE compound file (an encrypted xlsx has ``EncryptedPackage``).

    Every number of the header is checked before use: a hostile file could otherwise ask
    for sectors of 2**65535 bytes or chains that never end.
    """
    try:
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in _CFB_SECTOR_SHIFTS:
            raise SourceError(text("bad_input.ole_sector_size", file=path.name, shift=shift))
        size = 1 << shift
        fat: list[int] = []
        for sector in struct.unpack_from("<109I", data, 76):  # the first FAT sectors, listed in the header
            if sector >= _CFB_END:
                break
            fat.extend(struct.unpack_from(f"<{size // 4}I", data, (sector + 1) * size))
        names: set[str] = set()
        sector, seen = struct.unpack_from("<I", data, 48)[0], set()
        while sector < min(_CFB_END, len(fat)) and sector not in seen:
            seen.add(sector)
            for entry in range((sector + 1) * size, (sector + 2) * size, 128):
                length = struct.unpack_from("<H", data, entry + 64)[0]
                names.add(data[entry : entry + max(length - 2, 0)].decode("utf-16-le", "replace"))
            sector = fat[sector]
    except struct.error:
        raise SourceError(text("bad_input.ole_truncated", file=path.name)) from None
    return names


def _describe_text(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return text("sources.excel.looks_html")
    if head.startswith(b"<?xml"):
        return text("sources.excel.looks_xml")
    printable = sum(1 for b in head if b >= 0x20 or b in b"\t\r\n")
    if head and printable / len(head) > 0.95:
        return text("sources.excel.looks_csv")
    return text("sources.excel.unknown_format")


def _choose_sheets(path: Path, book: CalamineWorkbook, sheet: str | None) -> tuple[list[str], list[str]]:
    """Sheet names to read, and notes on those skipped."""
    meta = book.sheets_metadata
    if sheet is not None:
        names = [m.name for m in meta]
        found = (
            sheet
            if sheet in names
            else next((n for n in names if n.strip().casefold() == sheet.strip().casefold()), None)
        )
        if found is None:
            raise SourceError(text("sources.excel.no_sheet", file=path.name, sheet=sheet, sheets=", ".join(names)))
        hidden = any(m.name == found and m.visible != SheetVisibleEnum.Visible for m in meta)
        return [found], [text("sources.excel.hidden_named", sheet=found)] if hidden else []
    wanted, notes = [], []
    for m in meta:
        if m.typ != SheetTypeEnum.WorkSheet:
            notes.append(text("sources.excel.not_worksheet", kind=str(m.typ).rsplit(".", 1)[-1].lower(), sheet=m.name))
        elif m.visible != SheetVisibleEnum.Visible:
            notes.append(text("sources.excel.hidden_skipped", sheet=m.name))
        else:
            wanted.append(m.name)
    if not wanted:
        raise SourceError(
            text(
                "sources.excel.no_visible_sheet",
                file=path.name,
                why="; ".join(notes) or text("sources.excel.no_sheets"),
            )
        )
    return wanted, notes


def _grid(path: Path, book: CalamineWorkbook, name: str) -> Grid:
    try:
        sheet = book.get_sheet_by_name(name)
        values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except Exception as exc:  # noqa: BLE001 — a sheet calamine cannot parse makes the file unreadable
        raise _unreadable(path, exc, "sources.excel.sheet_unreadable", sheet=name) from None
    cells = [[_text(v) for v in row] for row in values]
    _fill_merged(cells, merged)
    return Grid(name, cells, list(range(1, len(cells) + 1)))


def _fill_merged(cells: list[list[str | None]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the top-left value (0-based, inclusive ranges)."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(cells) or left >= len(cells[top]):
            continue
        value = cells[top][left]
        for row in cells[top : bottom + 1]:
            row[left : right + 1] = [value] * len(row[left : right + 1])


def _text(value: object) -> str | None:
    """A cell value as the text a consultant sees, ``None`` when empty."""
    kind = type(value)
    if kind is str:
        return value.strip() or None  # type: ignore[union-attr]
    if kind is float:
        return _number(value)  # type: ignore[arg-type]
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int:
        return str(value)
    if kind is dt.datetime:
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")  # type: ignore
    if kind in (dt.date, dt.time):
        return value.isoformat()  # type: ignore[attr-defined]
    return None if value is None else str(value)


def _number(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text else text
