"""Reviewers' match decisions in the target database: read by every run, written by `review import`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, insert, select, update

from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect, reading, upgrade
from connectors.crm_db.load import utcnow
from vocabulary.pairs import DECISION_COLUMNS, empty_decisions, pair_key


def read_decisions(url: str) -> pd.DataFrame:
    """Every decision (DECISION_COLUMNS); none when the target does not exist or has no schema yet."""
    with reading(url, "match_decisions") as conn:
        rows = (
            conn.execute(select(*(s.match_decisions.c[c] for c in DECISION_COLUMNS))).all() if conn is not None else []
        )
    return (
        pd.DataFrame([tuple(r) for r in rows], columns=list(DECISION_COLUMNS), dtype=object)
        if rows
        else empty_decisions()
    )


@dataclass
class SavedDecisions:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def save_decisions(url: str, decisions: list[dict], reviewer: str | None = None) -> SavedDecisions:
    """Upsert decisions (dicts with DECISION_COLUMNS and an optional ``comment``) in one transaction."""
    engine = connect(url)
    saved = SavedDecisions()
    try:
        upgrade(engine)
        table = s.match_decisions
        with engine.begin() as conn:
            for d in decisions:
                entity, ls, lk, rs, rk = pair_key(
                    d["entity"], (d["left_source"], d["left_key"]), (d["right_source"], d["right_key"])
                )
                where = and_(
                    table.c.entity == entity,
                    table.c.left_source == ls,
                    table.c.left_key == lk,
                    table.c.right_source == rs,
                    table.c.right_key == rk,
                )
                values = {
                    "decision": d["decision"],
                    "decided_at": utcnow(),
                    "reviewer": reviewer,
                    "comment": d.get("comment"),
                }
                old = conn.execute(select(table.c.decision, table.c.comment).where(where)).first()
                if old is None:
                    conn.execute(
                        insert(table).values(
                            entity=entity, left_source=ls, left_key=lk, right_source=rs, right_key=rk, **values
                        )
                    )
                    saved.added += 1
                elif (old.decision, old.comment) != (d["decision"], d.get("comment")):
                    conn.execute(update(table).where(where).values(**values))
                    saved.changed += 1
                else:
                    saved.unchanged += 1
    finally:
        engine.dispose()
    return saved
