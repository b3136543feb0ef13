"""Write golden records into the CRM database: one transaction, upsert via source_links.

``source_links`` maps every source record to the CRM record it became. A golden
record whose source records are already linked updates that CRM record (or
leaves it untouched when nothing changed); one whose records link to several
CRM records folds them into the oldest (the others get ``merged_into_id`` and
``deleted_at``); one with no links creates a record. A source record that is
gone from its source marks its link deleted, and a CRM record with no live
link left is soft-deleted. The whole load commits or nothing does; a dry run
does the same work and rolls back.

Every write goes through a :class:`~connectors.crm_db.journal.Journal`, so a committed load
can be undone (``connectors/crm_db/undo.py``). Updates of whole records, links and
parents are collected and written per batch, which keeps the before-images batched too.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Table, insert, select, true
from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db import schema as s
from connectors.crm_db.engine import (
    TargetError,
    connect,
    current_revision,
    has_schema,
    head_revision,
    is_new_sqlite_file,
    upgrade,
)
from connectors.crm_db.journal import Journal, Key, chunks, key_in
from connectors.crm_db.sync_state import VersionChanges, write_versions
from vocabulary.fields import CRM_COMPANY_COLUMNS, CRM_CONTACT_COLUMNS


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # source records folded into another record of the same company/person
    deleted: int = 0


@dataclass
class LoadResult:
    companies: EntityCounts = field(default_factory=EntityCounts)
    contacts: EntityCounts = field(default_factory=EntityCounts)
    quarantined: int = 0
    links_written: int = 0


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    config_name: str
    started_at: datetime
    dry_run: bool
    sources: tuple[str, ...]  # sources read completely in this run: their missing records are deleted
    records_read: int
    review_pairs: int = 0


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _json(value: object) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else None


_OWNER = {"company": ("company_id", "contact_id"), "contact": ("contact_id", "company_id")}
_CHANNEL_FIELDS = {"phones": ("e164", "extension", "kind", "raw"), "emails": ("email",)}


class ReconciliationError(TargetError):
    """Some source record would end up neither linked nor quarantined: the load is rolled back."""


class _Loader:
    """One load inside one open transaction (``conn``)."""

    def __init__(self, conn: Connection, run: RunInfo) -> None:
        self.conn, self.run, self.now = conn, run, utcnow()
        self.journal = Journal(conn, run.run_id, enabled=not run.dry_run)  # a dry run rolls back anyway
        self.result = LoadResult()
        self.pending: dict[str, list[dict]] = {"phones": [], "emails": [], "source_links": []}
        # (channel table, entity) → owners whose phones/emails are replaced at the next flush
        self.replaced: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.link_updates: dict[Key, dict] = {}
        self.links: dict[tuple[str, str, str], dict] = {}
        # Every column but the payload: it is written, never compared, and it is the bulk of the table.
        columns = [c for c in s.source_links.c if c.name != "payload"]
        for row in conn.execute(select(*columns)).mappings():
            self.links[(row["entity"], row["source"], row["source_key"])] = dict(row)

    # -- records -----------------------------------------------------------------
    def upsert(self, entity: str, table: Table, golden: pd.DataFrame, columns: tuple[str, ...],
               counts: EntityCounts, resolve: dict) -> dict[int, int]:
        """Create/update/merge CRM rows for ``golden``; return cluster → CRM id."""
        claimed: set[int] = set()
        plans = []
        for row in golden.to_dict("records"):
            linked = Counter(self.links[(entity, m["source"], m["source_key"])]["crm_id"]
                             for m in row["members"] if (entity, m["source"], m["source_key"]) in self.links)
            plans.append((row, linked))
        existing = self._rows(table, {i for _, linked in plans for i in linked})
        channels = self._channels(entity, set(existing))
        cluster_ids: dict[int, int] = {}
        to_create = []
        updates: dict[Key, dict] = {}
        for row, linked in plans:
            counts.merged += len(row["members"]) - 1  # duplicate source records folded into this one
            # The CRM record most of the cluster's records link to survives; a record already
            # claimed by another cluster (a split after a "different" decision) is not reused.
            candidates = [i for i, _ in sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))
                          if i not in claimed and i in existing and existing[i]["merged_into_id"] is None]
            values = {c: row[c] for c in columns} | resolve_values(row, resolve) | {"extra": _json(row["extra"])}
            if not candidates:
                to_create.append((row, values))
                continue
            crm_id = candidates[0]
            claimed.add(crm_id)
            cluster_ids[row["cluster"]] = crm_id
            changed = {c: v for c, v in values.items() if existing[crm_id][c] != v}
            if existing[crm_id]["deleted_at"] is not None:
                changed["deleted_at"] = None
            for other in candidates[1:]:
                claimed.add(other)
                updates[(other,)] = {"merged_into_id": crm_id, "deleted_at": self.now, "updated_at": self.now}
                self._move_children(entity, other, crm_id)
            channels_changed = self._sync_channels(entity, crm_id, row, channels)
            if changed:
                updates[(crm_id,)] = changed | {"updated_at": self.now}
            if changed or channels_changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
        self.journal.update_each(table, updates)
        for (row, values), crm_id in zip(to_create, self._insert(table, [v for _, v in to_create])):
            cluster_ids[row["cluster"]] = crm_id
            self._sync_channels(entity, crm_id, row, {})
            counts.created += 1
        for row, _ in plans:
            for m in row["members"]:
                self._link(entity, m, cluster_ids[row["cluster"]])
        self.flush()
        return cluster_ids

    def _rows(self, table: Table, ids: set[int]) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for chunk in chunks(sorted(ids)):
            for r in self.conn.execute(select(table).where(table.c.id.in_(chunk))).mappings():
                out[r["id"]] = dict(r)
        return out

    def _insert(self, table: Table, values: list[dict]) -> list[int]:
        if not values:
            return []
        rows = [v | {"created_at": self.now, "updated_at": self.now} for v in values]
        return [key[0] for key in self.journal.insert(table, rows, ordered=True)]

    def _move_children(self, entity: str, old: int, new: int) -> None:
        """Phones, emails, contacts and links of a merged-away record move to the survivor."""
        journal = self.journal
        if entity == "company":
            journal.update(s.contacts, s.contacts.c.company_id == old, {"company_id": new})
            journal.update(s.companies, s.companies.c.parent_id == old, {"parent_id": new})
            journal.delete(s.contact_companies, s.contact_companies.c.company_id == old)
        else:
            journal.delete(s.contact_companies, s.contact_companies.c.contact_id == old)
        owner = _OWNER[entity][0]
        journal.delete(s.phones, s.phones.c[owner] == old)
        journal.delete(s.emails, s.emails.c[owner] == old)
        journal.update(s.source_links, (s.source_links.c.entity == entity) & (s.source_links.c.crm_id == old),
                       {"crm_id": new, "run_id": self.run.run_id})
        for link in self.links.values():
            if link["entity"] == entity and link["crm_id"] == old:
                link["crm_id"] = new

    def _channels(self, entity: str, ids: set[int]) -> dict[tuple[str, int], list[tuple]]:
        """Existing phones and emails of ``ids``: (table, crm_id) → sorted value tuples."""
        owner, other = _OWNER[entity]
        have: dict[tuple[str, int], list[tuple]] = defaultdict(list)
        for table in (s.phones, s.emails):
            fields = [table.c[c] for c in _CHANNEL_FIELDS[table.name]]
            for chunk in chunks(sorted(ids)):
                query = select(table.c[owner], *fields).where(table.c[owner].in_(chunk), table.c[other].is_(None))
                for r in self.conn.execute(query):
                    have[(table.name, r[0])].append(tuple(r[1:]))
        return {k: sorted(v, key=str) for k, v in have.items()}

    def _sync_channels(self, entity: str, crm_id: int, row: dict, have: dict[tuple[str, int], list[tuple]]) -> bool:
        """Make the record's phones and emails exactly the golden ones; True if anything changed."""
        owner, other = _OWNER[entity]
        wanted_by_table = {"phones": [(e, x, k, (r or "")[:200]) for e, x, k, r in row["phones"]],
                           "emails": [(e,) for e in row["emails"]]}
        changed = False
        for table in (s.phones, s.emails):
            wanted = sorted(wanted_by_table[table.name], key=str)
            existing = have.get((table.name, crm_id), [])
            if wanted == existing:
                continue
            if existing:
                self.replaced[(table.name, entity)].add(crm_id)
            self.pending[table.name] += [dict(zip(_CHANNEL_FIELDS[table.name], w)) | {owner: crm_id} for w in wanted]
            changed = True
        return changed

    def flush(self) -> None:
        """Write the queued changes in batches: replaced phones/emails go, link updates, new rows."""
        for (name, entity), owners in self.replaced.items():
            table, (owner, other) = s.metadata.tables[name], _OWNER[entity]
            for chunk in chunks(sorted(owners)):
                self.journal.delete(table, table.c[owner].in_(chunk) & table.c[other].is_(None))
        self.replaced.clear()
        self.journal.update_each(s.source_links, self.link_updates)
        self.link_updates.clear()
        for name, rows in self.pending.items():
            self.journal.insert(s.metadata.tables[name], rows)
            rows.clear()

    # -- links -------------------------------------------------------------------
    def _link(self, entity: str, member: dict, crm_id: int) -> None:
        key = (entity, member["source"], member["source_key"])
        old = self.links.get(key)
        values = {"crm_id": crm_id, "record_hash": member["hash"], "deleted_at": None,
                  "origin": (member["origin"] or "")[:300], "warnings": "\n".join(member["warnings"]) or None}
        if old is None:
            self.pending["source_links"].append(dict(
                entity=entity, source=member["source"], source_key=member["source_key"], run_id=self.run.run_id,
                payload=_json(member["payload"]), **values))
            self.result.links_written += 1
        elif any(old[k] != v for k, v in values.items()):
            self.link_updates[(old["id"],)] = {"run_id": self.run.run_id, "payload": _json(member["payload"]), **values}
            self.result.links_written += 1
        self.links[key] = {**(old or {}), **values, "entity": entity, "seen": True}

    def retire_missing(self, quarantined: set[tuple[str, str, str]]) -> None:
        """Links of records gone from a fully read source die; orphaned CRM records are soft-deleted."""
        gone: dict[Key, dict] = {}
        for key, link in self.links.items():
            if link.get("seen") or key in quarantined or key[1] not in self.run.sources:
                continue
            if link["deleted_at"] is None:
                gone[(link["id"],)] = {"deleted_at": self.now, "run_id": self.run.run_id}
                link["deleted_at"] = self.now
        self.journal.update_each(s.source_links, gone)
        live: dict[str, set[int]] = defaultdict(set)
        for link in self.links.values():
            if link["deleted_at"] is None:
                live[link["entity"]].add(link["crm_id"])
        for entity, table, counts in (("company", s.companies, self.result.companies),
                                      ("contact", s.contacts, self.result.contacts)):
            dead = {link["crm_id"] for link in self.links.values()
                    if link["entity"] == entity and link["crm_id"] not in live[entity]}
            for chunk in chunks(sorted(dead)):
                counts.deleted += self.journal.update(table, table.c.id.in_(chunk) & table.c.deleted_at.is_(None),
                                                      {"deleted_at": self.now, "updated_at": self.now})

    def set_parents(self, golden: pd.DataFrame, ids: dict[int, int]) -> None:
        """Branches point at their head office; only rows whose parent changes are written."""
        want = {ids[c]: (ids.get(p) if p is not None else None)
                for c, p in zip(golden["cluster"], golden["parent_cluster"])}
        have: dict[int, int | None] = {}
        for chunk in chunks(sorted(want)):
            have |= dict(self.conn.execute(select(s.companies.c.id, s.companies.c.parent_id)
                                           .where(s.companies.c.id.in_(chunk))).all())
        self.journal.update_each(s.companies, {(crm_id,): {"parent_id": parent} for crm_id, parent in want.items()
                                               if have.get(crm_id) != parent})

    def set_memberships(self, golden: pd.DataFrame, contact_ids: dict[int, int], company_ids: dict[int, int]) -> None:
        wanted = {(contact_ids[c], company_ids[k]) for c, ks in zip(golden["cluster"], golden["company_clusters"])
                  for k in ks}
        ids = sorted(contact_ids.values())
        have: set[tuple[int, int]] = set()
        for chunk in chunks(ids):
            have |= {(r.contact_id, r.company_id) for r in self.conn.execute(
                select(s.contact_companies).where(s.contact_companies.c.contact_id.in_(chunk)))}
        for chunk in chunks(sorted(have - wanted)):
            self.journal.delete(s.contact_companies, key_in(s.contact_companies, chunk))
        self.journal.insert(s.contact_companies, [{"contact_id": a, "company_id": b} for a, b in sorted(wanted - have)])

    def replace_review(self, review: pd.DataFrame) -> None:
        """The review queue becomes exactly ``review``'s pairs, tagged with this run."""
        self.journal.delete(s.review_pairs, true())
        self.journal.insert(s.review_pairs, [review_row(pair, self.run.run_id) for pair in review.to_dict("records")])

    def replace_merges(self, merges: pd.DataFrame) -> None:
        """``merges`` becomes exactly this run's merges, each with its reasons and weights (unchanged: no write)."""
        rows = [{**review_row(m, self.run.run_id), "weights": _json(m.get("weights") or {})}
                for m in merges.to_dict("records")]
        fields = ("entity", "left_source", "left_key", "right_source", "right_key", "score", "reasons", "weights")
        have = {tuple(r) for r in self.conn.execute(select(*(s.merges.c[f] for f in fields)))}
        if have == {tuple(r[f] for f in fields) for r in rows}:
            return
        self.journal.delete(s.merges, true())
        self.journal.insert(s.merges, rows)

    def upsert_sync_state(self, fingerprints: dict[str, str]) -> None:
        """Record where each source's sync stopped (one row per source, so the table is read whole)."""
        have = set(self.conn.execute(select(s.sync_state.c.source)).scalars())
        values = {source: {"fingerprint": fingerprint, "synced_at": self.now, "run_id": self.run.run_id}
                  for source, fingerprint in fingerprints.items()}
        self.journal.update_each(s.sync_state, {(source,): v for source, v in values.items() if source in have})
        self.journal.insert(s.sync_state, [{"source": source, **v} for source, v in values.items()
                                           if source not in have])

    def record_quarantine(self, quarantine: pd.DataFrame) -> None:
        rows = [{"run_id": self.run.run_id, "source": r["source"], "source_key": str(r["source_key"])[:255],
                 "entity": r["entity"], "origin": (r["origin"] or "")[:300], "reasons": "; ".join(r["reasons"]),
                 "payload": _json(r["payload"])} for r in quarantine.to_dict("records")]
        for chunk in chunks(rows):
            self.conn.execute(insert(s.quarantine), list(chunk))
        self.result.quarantined = len(rows)

    def record_run(self, status: str, error: str | None = None) -> None:
        self.conn.execute(insert(s.migration_runs).values(**run_row(self.run, self.result, status, error)))


