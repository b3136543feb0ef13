"""The conflicts a live CRM's loads met: fields a CRM user and the source both changed (the user's value kept)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import reading

CONFLICT_COLUMNS = ("run_id", "entity", "crm_id", "field", "crm_value", "source_value", "source_keys")


def read_conflicts(url: str, run_id: str | None = None) -> pd.DataFrame:
    """The conflicts of ``run_id`` (default: of every run), oldest first; none for a new or older target."""
    with reading(url, s.conflicts.name) as conn:
        if conn is None:
            return pd.DataFrame(columns=list(CONFLICT_COLUMNS), dtype=object)
        query = select(*(s.conflicts.c[c] for c in CONFLICT_COLUMNS)).order_by(s.conflicts.c.id)
        if run_id is not None:
            query = query.where(s.conflicts.c.run_id == run_id)
        rows = [tuple(r) for r in conn.execute(query)]
    return pd.DataFrame(rows, columns=list(CONFLICT_COLUMNS), dtype=object)
