"""Where the last sync of each 1C source stopped, as the target database records it.

``sync_state`` holds one fingerprint per source (what the sensor compares); ``sync_versions``
one row per 1C element: its ``DataVersion``, deletion mark and the element as 1C sent it, so a
sync fetches only new and changed elements and rebuilds the unchanged ones from here. Both are
written by the load, in its transaction: a sync that fails or is killed leaves them as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import reading
from connectors.crm_db.journal import Journal, chunks, key_in
from vocabulary.onec import Version

Stored = dict[str, dict[str, tuple[Version, dict]]]  # catalog → Ref_Key → (version, element)


@dataclass
class VersionChanges:
    """What one sync of one source changes in ``sync_versions``."""

    source: str
    fetched: dict[str, list[dict]] = field(default_factory=dict)  # catalog → elements read in full now
    gone: dict[str, set[str]] = field(default_factory=dict)  # catalog → Ref_Keys no longer in 1C


def read_sync_state(url: str) -> dict[str, tuple[str, datetime]]:
    """source → (fingerprint, synced at) of the last load that read it; empty for a new target."""
    with reading(url, "sync_state") as conn:
        rows = (
            conn.execute(select(s.sync_state.c.source, s.sync_state.c.fingerprint, s.sync_state.c.synced_at)).all()
            if conn is not None
            else []
        )
    return {r.source: (r.fingerprint, r.synced_at) for r in rows}


def read_versions(url: str, source: str) -> Stored:
    """Every element the last sync of ``source`` stored; empty for a new target or a source never synced."""
    stored: Stored = {}
    with reading(url, "sync_versions") as conn:
        if conn is None:
            return stored
        t = s.sync_versions.c
        for r in conn.execute(
            select(t.catalog, t.ref_key, t.data_version, t.deleted, t.element).where(t.source == source)
        ):
            stored.setdefault(r.catalog, {})[r.ref_key] = (
                Version(r.data_version, bool(r.deleted)),
                json.loads(r.element),
            )
    return stored


def read_version_numbers(url: str, source: str) -> dict[str, dict[str, Version]]:
    """catalog → Ref_Key → version of every element stored for ``source``, without the elements (a sync's plan)."""
    stored: dict[str, dict[str, Version]] = {}
    with reading(url, "sync_versions") as conn:
        if conn is None:
            return stored
        t = s.sync_versions.c
        for r in conn.execute(select(t.catalog, t.ref_key, t.data_version, t.deleted).where(t.source == source)):
            stored.setdefault(r.catalog, {})[r.ref_key] = Version(r.data_version, bool(r.deleted))
    return stored


def read_elements(url: str, source: str, keys: dict[str, set[str]]) -> dict[str, list[dict]]:
    """catalog → the stored elements of ``keys`` (those a sync matches again without fetching them)."""
    out: dict[str, list[dict]] = {}
    with reading(url, "sync_versions") as conn:
        if conn is None:
            return out
        t = s.sync_versions.c
        for catalog, wanted in sorted(keys.items()):
            rows = out.setdefault(catalog, [])
            for chunk in chunks(sorted(wanted)):
                query = select(t.element).where((t.source == source) & (t.catalog == catalog) & t.ref_key.in_(chunk))
                rows += [json.loads(r.element) for r in conn.execute(query)]
    return out


def write_versions(conn: Connection, journal: Journal, run_id: str, changes: VersionChanges) -> None:
    """Replace the rows of the fetched and gone elements (journaled, so an undo restores them)."""
    table = s.sync_versions
    keys = [(changes.source, catalog, str(e["Ref_Key"])) for catalog, rows in changes.fetched.items() for e in rows]
    keys += [(changes.source, catalog, key) for catalog, gone in changes.gone.items() for key in sorted(gone)]
    for chunk in chunks(sorted(set(keys))):
        journal.delete(table, key_in(table, chunk))
    journal.insert(
        table,
        [
            {
                "source": changes.source,
                "catalog": catalog,
                "ref_key": str(e["Ref_Key"]),
                "data_version": str(e.get("DataVersion")),
                "deleted": bool(e.get("DeletionMark")),
                "element": json.dumps(e, ensure_ascii=False),
                "run_id": run_id,
            }
            for catalog, rows in changes.fetched.items()
            for e in rows
        ],
    )
