"""The source records a golden record is made of, as the load links them."""

from __future__ import annotations

from typing import NamedTuple


class Member(NamedTuple):
    """One source record of a golden record (a tuple: a million of them are held from golden records to the load).

    ``hash`` fingerprints ``payload``, the record as read (JSON); ``warnings`` are its normalisation issues."""

    source: str
    source_key: str
    origin: str
    hash: str
    payload: str
    warnings: list[str]
