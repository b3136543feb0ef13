"""Frames as Python rows (vocabulary.frames): dicts, or mappings read from the columns when asked."""

from __future__ import annotations

import pandas as pd
import pytest

from vocabulary.frames import frame_rows, lazy_rows

FRAME = pd.DataFrame(
    {
        "name": ["ООО Ромашка", "", "ИП Петров"],
        "score": [1, 2, 3],
        "share": [0.5, 0.25, 1.0],
        "members": [[{"source": "a", "source_key": "1"}], [], [{"source": "b", "source_key": "2"}]],
    }
)


def test_both_give_python_values_of_every_field() -> None:
    rows = frame_rows(FRAME)
    assert rows == FRAME.to_dict("records")
    assert type(rows[0]["score"]) is int  # not a numpy scalar
    assert [dict(r) for r in lazy_rows(FRAME)] == rows


def test_a_lazy_row_reads_like_a_dict() -> None:
    row = lazy_rows(FRAME)[2]
    assert row["members"] == [{"source": "b", "source_key": "2"}] and row.get("name") == "ИП Петров"
    assert row.get("missing") is None and len(row) == 4 and list(row) == list(FRAME.columns) and row
    with pytest.raises(KeyError):
        row["missing"]


def test_no_rows_of_a_frame_without_rows() -> None:
    assert frame_rows(FRAME.iloc[:0]) == [] and lazy_rows(FRAME.iloc[:0]) == []
