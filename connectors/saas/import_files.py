"""Write the files the CRMs' importers take: CSV parts for Bitrix24, xlsx parts for amoCRM, a crosswalk.

Bitrix24's importer reads «;»-separated CSV in UTF-8 (with a BOM, so Excel shows Cyrillic too) or
windows-1251; values are written exactly as the importer must store them. A big base is split into
parts below the importer's limits (rows and bytes per file), each part with the header row.
The amoCRM workbook goes through ``connectors.xlsx_writer``: client text never becomes a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from connectors.xlsx_writer import OutputError, write_workbook
from vocabulary.messages import text

BITRIX_MAX_ROWS = 5_000  # rows per CSV part
BITRIX_MAX_BYTES = 2 * 1024 * 1024  # bytes per CSV part: far below what a portal accepts in one upload
AMO_MAX_ROWS = 10_000  # rows per workbook for amoCRM's importer


def _part_name(stem: str, part: int, parts: int, suffix: str) -> str:
    return f"{stem}{suffix}" if parts == 1 else f"{stem}_{part:02d}{suffix}"


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def write_csv_parts(
    folder: Path,
    stem: str,
    columns: tuple[str, ...],
    rows: list[dict],
    *,
    max_rows: int = BITRIX_MAX_ROWS,
    max_bytes: int = BITRIX_MAX_BYTES,
) -> list[tuple[Path, int]]:
    """Write ``rows`` as ``stem.csv`` (or ``stem_01.csv``, …); for each row, (its file, its line number there)."""
    header = _csv_line(list(columns))
    start = len(header.encode("utf-8-sig"))  # the header and the BOM open every part
    parts: list[list[str]] = [[]]
    size = start
    for row in rows:
        line = _csv_line([str(row.get(c, "") or "") for c in columns])
        if parts[-1] and (len(parts[-1]) >= max_rows or size + len(line.encode("utf-8")) > max_bytes):
            parts.append([])
            size = start
        parts[-1].append(line)
        size += len(line.encode("utf-8"))
    placed: list[tuple[Path, int]] = []
    for n, lines in enumerate(parts, start=1):
        path = folder / _part_name(stem, n, len(parts), ".csv")
        try:
            path.write_text(header + "".join(lines), encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise OutputError(text("cli.output.cannot_write", path=path, detail=exc.strerror or exc)) from None
        placed += [(path, line) for line in range(2, len(lines) + 2)]
    return placed


def write_xlsx_parts(
    folder: Path, stem: str, sheet: str, columns: tuple[str, ...], rows: list[dict], *, max_rows: int = AMO_MAX_ROWS
) -> list[tuple[Path, int]]:
    """Write ``rows`` as ``stem.xlsx`` parts of at most ``max_rows``; for each row, (its file, its row there)."""
    chunks = [rows[i : i + max_rows] for i in range(0, len(rows), max_rows)] or [[]]
    placed: list[tuple[Path, int]] = []
    for n, chunk in enumerate(chunks, start=1):
        path = folder / _part_name(stem, n, len(chunks), ".xlsx")
        frame = pd.DataFrame([[row.get(c, "") for c in columns] for row in chunk], columns=list(columns), dtype=object)
        write_workbook(path, {sheet: frame})
        placed += [(path, line) for line in range(2, len(chunk) + 2)]
    return placed
