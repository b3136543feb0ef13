"""Record pairs: merge links, review pairs and reviewers' decisions, as every stage and the target store them."""

from __future__ import annotations

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
