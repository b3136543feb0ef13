"""Asset metadata a consultant reads in the Dagster UI: row counts, schema, preview."""
from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
import pandas as pd

PREVIEW_ROWS = 10


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(_cell(v) for v in value)
    elif hasattr(value, "e164"):  # a Phone
        value = value.e164 or f"{value.raw} (invalid)"
    elif hasattr(value, "email") and hasattr(value, "raw"):  # an Email
        value = value.email or f"{value.raw} (invalid)"
    elif value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")[:80]


def markdown_table(frame: pd.DataFrame, columns: Iterable[str] | None = None, rows: int = PREVIEW_ROWS) -> str:
    cols = [c for c in (columns or frame.columns) if c in frame.columns]
    if frame.empty or not cols:
        return "_no rows_"
    head = frame[cols].head(rows)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in head.itertuples(index=False)]
    return "\n".join(lines)


def frame_metadata(frame: pd.DataFrame, preview: Iterable[str] | None = None) -> dict[str, object]:
    """``dagster/row_count``, ``dagster/column_schema`` and a markdown preview of ``frame``."""
    schema = dg.TableSchema(columns=[dg.TableColumn(str(c), str(t)) for c, t in frame.dtypes.items()])
    return {"dagster/row_count": len(frame), "dagster/column_schema": schema,
            "preview": dg.MetadataValue.md(markdown_table(frame, preview))}
