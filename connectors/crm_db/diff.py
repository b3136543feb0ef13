"""The workbook of ``run --dry-run --diff FILE``: one row per CRM record the run would touch.

Each row names the action (create, update, soft-delete, merge, conflict), the record (entity,
CRM id, name, the source records behind it) and, side by side, the changed fields before and
after — one ``field: value`` line each, so a wide record stays one readable row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors.xlsx_writer import write_workbook
from vocabulary.messages import text

DIFF_COLUMNS = ("action", "entity", "crm_id", "name", "sources", "fields", "before", "after")
ACTIONS = ("create", "update", "delete", "merge", "conflict")
SHEET = "changes"


def diff_frame(changes: list[dict]) -> pd.DataFrame:
    """The changes in the run's language, in load order (``action`` translated, headers too)."""
    frame = pd.DataFrame(changes, columns=list(DIFF_COLUMNS), dtype=object)
    frame["action"] = [text(f"diff.{a}") for a in frame["action"]]
    return frame.rename(columns={c: text(f"diff.{c}") for c in DIFF_COLUMNS})


def write_diff(path: Path, changes: list[dict]) -> int:
    """Write the workbook (atomically, formula-guarded); the number of rows."""
    write_workbook(path, {SHEET: diff_frame(changes)})
    return len(changes)
