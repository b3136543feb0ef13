"""The ``remote_links`` table: which Bitrix24/amoCRM record each CRM record here became.

Written after every batch a push sends (each write its own committed transaction), so a push
that is killed resumes where it stopped: a record marked as being sent but without its
remote id is looked up in the CRM by its origin id before anything is created again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, and_, delete, insert, inspect, select, update

from connectors.crm_db import schema as s
from connectors.crm_db.load import utcnow
from vocabulary.crm_records import RemoteLink

_TABLE = s.remote_links


def _portal(crm_kind: str, portal: str):
    return and_(_TABLE.c.crm_kind == crm_kind, _TABLE.c.portal == portal)


def read_remote_links(conn: Connection, crm_kind: str, portal: str) -> dict[tuple[str, int], RemoteLink]:
    """(entity, crm id) → its link for this portal; empty when the target has no ``remote_links`` yet."""
    if not inspect(conn).has_table("remote_links"):
        return {}
    rows = conn.execute(select(_TABLE).where(_portal(crm_kind, portal))).all()
    return {
        (r.entity, r.crm_id): RemoteLink(
            r.entity, r.crm_id, r.remote_id, json.loads(r.item_ids) if r.item_ids else None, r.sent_hash
        )
        for r in rows
    }


class RemoteLinkStore:
    """Writes the links of one portal; every call commits on its own (resumable pushes)."""

    def __init__(self, engine: Engine, crm_kind: str, portal: str) -> None:
        self.engine, self.crm_kind, self.portal = engine, crm_kind, portal

    def mark_sending(self, entity: str, crm_ids: Iterable[int]) -> None:
        """Before a create is sent: a link without remote id, so a lost answer is looked up, not re-created."""
        self.save([RemoteLink(entity, i) for i in crm_ids])

    def forget(self, entity: str, crm_ids: Iterable[int]) -> None:
        """Drop links whose create was refused by the CRM (nothing exists there to look up)."""
        ids = list(crm_ids)
        if ids:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(_TABLE).where(
                        _portal(self.crm_kind, self.portal), _TABLE.c.entity == entity, _TABLE.c.crm_id.in_(ids)
                    )
                )

    def save(self, links: Iterable[RemoteLink]) -> None:
        """Insert or replace these links in one transaction."""
        links = list(links)
        if not links:
            return
        now = utcnow()
        with self.engine.begin() as conn:
            where = _portal(self.crm_kind, self.portal)
            existing = {
                (r.entity, r.crm_id)
                for r in conn.execute(
                    select(_TABLE.c.entity, _TABLE.c.crm_id).where(
                        where, _TABLE.c.crm_id.in_({link.crm_id for link in links})
                    )
                )
            }
            for link in links:
                values = {
                    "remote_id": link.remote_id,
                    "sent_hash": link.sent_hash,
                    "pushed_at": now,
                    "item_ids": json.dumps(link.item_ids, ensure_ascii=False, sort_keys=True)
                    if link.item_ids
                    else None,
                }
                if (link.entity, link.crm_id) in existing:
                    conn.execute(
                        update(_TABLE)
                        .where(where, _TABLE.c.entity == link.entity, _TABLE.c.crm_id == link.crm_id)
                        .values(**values)
                    )
                else:
                    conn.execute(
                        insert(_TABLE).values(
                            entity=link.entity, crm_id=link.crm_id, crm_kind=self.crm_kind, portal=self.portal, **values
                        )
                    )
