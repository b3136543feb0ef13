"""What a file reader hands to the pipeline: cells as text, positions kept.

Readers (``connectors.excel``, ``connectors.csv_file``) do I/O only: they turn a
file into grids of text cells and never decide which row is the header or what a
column means — that is ``transforms.tables`` and ``transforms.column_mapping``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RejectedRow:
    """A row the reader could not turn into cells (ragged CSV line, broken quotes).

    It goes to quarantine with ``reason``; ``raw`` is the text as it was in the file.
    """

    row: int  # 1-based line/row number in the file
    reason: str
    raw: str
    cells: tuple[str | None, ...] = ()  # the line's fields as best they can be read: where its key is found


@dataclass
class Grid:
    """One sheet (or one CSV file) as rows of text cells.

    ``cells[i]`` is the row numbered ``row_numbers[i]`` in the file (1-based), every
    value a ``str`` with no float damage (``"79161234567"``, ``"0274062111"``) or
    ``None`` for an empty cell. Merged ranges are already filled with their
    top-left value. Rows may be of different lengths.
    """

    name: str  # sheet name, or the file name for CSV
    cells: list[list[str | None]]
    row_numbers: list[int]
    notes: list[str] = field(default_factory=list)  # e.g. "hidden sheet 'Архив' skipped"
    rejects: list[RejectedRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sheets of the workbook the reader did not read (hidden)
