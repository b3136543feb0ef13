"""The runs a target remembers (``migration_runs``): the last one that loaded, and runs that found nothing to do."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect, reading
from connectors.crm_db.load import utcnow

UNCHANGED = "unchanged"  # migration_runs.status of a run that found every input as the last load left it
_COUNTS = ("created", "updated", "unchanged", "merged", "deleted")


def last_load(url: str) -> dict | None:
    """The newest successful, non-dry run (a row of ``migration_runs`` as a dict); None for a new target."""
    runs = s.migration_runs
    with reading(url, "migration_runs") as conn:
        row = (
            conn.execute(
                select(runs)
                .where(runs.c.status == "success", runs.c.dry_run.is_(False))
                .order_by(runs.c.finished_at.desc(), runs.c.started_at.desc())
                .limit(1)
            ).first()
            if conn is not None
            else None
        )
    return dict(row._mapping) if row is not None else None


def stored_state(url: str, source: str) -> tuple[str, str] | None:
    """(fingerprint, run_id) of ``source``'s ``sync_state`` row; None when there is none."""
    state = s.sync_state
    with reading(url, "sync_state") as conn:
        row = (
            conn.execute(select(state.c.fingerprint, state.c.run_id).where(state.c.source == source)).first()
            if conn is not None
            else None
        )
    return (row.fingerprint, row.run_id) if row is not None else None


def record_unchanged_run(url: str, run_id: str, started_at: datetime, previous: dict) -> dict[str, dict[str, int]]:
    """One ``migration_runs`` row for a run that wrote nothing: the records of ``previous`` all stand unchanged.

    Returns the counts recorded, per entity (``{"companies": {"created": 0, …, "unchanged": n}, …}``).
    """
    counts = {f"{entity}_{k}": 0 for entity in ("companies", "contacts") for k in _COUNTS}
    for entity in ("companies", "contacts"):
        counts[f"{entity}_unchanged"] = sum(previous[f"{entity}_{k}"] or 0 for k in ("created", "updated", "unchanged"))
        counts[f"{entity}_merged"] = previous[f"{entity}_merged"] or 0
    engine = connect(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(s.migration_runs).values(
                    id=run_id,
                    config_name=previous["config_name"],
                    started_at=started_at,
                    finished_at=utcnow(),
                    status=UNCHANGED,
                    dry_run=False,
                    records_read=previous["records_read"],
                    quarantined=previous["quarantined"],
                    review_pairs=previous["review_pairs"],
                    **counts,
                )
            )
    finally:
        engine.dispose()
    return {entity: {k: counts[f"{entity}_{k}"] for k in _COUNTS} for entity in ("companies", "contacts")}
