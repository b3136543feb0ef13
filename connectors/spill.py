"""Rows parked on disk between the stage that makes them and the load that writes them.

The matching index's rows (a dozen per record: ten million at a million records, ~1 GB of strings) are
made by matching and read once, by the load, two stages later. Held in memory, they would sit through
the contacts' matching, the golden records and the load; parked in an anonymous temporary file (gone
when the run drops them, or when the process ends), they cost a slice of memory when read.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator

from vocabulary.pairs import KeyRows

SPILL_FROM = 200_000  # rows: fewer stay in memory (a small run gains nothing from the disk)
SLICE = 100_000  # rows pickled, and read back, together


class SpilledKeyRows:
    """``KeyRows`` in a temporary file: the same rows, iterated one slice at a time (by one reader at a time)."""

    def __init__(self, rows: KeyRows) -> None:
        self.records = rows.records  # (source, key) tuples the record frames hold anyway
        self._len, self._slice = len(rows), SLICE
        self._file = tempfile.TemporaryFile(prefix="crm-migrate-index-")
        for start in range(0, self._len, self._slice):
            end = start + self._slice
            part = (rows.owner[start:end], rows.rules[start:end], rows.values[start:end])
            pickle.dump(part, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.flush()

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[tuple[str, str, str, str]]:
        records = self.records
        self._file.seek(0)
        for _ in range(0, self._len, self._slice):
            owner, rules, values = pickle.load(self._file)
            for i, rule, value in zip(owner.tolist(), rules, values):
                yield (*records[i], rule, value)


def parked(rows: KeyRows) -> KeyRows | SpilledKeyRows:
    """``rows`` on disk when there are many of them, else as they are."""
    return SpilledKeyRows(rows) if len(rows) >= SPILL_FROM else rows
