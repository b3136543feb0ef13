"""Find the table inside a grid: the header row below titles, data rows, totals.

Pure: a ``Grid`` in, a ``SourceTable`` out. The header is the row (or pair of rows)
among the first ``SCAN_ROWS`` non-empty rows that names the most known fields
(vocabulary of ``transforms.column_mapping``); the config's explicit column names,
when given, decide instead. A two-row header — a group row above such as
"Контактное лицо" spanning "ФИО | Телефон" — becomes "Контактное лицо ФИО",
"Контактное лицо Телефон", and ``SourceTable.groups`` keeps each such column's group:
the lower cell is what the column is, the group whose (the contact's phone, not the
company's), and the config may name the column by either. Below the header, empty rows,
totals rows ("Итого", "Всего", "Total") and repeated header rows are dropped and counted
in ``notes``; nothing else is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import pandas as pd

from transforms.column_mapping import is_known_header, normalise_header, own_name
from vocabulary.errors import RunFailure
from vocabulary.grid import Grid, RejectedRow
from vocabulary.messages import text

ROW_COLUMN = "_row"
SCAN_ROWS = 50  # the header must start within the first 50 non-empty rows
MAX_HEADER_LENGTH = 80  # a longer cell is a title or data, not a column name

_NUMERIC = re.compile(r"[-+]?[\d\s\u00a0.,:/%()\-]+|\d{4}-\d{2}-\d{2}[\d :T]*")
_TOTALS = re.compile(r"(итого|всего|итог|total|totals|grand total|subtotal)(\s*:.*|\s+(по|for)\s.*)?", re.IGNORECASE)
_TOTALS_INITIALS = frozenset("ИиВвTtGgSs")


class NoHeaderError(RunFailure):
    """The grid has no row that looks like a header."""


@dataclass
class SourceTable:
    """A grid turned into a table: one column per header, text values.

    ``frame`` has one column per (unique) header name with ``str``/``None`` values,
    plus ``_row`` — the row number in the file — so provenance survives.
    ``header_row`` is the (first) header row's number in the file. ``groups`` maps each
    column under a group of a two-row header to that group ("Компания №" → "Компания").
    """

    name: str
    frame: pd.DataFrame
    header_row: int
    notes: list[str] = field(default_factory=list)
    rejects: list[RejectedRow] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Header:
    index: int  # position in grid.cells of the first header row
    depth: int  # 1 or 2 rows
    names: list[str | None]  # per grid column, None where the header cell is empty
    groups: list[str | None]  # per grid column, the group cell above it in a two-row header


def _plain(index: int, names: list[str | None]) -> _Header:
    return _Header(index, 1, names, [None] * len(names))


def find_table(grid: Grid, expected_headers: Collection[str] = ()) -> SourceTable:
    """Return the table of ``grid``; ``NoHeaderError`` when no row looks like a header.

    ``expected_headers`` (the config's ``columns:`` names) choose the header row when given.
    """
    header = _find_header(grid.cells, expected_headers)
    start = header.index + header.depth
    body, numbers, notes = _data_rows(grid.cells[start:], grid.row_numbers[start:], header.names)
    renamed, columns, frame = _frame(header.names, body)
    frame[ROW_COLUMN] = pd.array(numbers, dtype="int64")
    first = grid.row_numbers[header.index]
    titles = sum(1 for row in grid.cells[: header.index] if any(row))
    lead = [
        text("sources.table.header_rows", first=first, last=grid.row_numbers[start - 1])
        if header.depth == 2
        else text("sources.table.header_row", row=first)
    ]
    if titles:
        lead.append(text("sources.table.titles_skipped", n=titles))
    if renamed:
        lead.append(text("sources.table.renamed", columns=", ".join(renamed)))
    groups = {name: group for name, group in zip(columns, header.groups) if name is not None and group}
    return SourceTable(grid.name, frame, first, [*grid.notes, *lead, *notes], list(grid.rejects), groups)


def _find_header(cells: Sequence[Sequence[str | None]], expected: Collection[str]) -> _Header:
    scanned = list(islice((i for i, row in enumerate(cells) if any(row)), SCAN_ROWS))
    if not scanned:
        raise NoHeaderError(text("sources.table.empty"))
    candidates = [h for i in scanned for h in _candidates(cells, i)]
    wanted = {normalise_header(e) for e in expected}
    if wanted:
        best = max(candidates, key=lambda h: (_hits(h, wanted), _known(h), h.depth, -h.index), default=None)
        if best is None or not _hits(best, wanted):
            shown = ", ".join(sorted(expected)[:6]) + (", …" if len(wanted) > 6 else "")
            raise NoHeaderError(text("sources.table.no_configured_header", columns=shown, rows=SCAN_ROWS))
        return best
    best = max(candidates, key=lambda h: (_known(h), h.depth, -h.index), default=None)
    if best is None or not _known(best):
        raise NoHeaderError(text("sources.table.no_header", rows=SCAN_ROWS))
    return best


def _candidates(cells: Sequence[Sequence[str | None]], i: int) -> list[_Header]:
    """Row ``i`` as a header, and rows ``i, i+1`` as a two-row header when they look like one."""
    top = [_header_text(v) for v in cells[i]]
    out = [_plain(i, top)] if _text_row(cells[i]) else []
    if i + 1 < len(cells) and out and _text_row(cells[i + 1]):
        combined = _combine(top, [_header_text(v) for v in cells[i + 1]])
        if combined is not None:
            out.append(_Header(i, 2, *combined))
    return out


def _header_text(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _text_row(row: Sequence[str | None]) -> bool:
    """A row that could name columns: short texts, no numbers or dates."""
    values = [v for v in row if v]
    return bool(values) and all(len(v) <= MAX_HEADER_LENGTH and not _NUMERIC.fullmatch(v) for v in values)


def _known(header: _Header) -> int:
    return sum(1 for name, group in set(zip(header.names, header.groups)) if name and is_known_header(name, group))


def _hits(header: _Header, wanted: set[str]) -> int:
    """How many configured names the header has, as joined names or as lower cells alone."""
    names = {normalise_header(n) for n in header.names if n}
    names |= {normalise_header(own_name(n, g)) for n, g in zip(header.names, header.groups) if n and g}
    return len(names & wanted)


def _combine(top: list[str | None], bottom: list[str | None]) -> tuple[list[str | None], list[str | None]] | None:
    """Names and groups of a two-row header, or None when ``top`` is not a group row over ``bottom``.

    A group is a top cell over a different bottom cell, continued to the right by merged
    copies of itself or by empty top cells over filled bottom cells. Equal cells (a
    vertical merge) and top cells over nothing are plain headers. A single group over
    every column is a title, not a group.
    """
    width = max(len(top), len(bottom))
    top, bottom = top + [None] * (width - len(top)), bottom + [None] * (width - len(bottom))
    groups: list[str | None] = [None] * width
    current: str | None = None
    for j, (t, b) in enumerate(zip(top, bottom)):
        if t is not None and b is not None and t != b:
            current = t
        elif not (t is None and b is not None and current is not None):
            current = None
        groups[j] = current
    spans = Counter(groups[j] for j in range(width) if groups[j] and (j == 0 or groups[j - 1] != groups[j]))
    widths = Counter(g for g in groups if g)
    named = [j for j in range(width) if top[j] or bottom[j]]
    if not any(n >= 2 for n in widths.values()) or (len(spans) == 1 and all(groups[j] for j in named)):
        return None
    return [f"{g} {b}" if g else (b or t) for g, t, b in zip(groups, top, bottom)], groups


def _data_rows(
    rows: Sequence[list[str | None]], numbers: Sequence[int], header: list[str | None]
) -> tuple[list[list[str | None]], list[int], list[str]]:
    """Rows that are records, their numbers, and notes on the rows dropped (never silently).

    Only rows whose first filled cell is missing, could start "Итого" or repeats the header
    are looked at closely: a million plain records pass through two list comprehensions.
    """
    header_first = next(filter(None, header), None)
    firsts = [next(filter(None, row), None) for row in rows]
    suspects = [
        i for i, first in enumerate(firsts) if first is None or first[:1] in _TOTALS_INITIALS or first == header_first
    ]
    empty: list[int] = []
    totals: list[int] = []
    repeats: list[int] = []
    for i in suspects:
        row, first = rows[i], firsts[i]
        if first is None:
            empty.append(i)
        elif first[:1] in _TOTALS_INITIALS and _is_totals(first, row):
            totals.append(i)
        elif first == header_first and [_header_text(v) for v in row] == header[: len(row)]:
            repeats.append(i)
    dropped = {*empty, *totals, *repeats}
    notes = [text("sources.table.empty_rows", n=len(empty))] if empty else []
    notes += [
        _listed([numbers[i] for i in found], key)
        for found, key in ((totals, "sources.table.totals_rows"), (repeats, "sources.table.repeated_header_rows"))
        if found
    ]
    if not dropped:
        return list(rows), list(numbers), notes
    kept = [i for i in range(len(rows)) if i not in dropped]
    return [rows[i] for i in kept], [numbers[i] for i in kept], notes


def _listed(numbers: list[int], key: str) -> str:
    shown = ", ".join(map(str, numbers[:10])) + (", …" if len(numbers) > 10 else "")
    return text(key, n=len(numbers), rows=shown)


def _is_totals(first: str, row: Sequence[str | None]) -> bool:
    """ "Итого" (or Всего, Total) as the first filled cell ``first``, only numbers after it."""
    return _TOTALS.fullmatch(first) is not None and all(_NUMERIC.fullmatch(v) for v in [v for v in row if v][1:])


def _frame(header: list[str | None], body: list[list[str | None]]) -> tuple[list[str], list[str | None], pd.DataFrame]:
    """The names given to keep columns apart, each grid column's name in the frame (None: dropped), the frame.

    An unnamed column is kept (as ``column_N``) only when it has data; a repeated name
    gets a number (``Телефон``, ``Телефон (2)``).
    """
    width = max(len(header), max(map(len, body), default=0))
    padded = [r if len(r) == width else (r + [None] * (width - len(r))) for r in body]
    grid = np.empty((len(padded), width), dtype=object)
    if padded:
        grid[:] = padded
    renamed: list[str] = []
    columns: list[str | None] = [None] * width
    data: dict[str, np.ndarray] = {}
    seen: Counter[str] = Counter()
    for j in range(width):
        name = header[j] if j < len(header) else None
        values = grid[:, j]
        if name is None and all(v is None for v in values):
            continue
        base = name or f"column_{j + 1}"
        seen[base] += 1
        unique = base if seen[base] == 1 else f"{base} ({seen[base]})"
        if unique != name:
            renamed.append(unique)
        data[unique] = values
        columns[j] = unique
    return renamed, columns, pd.DataFrame(data, dtype=object) if data else pd.DataFrame(index=range(len(body)))
