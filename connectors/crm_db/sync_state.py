"""Where the last sync of each 1C source stopped, as the target database records it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import reading


def read_sync_state(url: str) -> dict[str, tuple[str, datetime]]:
    """source → (fingerprint, synced at) of the last load that read it; empty for a new target."""
    with reading(url, "sync_state") as conn:
        rows = conn.execute(select(s.sync_state.c.source, s.sync_state.c.fingerprint,
                                   s.sync_state.c.synced_at)).all() if conn is not None else []
    return {r.source: (r.fingerprint, r.synced_at) for r in rows}
