"""Record pairs: merge links, review pairs and reviewers' decisions, as every stage and the target store them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Record = tuple[str, str]  # (source, source_key)

LINK_COLUMNS = ("entity", "left_source", "left_key", "right_source", "right_key", "score", "reasons")
DECISION_COLUMNS = ("entity", "left_source", "left_key", "right_source", "right_key", "decision")


def pair_key(entity: str, left: Record, right: Record) -> tuple[str, str, str, str, str]:
    """A pair in its stored order (the smaller record first), so one pair has one decision."""
    (ls, lk), (rs, rk) = sorted([left, right])
    return entity, ls, lk, rs, rk


def empty_decisions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in DECISION_COLUMNS})


@dataclass(frozen=True)
class KeyRows:
    """Rows (source, source_key, rule, value) of the matching index, held as columns until the load writes
    them: each row its record's number, not a tuple of its own (966,081 rows at 100,000 records were
    ~85 MB of tuples carried from matching to the end of the load)."""

    records: Sequence[Record]
    owner: np.ndarray  # int32: per row, its record in ``records``
    rules: list[str]
    values: list[str]

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[tuple[str, str, str, str]]:
        records = self.records
        for i, rule, value in zip(self.owner.tolist(), self.rules, self.values):
            yield (*records[i], rule, value)
