"""The matching index in the target database (``match_keys``, ``match_models``): see transforms.matching.index.

Written by the load in its transaction (a full run replaces it, a sync the rows of the records it
matched again); read by a sync to find the stored partners of new and changed records, the value
counts of the whole base and the model. It is derived state: valid only while the run that wrote
it is the target's last successful load — after an undo, or a load that did not write it, the next
run is a full one and writes it anew.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain

from sqlalchemy import Connection, delete, func, insert, select

from connectors.crm_db import schema as s
from connectors.crm_db.bulk import delete_by_keys, indexes_rebuilt, insert_rows, select_by_keys
from connectors.crm_db.engine import reading
from connectors.crm_db.journal import chunks
from vocabulary.pairs import Record

COMMON_VALUE = 200  # a value this many stored records share (a switchboard, «ооо») finds no partners by itself


@dataclass
class IndexUpdate:
    """What a load writes into the index: per entity its records' keys, the model learnt (full runs)."""

    keys: dict[str, Collection[tuple[str, str, str, str]]]  # entity → its rows (``KeyRows``, or parked on disk)
    contact_company: dict[Record, int] = field(default_factory=dict)  # contact record → its company cluster
    models: dict[str, dict] = field(default_factory=dict)  # entity → model (m, u, λ, totals): a full run
    scope: dict[str, set[Record]] | None = None  # entity → records whose rows are replaced; None: everything
    settings: str = ""  # digest of the config, code and decisions the match ran under (pipelines.inputs_digest)


def write_index(
    conn: Connection, run_id: str, update: IndexUpdate, company_ids: Mapping[int, int], linked: Mapping[str, set]
) -> None:
    """Replace the index rows of ``update`` (of linked records only; contacts' company as its CRM id)."""
    t = s.match_keys
    keys = (
        (entity, src, key, rule, value[:255])
        for entity, rows in update.keys.items()
        for src, key, rule, value in rows
        if (src, key) in linked.get(entity, ())
    )
    employers = (
        ("contact", src, key, "company", str(company_ids[c]))
        for (src, key), c in update.contact_company.items()
        if c in company_ids and (src, key) in linked.get("contact", ())
    )
    columns = ("entity", "source", "source_key", "rule", "value")
    if update.scope is None:  # a generator: the rows are made batch by batch as they are written
        with indexes_rebuilt(conn, t):
            conn.execute(delete(t))
            insert_rows(conn, t, columns, chain(keys, employers))
    else:
        _replace_scope(conn, update.scope, columns, [*keys, *employers])
    _write_models(conn, run_id, update)