def resolve_values(row: dict, resolve: dict) -> dict:
    """Extra CRM columns computed from cluster ids (a contact's ``company_id``)."""
    return {column: (ids.get(row[source]) if row[source] is not None else None)
            for column, (source, ids) in resolve.items()}


def review_row(pair: dict, run_id: str) -> dict:
    """A ``review_pairs`` row from a candidate pair whose ``reasons`` are a list or already one string."""
    reasons = pair["reasons"]
    return {"run_id": run_id, **{c: str(pair[c]) for c in ("entity", "left_source", "left_key", "right_source",
                                                            "right_key")},
            "score": int(pair["score"]), "reasons": reasons if isinstance(reasons, str) else "; ".join(reasons or ())}


def run_row(run: RunInfo, result: LoadResult, status: str, error: str | None) -> dict:
    counts = {f"{entity}_{k}": v for entity in ("companies", "contacts")
              for k, v in asdict(getattr(result, entity)).items()}
    return {"id": run.run_id, "config_name": run.config_name, "started_at": run.started_at,
            "finished_at": utcnow(), "status": status, "dry_run": run.dry_run, "records_read": run.records_read,
            "quarantined": result.quarantined, "review_pairs": run.review_pairs, "error": error, **counts}


def _reconcile(loader: _Loader, expected: set[tuple[str, str, str]], quarantined: set[tuple[str, str, str]]) -> None:
    linked = {k for k, link in loader.links.items() if link.get("seen")}
    missing = sorted(expected - linked - quarantined)
    if missing:
        sample = ", ".join(f"{e} {src}:{key}" for e, src, key in missing[:5])
        raise ReconciliationError(f"{len(missing)} source records would be neither loaded nor quarantined "
                                  f"(e.g. {sample}); nothing was written")


