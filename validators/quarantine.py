"""Lazy schema validation → valid rows and quarantine rows with readable reasons."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from validators.schemas import CHECK_MESSAGES
from vocabulary.messages import CATALOGUE, field_label, text
from vocabulary.rejects import empty_rejects, reject_record, rejects_frame

_CALL = re.compile(r"^(\w+)\((.*)\)$", re.DOTALL)  # a check with its argument: str_matches('^\d{10}$')


def _short(value: object, limit: int = 60) -> object:
    return value[:limit] + "…" if isinstance(value, str) and len(value) > limit else value


def _readable(check: str) -> str:
    """A check of ``validators.schemas`` or of pandera (``not_nullable``, ``isin(…)``) in the current language."""
    if check in CHECK_MESSAGES:
        key, values = CHECK_MESSAGES[check]
        return text(key, **values)
    call = _CALL.match(check)
    name, argument = (call.group(1), call.group(2)) if call else (check, "")
    key = f"validation.check.{name}"
    return text(key, arg=argument) if key in CATALOGUE else check


def _reason(column: object, check: str, value: object) -> str:
    where = f"{field_label(column)}: " if isinstance(column, str) and column else ""
    shown = (
        ""
        if value is None
        or (isinstance(value, float) and pd.isna(value))
        or check == "not_nullable"
        or not isinstance(column, str)
        else text("validation.value_shown", value=repr(_short(value)))
    )
    return f"{where}{_readable(check)}{shown}"


def split_valid(frame: pd.DataFrame, schema: pa.DataFrameSchema, entity: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily; return (rows that pass, quarantine rows with every reason of a row)."""
    if frame.empty:
        return frame, empty_rejects()
    try:
        schema.validate(frame, lazy=True)
        return frame, empty_rejects()
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    reasons: dict[object, list[str]] = {}
    for case in cases.itertuples(index=False):
        if pd.isna(case.index):
            raise ValueError(f"{entity} schema failed as a whole: {case.check}")  # a bug, not data
        bag = reasons.setdefault(case.index, [])
        row_level = case.schema_context == "DataFrameSchema"  # a rule over the whole record
        reason = _reason(None if row_level else case.column, str(case.check), None if row_level else case.failure_case)
        if reason not in bag:
            bag.append(reason)
    bad = frame.loc[list(reasons)]
    rows = [reject_record(r, entity, reasons[i]) for i, r in zip(bad.index, bad.to_dict("records"))]
    return frame.drop(index=list(reasons)), rejects_frame(rows)
