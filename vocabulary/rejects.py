"""Quarantine rows: the one shape every stage uses to set a record aside with its reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from vocabulary.fields import ORIGIN, PAYLOAD, QUARANTINE_COLUMNS, SOURCE, SOURCE_KEY


def reject(source: str, key: str, entity: str, origin: str, reasons: list[str], payload: str) -> dict:
    """One quarantine row: which record (source, key, where in the file), why, and the record as read (JSON)."""
    return dict(zip(QUARANTINE_COLUMNS, (source, key, entity, origin, reasons, payload)))


def reject_record(record: Mapping, entity: str, reasons: list[str]) -> dict:
    """The quarantine row of a record frame's row (it carries its provenance columns)."""
    return reject(record[SOURCE], record[SOURCE_KEY], entity, record[ORIGIN], reasons, record[PAYLOAD])


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_COLUMNS})


def rejects_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Quarantine rows as a frame with the quarantine columns (an empty one when there are none)."""
    rows = list(rows)
    return pd.DataFrame(rows, columns=list(QUARANTINE_COLUMNS), dtype=object) if rows else empty_rejects()