def _load(conn: Connection, run: RunInfo, companies: pd.DataFrame, contacts: pd.DataFrame,
          quarantine: pd.DataFrame, expected: set[tuple[str, str, str]], review: pd.DataFrame | None,
          sync_state: dict[str, str] | None, versions: list[VersionChanges],
          merges: pd.DataFrame | None = None) -> LoadResult:
    loader = _Loader(conn, run)
    company_ids = loader.upsert("company", s.companies, companies, CRM_COMPANY_COLUMNS, loader.result.companies, {})
    loader.set_parents(companies, company_ids)
    contact_ids = loader.upsert("contact", s.contacts, contacts, CRM_CONTACT_COLUMNS, loader.result.contacts,
                                {"company_id": ("company_cluster", company_ids)})
    loader.set_memberships(contacts, contact_ids, company_ids)
    quarantined = {(r["entity"], r["source"], str(r["source_key"])) for r in quarantine.to_dict("records")}
    loader.retire_missing(quarantined)
    _reconcile(loader, expected, quarantined)
    if review is not None:
        loader.replace_review(review)
    if merges is not None:
        loader.replace_merges(merges)
    if sync_state:
        loader.upsert_sync_state(sync_state)
    for changes in versions:
        write_versions(conn, loader.journal, run.run_id, changes)
    loader.journal.flush()
    loader.record_quarantine(quarantine)
    loader.record_run("success")
    return loader.result


