"""The matching index's rows parked on disk between matching and the load (connectors/spill.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from cli.runner import execute
from connectors import spill
from tests.clientdata import write_dataset
from vocabulary.pairs import KeyRows


def test_parked_rows_read_back_as_the_rows_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "SLICE", 3)  # slices that do not divide the rows
    records = [("crm", "1"), ("1c", "ab"), ("csv", "Иванов")]
    owner = np.array([0, 2, 1, 1, 0, 2, 2], dtype=np.int32)
    rows = KeyRows(records, owner, list("abcdefg"), [str(i) for i in range(7)])
    parked = spill.SpilledKeyRows(rows)
    assert len(parked) == 7
    assert list(parked) == list(rows) == list(parked)  # read again from the start
    assert list(rows)[1] == ("csv", "Иванов", "b", "1")


def test_a_small_index_stays_in_memory_and_a_large_one_goes_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = KeyRows([("a", "1")], np.zeros(3, dtype=np.int32), ["r"] * 3, ["v"] * 3)
    assert spill.parked(rows) is rows
    monkeypatch.setattr(spill, "SPILL_FROM", 3)
    assert isinstance(spill.parked(rows), spill.SpilledKeyRows)


def _index(url: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.text("SELECT entity, source, source_key, rule, value FROM match_keys")))
    finally:
        engine.dispose()


def test_a_run_writes_the_same_index_from_disk_as_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_dataset(tmp_path)
    execute(config, target=f"sqlite:///{tmp_path / 'memory.db'}", dry_run=False)
    monkeypatch.setattr(spill, "SPILL_FROM", 1)
    execute(config, target=f"sqlite:///{tmp_path / 'disk.db'}", dry_run=False)
    in_memory = _index(f"sqlite:///{tmp_path / 'memory.db'}")
    assert in_memory and _index(f"sqlite:///{tmp_path / 'disk.db'}") == in_memory