def _replace_scope(
    conn: Connection, records: dict[str, set[Record]], columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """A sync: of the ``records`` in its scope, only those whose keys differ from the stored ones are written."""
    t = s.match_keys
    scope = [(entity, *record) for entity, keys in sorted(records.items()) for record in keys]
    stored: dict[tuple, Counter] = defaultdict(Counter)
    for *record, rule, value in select_by_keys(conn, t, columns[:3], scope, columns):
        stored[tuple(record)][rule, value] += 1
    wanted: dict[tuple, Counter] = defaultdict(Counter)
    for *record, rule, value in rows:
        wanted[tuple(record)][rule, value] += 1
    stale = {r for r in {*stored, *wanted, *scope} if stored.get(r) != wanted.get(r)}
    delete_by_keys(conn, t, columns[:3], sorted(r for r in stale if r in stored))
    insert_rows(conn, t, columns, [row for row in rows if row[:3] in stale])


def _write_models(conn: Connection, run_id: str, update: IndexUpdate) -> None:
    """The models of a full run replace the stored ones; a sync's keeps them, tagged with its run and settings."""
    m = s.match_models
    stored = {r.entity: r.model for r in conn.execute(select(m.c.entity, m.c.model))}
    conn.execute(delete(m))
    models = {e: json.dumps(model) for e, model in update.models.items()}
    rows = [
        {"entity": e, "model": models.get(e, stored.get(e)), "run_id": run_id, "settings": update.settings}
        for e in ("company", "contact")
    ]
    conn.execute(insert(m), [r for r in rows if r["model"] is not None])


@dataclass
class StoredIndex:
    """The index as the last load left it, when it is still the target's state."""

    url: str
    models: dict[str, dict]  # entity → model

    def find(self, entity: str, keys: Mapping[str, set[str]]) -> set[Record]:
        """Stored records sharing a key with ``keys`` (a value shared by ``COMMON_VALUE`` or more: skipped)."""
        t = s.match_keys
        rare = {
            rule: {v for (_, v), n in self.counts(entity, {rule: values}).items() if n < COMMON_VALUE}
            for rule, values in keys.items()
        }
        found: set[Record] = set()
        with reading(self.url, "match_keys") as conn:
            for rule, values in sorted(rare.items()):
                for chunk in chunks(sorted(values)):
                    query = select(t.c.source, t.c.source_key).where(
                        (t.c.entity == entity) & (t.c.rule == rule) & t.c.value.in_(list(chunk))
                    )
                    found.update((r.source, r.source_key) for r in conn.execute(query))
        return found

    def values(self, entity: str, rule: str, records: Iterable[Record]) -> dict[Record, str]:
        """The stored value of ``rule`` (one per record, e.g. the name key) of ``records``."""
        t = s.match_keys
        out: dict[Record, str] = {}
        with reading(self.url, "match_keys") as conn:
            for source, chunk in _by_source(records):
                query = select(t.c.source_key, t.c.value).where(
                    (t.c.entity == entity) & (t.c.source == source) & t.c.source_key.in_(chunk) & (t.c.rule == rule)
                )
                out.update({(source, r.source_key): r.value for r in conn.execute(query)})
        return out

    def counts(self, entity: str, values: Mapping[str, set[str]]) -> dict[tuple[str, str], int]:
        """(rule, value) → how many stored records have it."""
        t = s.match_keys
        out: dict[tuple[str, str], int] = {}
        with reading(self.url, "match_keys") as conn:
            for rule, vs in sorted(values.items()):
                for chunk in chunks(sorted(vs)):
                    query = (
                        select(t.c.value, func.count())
                        .where((t.c.entity == entity) & (t.c.rule == rule) & t.c.value.in_(list(chunk)))
                        .group_by(t.c.value)
                    )
                    out.update({(rule, v): n for v, n in conn.execute(query)})
        return out

    def clusters(self, entity: str, records: Iterable[Record]) -> dict[Record, int]:
        """Record → the CRM id it is linked to (live links only)."""
        return live_links(self.url, entity, records)

    def members(self, entity: str, crm_ids: Iterable[int]) -> dict[Record, int]:
        """Every live record linked to one of ``crm_ids``."""
        t = s.source_links
        out: dict[Record, int] = {}
        with reading(self.url, "source_links") as conn:
            for chunk in chunks(sorted(set(crm_ids))):
                query = select(t.c.source, t.c.source_key, t.c.crm_id).where(
                    (t.c.entity == entity) & t.c.deleted_at.is_(None) & t.c.crm_id.in_(list(chunk))
                )
                out.update({(r.source, r.source_key): r.crm_id for r in conn.execute(query)})
        return out


def link_fingerprints(url: str, sources: Iterable[str]) -> dict[tuple[str, str, str], tuple[str | None, str, int]]:
    """(entity, source, key) → (record hash, origin, CRM id) of every live link of ``sources``: what the last
    load saw of each record, to tell the records changed since."""
    t = s.source_links
    with reading(url, "source_links") as conn:
        if conn is None:
            return {}
        query = select(t.c.entity, t.c.source, t.c.source_key, t.c.record_hash, t.c.origin, t.c.crm_id).where(
            t.c.deleted_at.is_(None) & t.c.source.in_(sorted(set(sources)))
        )
        return {
            (r.entity, r.source, r.source_key): (r.record_hash, r.origin or "", r.crm_id) for r in conn.execute(query)
        }


def live_links(url: str, entity: str, records: Iterable[Record]) -> dict[Record, int]:
    """Record → the CRM id its live link points at, for ``records`` only (looked up by the link index)."""
    t = s.source_links
    out: dict[Record, int] = {}
    with reading(url, "source_links") as conn:
        if conn is None:
            return out
        for source, chunk in _by_source(records):
            query = select(t.c.source_key, t.c.crm_id).where(
                (t.c.entity == entity) & (t.c.source == source) & t.c.source_key.in_(chunk) & t.c.deleted_at.is_(None)
            )
            out.update({(source, r.source_key): r.crm_id for r in conn.execute(query)})
    return out


def _by_source(records: Iterable[Record]) -> Iterable[tuple[str, list[str]]]:
    """(source, a chunk of its keys): look-ups by the (entity, source, source_key) index."""
    keys: dict[str, set[str]] = defaultdict(set)
    for source, key in records:
        keys[source].add(key)
    for source in sorted(keys):
        for chunk in chunks(sorted(keys[source])):
            yield source, list(chunk)


def stored_index(url: str, last_load_id: str | None, settings: str) -> StoredIndex | None:
    """The index, when the run that wrote it is the target's last successful load (``last_load_id``,
    ``run_log.last_load``) and it was built under the same ``settings``; else None: a full run."""
    with reading(url, "match_models") as conn:
        if conn is None:
            return None
        m = s.match_models.c
        rows = conn.execute(select(m.entity, m.model, m.run_id, m.settings)).all()
    if not rows or last_load_id is None or any(r.run_id != last_load_id or r.settings != settings for r in rows):
        return None
    return StoredIndex(url, {r.entity: json.loads(r.model) for r in rows})
