"""Asset metadata a consultant reads in the Dagster UI: row counts, a typed column schema, a table preview.

Column types come from the pandera models where a column has one (with its rules as
constraints), else from the values themselves — frames hold Python objects, so
``object`` would say nothing. Previews of client rows can be turned off for the whole
run (``privacy: {previews: false}``): then only counts and the schema are recorded.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from vocabulary.messages import text

PREVIEW_ROWS = 10
CELL_TEXT = 80

_TYPE_NAMES = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "list",
    tuple: "list",
    dict: "mapping",
}


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(_cell(v) for v in value)
    elif hasattr(value, "e164"):  # a Phone
        value = value.e164 or f"{value.raw} (invalid)"
    elif hasattr(value, "email") and hasattr(value, "raw"):  # an Email
        value = value.email or f"{value.raw} (invalid)"
    elif value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).replace("\n", " ")[:CELL_TEXT]


def _value_type(series: pd.Series) -> str:
    for value in series.head(1_000):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        if isinstance(value, (list, tuple)) and value:
            return f"list of {_TYPE_NAMES.get(type(value[0]), type(value[0]).__name__)}"
        return _TYPE_NAMES.get(type(value), type(value).__name__)
    return "empty" if series.dtype == object else str(series.dtype)


def _check_names(column: pa.Column) -> str | None:
    names = [c.error or c.name for c in column.checks if c.error or c.name]
    return "; ".join(str(n) for n in names) or None


def column_schema(frame: pd.DataFrame, schema: pa.DataFrameSchema | None = None) -> dg.TableSchema:
    """The columns of ``frame`` with the type of their values and, from ``schema``, whether they may be empty."""
    columns = []
    for name in frame.columns:
        rule = schema.columns.get(name) if schema is not None else None
        constraints = (
            None
            if rule is None
            else dg.TableColumnConstraints(
                nullable=rule.nullable, unique=rule.unique, other=[c for c in [_check_names(rule)] if c]
            )
        )
        columns.append(dg.TableColumn(str(name), _value_type(frame[name]), constraints=constraints))
    return dg.TableSchema(columns=columns)


def preview_table(
    frame: pd.DataFrame, columns: Iterable[str] | None = None, rows: int = PREVIEW_ROWS
) -> dg.TableMetadataValue:
    """The first ``rows`` rows of ``columns`` as a Dagster table (cells as short text)."""
    cols = [c for c in (columns or frame.columns) if c in frame.columns]
    records = [
        dg.TableRecord({c: _cell(v) for c, v in zip(cols, row)})
        for row in frame[cols].head(rows).itertuples(index=False)
    ]
    return dg.MetadataValue.table(
        records=records, schema=dg.TableSchema(columns=[dg.TableColumn(c, "text") for c in cols])
    )


def frame_metadata(
    frame: pd.DataFrame,
    preview: Iterable[str] | None = None,
    *,
    previews: bool = True,
    schema: pa.DataFrameSchema | None = None,
) -> dict[str, object]:
    """``dagster/row_count``, ``dagster/column_schema`` and, unless ``previews`` is off, a preview of ``frame``."""
    metadata: dict[str, object] = {
        "dagster/row_count": len(frame),
        "dagster/column_schema": column_schema(frame, schema),
    }
    if previews:
        metadata["preview"] = preview_table(frame, preview)
    return metadata


def sample(
    frame: pd.DataFrame, columns: Iterable[str] | None = None, rows: int = PREVIEW_ROWS, *, previews: bool = True
) -> dg.TableMetadataValue | str:
    """A sample of offending or noteworthy rows for a check, or a count only when previews are off."""
    return preview_table(frame, columns, rows) if previews else text("dagster.sample_hidden", n=len(frame))
