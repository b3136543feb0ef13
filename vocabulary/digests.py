"""Digests of records a column at a time: what lets a re-run tell, without encoding each record, which
records are as some earlier run saw them (the loader's after-images, the matching index's features)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd


def payload_json(values: Mapping[str, object]) -> str:
    """A source record as read, as the JSON text that rides with it to the load (``_payload``).

    Encoded once, at the intake: a text takes about half the memory of the dict of the row's cells it
    replaces (a million records hold ~0.5 GB less through every stage), and it is what
    ``source_links.payload`` stores and what ``payload_hash`` fingerprints.
    """
    return json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)


def payload_hash(payload: str) -> str:
    """Fingerprint of a source record as read (``source_links.record_hash``): a changed record's differs."""
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


_FNV_PRIME = np.uint64(1099511628211)
_NULL = np.uint64(2**64 - 1)


def row_digests(columns: Iterable[Sequence], seed: int) -> np.ndarray:
    """Unsigned 64-bit digests, one per record, of ``columns`` (each one value per record, in a fixed order).

    Computed a column at a time by pandas (a tenth of a JSON encoding's cost). A column of anything but
    strings and nulls is hashed by a marked ``repr`` of its other values, so 5 and "5" differ; None and NaN
    are one null. ``seed`` (a format number) makes every digest differ when what is digested changes."""
    combined: np.ndarray | None = None
    for values in columns:
        column = pd.Series(values, dtype=object).to_numpy()  # one value per record, lists included
        nulls = pd.isna(column)
        if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
            column = np.array([v if isinstance(v, str) else f"\0{v!r}" for v in column], dtype=object)
        hashed = pd.util.hash_array(column, categorize=False) if len(column) else np.zeros(0, dtype=np.uint64)
        hashed[nulls] = _NULL  # not the hash of the text "None"
        # multiply, then xor (FNV-1 on whole columns): the order of the fields counts, so swapped values differ
        combined = hashed ^ np.uint64(seed) if combined is None else (combined * _FNV_PRIME) ^ hashed
    return np.zeros(0, dtype=np.uint64) if combined is None else combined