def load(url: str, run: RunInfo, companies: pd.DataFrame, contacts: pd.DataFrame, quarantine: pd.DataFrame,
         expected: set[tuple[str, str, str]], review: pd.DataFrame | None = None,
         sync_state: dict[str, str] | None = None, versions: list[VersionChanges] | None = None,
         merges: pd.DataFrame | None = None) -> LoadResult:
    """Load into ``url`` in one transaction; a dry run computes the same result and writes nothing.

    ``expected`` holds (entity, source, source_key) of every record read: each must end up
    linked or quarantined, or the load is rolled back (the reconciliation invariant).
    ``review`` (LINK_COLUMNS), when given, replaces the contents of ``review_pairs``;
    ``sync_state`` (source → fingerprint) records where each source's sync stopped, ``versions``
    the 1C elements it read (``sync_versions``); ``merges`` (LINK_COLUMNS + weights), when given,
    replaces the ``merges`` table (every merge with its explanation).
    Every change is journaled, so the run can be undone (``undo.undo_run``).
    """
    # A dry run never creates anything: a missing SQLite file or schema reads as an empty target.
    engine = connect("sqlite://" if run.dry_run and is_new_sqlite_file(url) else url)
    try:
        if run.dry_run and not has_schema(engine):
            engine.dispose()
            engine = connect("sqlite://")  # a target without our schema behaves like an empty database
        elif run.dry_run:
            with engine.connect() as conn:
                if current_revision(conn) != head_revision():
                    raise TargetError("the target schema is older than this version of crm-migrate; "
                                      "run once without --dry-run to upgrade it")
        if not run.dry_run or not engine.url.database:
            upgrade(engine)
        with engine.connect() as conn:
            tx = conn.begin()
            try:
                result = _load(conn, run, companies, contacts, quarantine, expected, review, sync_state,
                               versions or [], merges)
            except BaseException:
                tx.rollback()
                raise
            if run.dry_run:
                tx.rollback()
            else:
                tx.commit()
            return result
    finally:
        engine.dispose()


def record_failure(url: str, run: RunInfo, error: str) -> None:
    """Log a failed run (the data transaction was rolled back) when the schema exists.

    Best effort: when the target itself is what failed, there is nowhere to log to.
    """
    if run.dry_run:
        return
    engine = connect(url)
    try:
        if has_schema(engine):
            with engine.begin() as conn:
                conn.execute(insert(s.migration_runs).values(**run_row(run, LoadResult(), "failed", error[:2000])))
    except SQLAlchemyError:
        pass
    finally:
        engine.dispose()
