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

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Row, Select, Table, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db import schema as s
from connectors.crm_db.bulk import first_load, tune_for_load
from connectors.crm_db.engine import (
    WRITE_LOCKED,
    TargetError,
    connect,
    current_revision,
    has_schema,
    head_revision,
    is_new_sqlite_file,
    scrub_error,
    upgrade,
)
from connectors.crm_db.journal import Journal, Key, chunks, key_in
from connectors.crm_db.lock import target_lock
from connectors.crm_db.match_index import IndexUpdate, write_index
from connectors.crm_db.merge import CHANNELS, decode_loaded, encode_loaded, loaded_digests, merge_channel, merge_fields
from connectors.crm_db.sync_state import VersionChanges, write_versions
from vocabulary.digests import payload_json
from vocabulary.fields import CRM_COMPANY_COLUMNS, CRM_CONTACT_COLUMNS
from vocabulary.frames import lazy_rows
from vocabulary.members import Member
from vocabulary.messages import text


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
    conflicts: int = 0  # fields changed both by a CRM user and in the source (the CRM value was kept)
    crm_kept: int = 0  # fields a CRM user changed that the load left as the user set them
    crm_deleted: int = 0  # records deleted in the CRM (by a user) that the load did not revive
    identity_changed: int = 0  # records keyed by row position now holding another company/person
    incomplete: tuple[str, ...] = ()  # sources read incompletely: nothing of theirs was deleted
    changes: list[dict] | None = None  # the per-record diff (DIFF_COLUMNS), when asked for
    review_pairs: int | None = None  # the whole review queue after the load (a sync replaces only its part)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    config_name: str
    started_at: datetime
    dry_run: bool
    sources: tuple[str, ...]  # sources read in this run: their missing records are deleted
    records_read: int
    review_pairs: int = 0
    positional_sources: tuple[str, ...] = ()  # sources keyed by row position (no `key:`): identity-guarded
    max_delete_share: float = 0.1  # more soft-deletes than this share of a source's live records stop the run
    allow_deletes: bool = False  # --allow-deletes: the share is not checked
    # source → origin prefixes of what was not read (a skipped sheet: "Архив!"; the whole source: ""):
    # records linked from there are not gone, none is retired (reported in the summary)
    unread: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _json(value: Mapping[str, object]) -> str | None:
    """A record's extra fields or a pair's weights as stored: the payload's encoding (None when empty)."""
    return payload_json(value) if value else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


_SCAN_FROM = 20_000  # ids from which reading the whole table beats IN lists
# New records whose CRM rows, after-images, phones and e-mails are built and inserted together, and new
# links queued before they are written: a first load of a million records holds a slice, not all of them.
_WRITTEN_AT_ONCE = 20_000
_OWNER = {"company": ("company_id", "contact_id"), "contact": ("contact_id", "company_id")}
_CHANNEL_FIELDS = {"phones": ("e164", "extension", "kind", "raw"), "emails": ("email",)}
_IDENTITY = {"company": ("name", "inn", "kpp"), "contact": ("full_name",)}  # the name first
# A new source link, as the loader queues it (run_id is the run's, added when written).
_LINK_COLUMNS = ("entity", "source", "source_key", "crm_id", "record_hash", "origin", "warnings", "payload")
_LINK_READ = ("id", "entity", "crm_id", "record_hash", "origin", "warnings", "deleted_at")  # what the load uses
_LINK_COMPARED = ("crm_id", "record_hash", "deleted_at", "origin", "warnings")  # a link whose values differ is written
_FIRST_LOAD = (s.companies, s.contacts, s.contact_companies, s.phones, s.emails, s.source_links)  # what it writes
Linked = Mapping[int, int]  # CRM id → how many of a golden record's source records link to it
_NO_LINKS: Linked = {}  # a row none of whose records is linked yet (shared: never changed)
Identity = Callable[[dict, dict], bool]  # (as loaded before, as the source has it now) → the same company/person


@dataclass(frozen=True)
class Partial:
    """A sync that matched only some records again (transforms.matching.index): the load touches only them."""

    scope: set[tuple[str, str, str]]  # (entity, source, key) of every record matched again or gone
    # of those, the records matched afresh (new, gone, changed in what matching reads): every pair of theirs is
    # replaced; the others' pairs only where both records were matched again
    reopened: set[tuple[str, str, str]]
    company_ids: dict[int, int]  # company cluster label of the records not matched again → its CRM id
    moved: Mapping[tuple[str, str, str], str] = field(default_factory=dict)  # not matched again: new origin
    untouched: Mapping[str, int] = field(default_factory=dict)  # entity → CRM records not looked at: unchanged
    spared: frozenset[str] = frozenset()  # sources whose unread part holds records not looked at: none retired


class ReconciliationError(TargetError):
    """Some source record would end up neither linked nor quarantined: the load is rolled back."""


class BulkDeleteError(TargetError):
    """A run would soft-delete more than ``max_delete_share`` of a source's live records."""


class _Loader:
    """One load inside one open transaction (``conn``)."""

    def __init__(
        self,
        conn: Connection,
        run: RunInfo,
        identity: Identity | None = None,
        diff: bool = False,
        partial: Partial | None = None,
    ) -> None:
        self.conn, self.run, self.now, self.identity = conn, run, utcnow(), identity
        # a sync's records matched again or gone: no other link is looked at
        self.scope = partial.scope if partial is not None else None
        self.reopened = partial.reopened if partial is not None else set()
        self.journal = Journal(conn, run.run_id, enabled=not run.dry_run)  # a dry run rolls back anyway
        self.result = LoadResult(changes=[] if diff else None)
        self.pending: dict[tuple[str, str], list[tuple]] = defaultdict(list)  # (table, owner) → new phones/e-mails
        self.new_links: list[tuple] = []  # _LINK_COLUMNS
        self.removed_channels: dict[str, list[int]] = {"phones": [], "emails": []}  # ids to delete at the flush
        self.link_updates: dict[Key, dict] = {}
        self.conflict_rows: list[dict] = []
        self.links = _read_links(conn, None if partial is None else {*partial.scope, *partial.moved})
        # Records some source still held when the run started: deleted_at on one of them is a CRM user's doing.
        self.read_sources = set(run.sources)  # sources whose missing records retire (but for what was unread)
        # sources whose unread part held a record that would have been retired (a sync's: found by its scope)
        self.spared: set[str] = set(partial.spared) if partial is not None else set()
        self.live_at_start = {
            (link["entity"], link["crm_id"]) for link in self.links.values() if link["deleted_at"] is None
        }

    # -- records -----------------------------------------------------------------
    def upsert(
        self,
        entity: str,
        table: Table,
        golden: pd.DataFrame,
        columns: tuple[str, ...],
        counts: EntityCounts,
        resolve: dict,
    ) -> dict[int, int]:
        """Create/update/merge CRM rows for ``golden``; return cluster → CRM id (records gone from the CRM: none)."""
        rows = lazy_rows(golden)  # most rows of a re-load are looked at for their members and cluster only
        linked_by_row = [self._linked(entity, row) for row in rows]
        # What deciding needs of every linked record (the after-image's digest, not the image); whole rows only
        # of those the three-way merge looks at.
        guarded = self.identity is not None and bool(self.run.positional_sources)
        existing = self._rows(
            table,
            {i for linked in linked_by_row for i in linked},
            ("id", "merged_into_id", "deleted_at", "loaded_hash", *(("loaded", *_IDENTITY[entity]) if guarded else ())),
        )
        digests = loaded_digests(self._image_inputs(golden, columns, resolve))
        plans = [
            (row, self._guard_identity(entity, row, linked, existing), digest)
            for row, linked, digest in zip(rows, linked_by_row, digests)
        ]
        orphans = self._orphans(entity, plans, linked_by_row, existing)
        claimed: set[int] = set()
        cluster_ids: dict[int, int] = {}
        to_create = []
        updates: dict[Key, dict] = {}
        to_merge: list[tuple[dict, dict, dict]] = []
        for row, linked, digest in plans:
            counts.merged += len(row["members"]) - 1  # duplicate source records folded into this one
            # The CRM record most of the cluster's records link to survives; a record already
            # claimed by another cluster (a split after a "different" decision) is not reused.
            candidates = [
                i
                for i in (linked if len(linked) < 2 else sorted(linked, key=lambda i: (-linked[i], i)))
                if i not in claimed and i in existing and existing[i]["merged_into_id"] is None
            ]
            if (
                not candidates
                and linked
                and not any(i in existing for i in linked)
                and any((entity, i) in self.live_at_start for i in linked)
            ):
                self.result.crm_deleted += 1  # the row was removed in the CRM: not made again
                continue
            if not candidates and orphans:
                bucket = orphans.get(self._identity_of(entity, self._values(row, columns, resolve)), [])
                candidates = [bucket.pop(0)] if bucket else []
            if not candidates:
                to_create.append((row, digest))
                continue
            crm_id = candidates[0]
            claimed.add(crm_id)
            cluster_ids[row["cluster"]] = crm_id
            current = existing[crm_id]
            if current["deleted_at"] is not None and (entity, crm_id) in self.live_at_start:
                self.result.crm_deleted += 1  # deleted by a CRM user while a source still had it: stays deleted
                counts.unchanged += 1
                continue
            for other in candidates[1:]:
                claimed.add(other)
                updates[(other,)] = {"merged_into_id": crm_id, "deleted_at": self.now, "updated_at": self.now}
                self._move_children(entity, other, crm_id)
                self._note("merge", entity, other, row, {"merged_into_id": None}, {"merged_into_id": crm_id})
            if current["loaded_hash"] == digest and current["deleted_at"] is None:
                counts.unchanged += 1  # the source is as it was loaded last: nothing to merge, the CRM's edits stay
            else:
                to_merge.append((row, self._values(row, columns, resolve), {"id": crm_id, "digest": digest}))
        whole = self._rows(table, {current["id"] for _, _, current in to_merge})
        channels = self._channels(entity, set(whole))
        for row, values, current in to_merge:
            current |= whole[current["id"]]
            current["image"] = encode_loaded(values, self._wanted(row))
            if current["loaded"] == current["image"] and current["deleted_at"] is None:
                counts.unchanged += 1  # the same after-image (its digest was another or none): nothing to write
                continue
            changed, channels_changed = self._merge(entity, row, values, current, channels)
            if changed or channels_changed:
                updates[(current["id"],)] = changed
                counts.updated += 1
            else:
                counts.unchanged += 1
        self.journal.update_each(table, {k: v for k, v in updates.items() if v})
        cluster_ids.update(self._create(entity, table, to_create, columns, resolve))
        counts.created += len(to_create)
        for row, _, _ in plans:
            crm_id = cluster_ids.get(row["cluster"])
            for m in row["members"]:
                if crm_id is not None:
                    self._link(entity, m, crm_id)
                else:
                    self._keep_link(entity, m)
            if len(self.new_links) >= _WRITTEN_AT_ONCE:
                self.flush()
        self.flush()
        return cluster_ids

    def _linked(self, entity: str, row: Mapping) -> Linked:
        """CRM id → how many of the row's source records link to it."""
        links = self.links
        ids = [links[k]["crm_id"] for m in row["members"] if (k := (entity, m.source, m.source_key)) in links]
        if len(ids) == 1:
            return {ids[0]: 1}  # the usual case, without a Counter's cost
        return Counter(ids) if ids else _NO_LINKS

    def _create(
        self, entity: str, table: Table, to_create: list[tuple[Mapping, int]], columns: tuple[str, ...], resolve: dict
    ) -> dict[int, int]:
        """Insert new records (golden row, digest) and all their phones and e-mails (a new record has no CRM
        edits), ``_WRITTEN_AT_ONCE`` at a time; cluster → the new CRM id."""
        ids: dict[int, int] = {}
        owner = _OWNER[entity][0]
        for start in range(0, len(to_create), _WRITTEN_AT_ONCE):
            part = to_create[start : start + _WRITTEN_AT_ONCE]
            values = [self._values(row, columns, resolve) for row, _ in part]
            wanted = [self._wanted(row) for row, _ in part]
            rows = [(*v.values(), encode_loaded(v, w), digest) for v, w, (_, digest) in zip(values, wanted, part)]
            names = (*values[0], "loaded", "loaded_hash")
            keys = self.journal.insert_values(table, names, rows, {"created_at": self.now, "updated_at": self.now})
            for (row, _), v, w, (crm_id,) in zip(part, values, wanted, keys):
                ids[row["cluster"]] = crm_id
                self._note("create", entity, crm_id, row, {}, v)
                for name in CHANNELS:
                    found = w[name]
                    self.pending[(name, owner)].extend(
                        (*c, crm_id) for c in (sorted(found, key=str) if len(found) > 1 else found)
                    )
            self.flush()  # the slice's phones and e-mails
        return ids

    @staticmethod
    def _values(row: Mapping, columns: tuple[str, ...], resolve: dict) -> dict:
        """The CRM columns of a golden record, and the columns computed from cluster ids (a contact's
        ``company_id``: ``resolve`` maps it to the cluster column and the cluster → CRM id map)."""
        values = {c: row[c] for c in columns}
        for column, (source, ids) in resolve.items():
            values[column] = ids.get(row[source]) if row[source] is not None else None
        values["extra"] = _json(row["extra"])
        return values

    @staticmethod
    def _image_inputs(golden: pd.DataFrame, columns: tuple[str, ...], resolve: dict) -> dict[str, Sequence]:
        """What every record's after-image is made of (``_values`` and ``_wanted``), a column each (no records:
        nothing, whatever columns the frame has)."""
        if golden.empty:
            return {}
        inputs: dict[str, Sequence] = {c: golden[c] for c in columns}
        for column, (source, ids) in resolve.items():
            inputs[column] = [ids.get(c) if c is not None else None for c in golden[source]]
        inputs["extra"] = [_json(e) for e in golden["extra"]]
        inputs["phones"], inputs["emails"] = golden["phones"], golden["emails"]
        return inputs

    @staticmethod
    def _wanted(row: Mapping) -> dict[str, set[tuple]]:
        """The golden record's phones and e-mails as the CRM stores them."""
        return {
            "phones": {(e, x, k, (r or "")[:200]) for e, x, k, r in row["phones"]},
            "emails": {(e,) for e in row["emails"]},
        }

    def _merge(
        self,
        entity: str,
        row: Mapping,
        values: dict,
        current: dict,
        channels: dict[tuple[str, int], list[tuple[int, tuple]]],
    ) -> tuple[dict, bool]:
        """The three-way merge of one linked record: the columns to write, and whether phones/e-mails change.

        ``current`` is the CRM row with ``image``, the after-image this load leaves, and its ``digest``."""
        crm_id, loaded = current["id"], decode_loaded(current["loaded"])
        fields = merge_fields(values, current, loaded)
        wanted = self._wanted(row)
        changed = dict(fields.write)
        if current["deleted_at"] is not None:
            changed["deleted_at"] = None  # a record we retired is back in a source
        image = current["image"]
        channels_changed = self._merge_channels(entity, crm_id, wanted, channels, loaded)
        self.result.crm_kept += len(fields.kept)
        if fields.conflicts:
            self._conflicts(entity, crm_id, row, fields.conflicts)
        if changed or channels_changed:
            self._note("update", entity, crm_id, row, {k: current[k] for k in changed}, changed)
        if changed:
            changed["updated_at"] = self.now
        if image != current["loaded"]:
            changed["loaded"] = image  # the new after-image (alone, it is no visible change)
        if changed:
            changed["loaded_hash"] = current["digest"]
        return changed, channels_changed

    def _conflicts(self, entity: str, crm_id: int, row: Mapping, conflicts: dict[str, tuple[object, object]]) -> None:
        keys = "\n".join(f"{m.source}:{m.source_key}" for m in row["members"])
        self.result.conflicts += len(conflicts)
        for name, (crm_value, source_value) in conflicts.items():
            self.conflict_rows.append(
                {
                    "run_id": self.run.run_id,
                    "entity": entity,
                    "crm_id": crm_id,
                    "field": name,
                    "crm_value": _text(crm_value),
                    "source_value": _text(source_value),
                    "source_keys": keys,
                }
            )
        self._note(
            "conflict",
            entity,
            crm_id,
            row,
            {k: c for k, (c, _) in conflicts.items()},
            {k: v for k, (_, v) in conflicts.items()},
        )

    # -- the identity guard for records keyed by row position ----------------------
    def _identity_of(self, entity: str, values: dict) -> tuple:
        return tuple(str(values.get(f) or "").casefold() for f in _IDENTITY[entity])

    def _guard_identity(self, entity: str, row: Mapping, linked: Linked, existing: dict[int, dict]) -> Linked:
        """Links by row position whose record is now another company/person do not count (a row moved)."""
        if self.identity is None or not self.run.positional_sources:
            return linked
        now = {f: row.get(f) for f in _IDENTITY[entity]}
        kept = Counter(linked)
        for m in row["members"]:
            key = (entity, m.source, m.source_key)
            if m.source not in self.run.positional_sources or key not in self.links:
                continue
            crm_id = self.links[key]["crm_id"]
            record = existing.get(crm_id)
            if record is None:
                continue
            before = decode_loaded(record["loaded"]) or record
            if not self.identity({f: before.get(f) for f in _IDENTITY[entity]}, now):
                kept[crm_id] -= 1
                self.result.identity_changed += 1
        return +kept

    def _orphans(
        self, entity: str, plans: list, linked_by_row: list[Linked], existing: dict[int, dict]
    ) -> dict[tuple, list[int]]:
        """CRM records that lost a row-position link to the guard, by identity: a moved row finds its record again."""
        lost = {i for (_, kept, _), linked in zip(plans, linked_by_row) for i in linked if i not in kept}
        kept_anywhere = {i for _, kept, _ in plans for i in kept}
        orphans: dict[tuple, list[int]] = defaultdict(list)
        for crm_id in sorted(lost - kept_anywhere):
            before = decode_loaded(existing[crm_id]["loaded"]) or existing[crm_id]
            orphans[self._identity_of(entity, before)].append(crm_id)
        return orphans

    def _rows(self, table: Table, ids: set[int], columns: tuple[str, ...] | None = None) -> dict[int, dict]:
        """Rows of ``ids`` by id: the ``columns`` named (``id`` first), or whole."""
        names = list(columns or table.c.keys())
        query = select(*(table.c[n] for n in names))
        return {r[0]: dict(zip(names, r)) for r in self._select_by(query, table.c.id, ids)}

    def _select_by(self, query: Select, column: ColumnElement, ids: set[int]) -> Iterator[Row]:
        """Rows of ``query`` whose ``column`` is in ``ids``: by IN lists of a batch each, or — when the ids
        are many (a re-load touches most of the CRM) — in one pass over the table, filtered here."""
        if len(ids) > _SCAN_FROM:
            return (r for r in self.conn.execute(query.where(column.is_not(None))).all() if r[0] in ids)
        return (r for chunk in chunks(sorted(ids)) for r in self.conn.execute(query.where(column.in_(chunk))))

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
        journal.update(
            s.source_links,
            (s.source_links.c.entity == entity) & (s.source_links.c.crm_id == old),
            {"crm_id": new, "run_id": self.run.run_id},
        )
        for link in self.links.values():
            if link["entity"] == entity and link["crm_id"] == old:
                link["crm_id"] = new

    def _channels(self, entity: str, ids: set[int]) -> dict[tuple[str, int], list[tuple[int, tuple]]]:
        """Existing phones and emails of ``ids``: (table, crm_id) → (row id, value tuple) pairs."""
        owner, other = _OWNER[entity]
        have: dict[tuple[str, int], list[tuple[int, tuple]]] = defaultdict(list)
        for table in (s.phones, s.emails):
            fields = [table.c[c] for c in _CHANNEL_FIELDS[table.name]]
            query = select(table.c[owner], table.c.id, *fields).where(table.c[other].is_(None))
            for r in self._select_by(query, table.c[owner], ids):
                have[(table.name, r[0])].append((r[1], tuple(r[2:])))
        return have

    def _merge_channels(
        self,
        entity: str,
        crm_id: int,
        wanted: dict[str, set[tuple]],
        have: dict[tuple[str, int], list[tuple[int, tuple]]],
        loaded: dict | None,
    ) -> bool:
        """Phones and e-mails three-way (see ``merge``); True if anything changes."""
        owner = _OWNER[entity][0]
        changed = False
        for name in CHANNELS:
            existing = have.get((name, crm_id), [])
            merge = merge_channel(
                wanted[name], {v for _, v in existing}, None if loaded is None else loaded.get(name, set())
            )
            self.removed_channels[name] += [i for i, v in existing if v in merge.remove]
            self.pending[(name, owner)] += [
                (*v, crm_id) for v in (sorted(merge.add, key=str) if len(merge.add) > 1 else merge.add)
            ]
            changed |= bool(merge.remove or merge.add)
        return changed

    def flush(self) -> None:
        """Write the queued changes in batches: dropped phones/emails go, link updates, new rows."""
        for name, ids in self.removed_channels.items():
            table = s.metadata.tables[name]
            for chunk in chunks(sorted(ids)):
                self.journal.delete(table, table.c.id.in_(chunk))
            ids.clear()
        self.journal.update_each(s.source_links, self.link_updates)
        self.link_updates.clear()
        for (name, owner), rows in self.pending.items():
            self.journal.insert_values(s.metadata.tables[name], (*_CHANNEL_FIELDS[name], owner), rows)
            rows.clear()
        self.journal.insert_values(s.source_links, _LINK_COLUMNS, self.new_links, {"run_id": self.run.run_id})
        self.new_links.clear()

    # -- the diff of a dry run ------------------------------------------------------
    def _note(
        self, action: str, entity: str, crm_id: int | None, row: Mapping | None, before: dict, after: dict
    ) -> None:
        if self.result.changes is None:
            return
        name_field = _IDENTITY[entity][0]
        name = (row or {}).get(name_field) or before.get(name_field)
        sources = "\n".join(f"{m.source}:{m.source_key}" for m in row["members"]) if row else ""
        shown = [f for f in after if f not in ("updated_at", "loaded") and (before.get(f) or after.get(f))]
        self.result.changes.append(
            {
                "action": action,
                "entity": entity,
                "crm_id": crm_id,
                "name": name,
                "sources": sources,
                "fields": ", ".join(shown),
                "before": "\n".join(f"{f}: {_text(before.get(f))}" for f in shown if before.get(f) is not None),
                "after": "\n".join(f"{f}: {_text(after.get(f))}" for f in shown if after.get(f) is not None),
            }
        )

    # -- links -------------------------------------------------------------------
    def _link(self, entity: str, member: Member, crm_id: int) -> None:
        key = (entity, member.source, member.source_key)
        old = self.links.get(key)
        origin = (member.origin or "")[:300]
        warnings = "\n".join(member.warnings) or None
        now = (crm_id, member.hash, None, origin, warnings)  # _LINK_COMPARED
        if old is None:
            self.new_links.append((*key, crm_id, member.hash, origin, warnings, member.payload))
            # what the rest of the load reads of a link it made (a record is linked once per load)
            self.links[key] = {"entity": entity, "seen": True, "crm_id": crm_id, "deleted_at": None}
            self.result.links_written += 1
            return
        # _LINK_COMPARED, looked up one by one: a generator's tuple costs a microsecond per link of every load
        if (old["crm_id"], old["record_hash"], old["deleted_at"], old["origin"], old["warnings"]) != now:
            values = dict(zip(_LINK_COMPARED, now))
            self.link_updates[(old["id"],)] = {"run_id": self.run.run_id, "payload": member.payload, **values}
            self.result.links_written += 1
            old.update(values)
        old["seen"] = True

    def _keep_link(self, entity: str, member: Member) -> None:
        """The member's CRM record was removed in the CRM: its link stays as it is (and the record stays gone)."""
        self.links[(entity, member.source, member.source_key)]["seen"] = True

    def check_deletes(self, expected: set[tuple[str, str, str]]) -> None:
        """Before anything is written: no source may lose more than ``max_delete_share`` of its live records."""
        if self.run.allow_deletes:
            return
        gone: Counter = Counter()
        for key, link in self.links.items():
            if link["deleted_at"] is None and key[1] in self.read_sources:
                gone[key[1]] += key not in expected and self._in_scope(key) and not self._unread(key, link)
        live = self._live_per_source() if +gone else Counter()
        for source in sorted(gone):
            if gone[source] and gone[source] > self.run.max_delete_share * live[source]:
                raise BulkDeleteError(
                    text(
                        "live_crm.bulk_delete",
                        source=source,
                        count=gone[source],
                        live=live[source],
                        share=round(100 * gone[source] / live[source]),
                        limit=f"{100 * self.run.max_delete_share:g}",
                    )
                )

    def _live_per_source(self) -> Counter:
        """Live links of each read source: counted in the links read (all of them), or — when only a sync's
        scope was read — by the database."""
        if self.scope is None:
            return Counter(k[1] for k, link in self.links.items() if link["deleted_at"] is None)
        t = s.source_links.c
        query = (
            select(t.source, func.count())
            .where(t.deleted_at.is_(None) & t.source.in_(sorted(self.read_sources)))
            .group_by(t.source)
        )
        return Counter(dict(self.conn.execute(query).all()))

    def retire_missing(self, quarantined: set[tuple[str, str, str]]) -> None:
        """Links of records gone from a fully read source die; orphaned CRM records are soft-deleted."""
        gone: dict[Key, dict] = {}
        for key, link in self.links.items():
            if link.get("seen") or key in quarantined or key[1] not in self.read_sources or not self._in_scope(key):
                continue
            if self._unread(key, link):
                if link["deleted_at"] is None:
                    self.spared.add(key[1])
                continue
            if link["deleted_at"] is None:
                gone[(link["id"],)] = {"deleted_at": self.now, "run_id": self.run.run_id}
                link["deleted_at"] = self.now
        self.journal.update_each(s.source_links, gone)
        self.result.incomplete = tuple(sorted(self.spared))
        live: dict[str, set[int]] = defaultdict(set)
        for link in self.links.values():
            if link["deleted_at"] is None:
                live[link["entity"]].add(link["crm_id"])
        for entity, table, counts in (
            ("company", s.companies, self.result.companies),
            ("contact", s.contacts, self.result.contacts),
        ):
            # Only records that lose their last live link in this run: one retired earlier that a CRM user
            # restored since (deleted_at cleared by hand) is the user's decision, and stays.
            dead = {
                link["crm_id"]
                for link in self.links.values()
                if link["entity"] == entity
                and link["crm_id"] not in live[entity]
                and (entity, link["crm_id"]) in self.live_at_start
            }
            for chunk in chunks(sorted(dead)):
                where = table.c.id.in_(chunk) & table.c.deleted_at.is_(None)
                if self.result.changes is not None:
                    for r in self.conn.execute(select(table).where(where)).mappings():
                        self._note(
                            "delete",
                            entity,
                            r["id"],
                            None,
                            {"deleted_at": None, _IDENTITY[entity][0]: r[_IDENTITY[entity][0]]},
                            {"deleted_at": self.now},
                        )
                counts.deleted += self.journal.update(table, where, {"deleted_at": self.now, "updated_at": self.now})

    def _unread(self, key: tuple[str, str, str], link: dict) -> bool:
        """The record is on a part of its source this run did not read (a hidden sheet): it is not gone."""
        prefixes = self.run.unread.get(key[1])
        return prefixes is not None and (link["origin"] or "").startswith(prefixes)

    def set_parents(self, golden: pd.DataFrame, ids: dict[int, int]) -> None:
        """Branches point at their head office; only rows whose parent changes are written."""
        want = {
            ids[c]: (ids.get(p) if p is not None else None)
            for c, p in zip(golden["cluster"], golden["parent_cluster"])
            if c in ids
        }
        have = dict(self._select_by(select(s.companies.c.id, s.companies.c.parent_id), s.companies.c.id, set(want)))
        self.journal.update_each(
            s.companies,
            {(crm_id,): {"parent_id": parent} for crm_id, parent in want.items() if have.get(crm_id) != parent},
        )

    def set_memberships(self, golden: pd.DataFrame, contact_ids: dict[int, int], company_ids: dict[int, int]) -> None:
        wanted = {
            (contact_ids[c], company_ids[k])
            for c, ks in zip(golden["cluster"], golden["company_clusters"])
            for k in ks
            if c in contact_ids and k in company_ids
        }
        table = s.contact_companies
        have = {
            tuple(r)
            for r in self._select_by(
                select(table.c.contact_id, table.c.company_id), table.c.contact_id, set(contact_ids.values())
            )
        }
        for chunk in chunks(sorted(have - wanted)):
            self.journal.delete(s.contact_companies, key_in(s.contact_companies, chunk))
        self.journal.insert_values(s.contact_companies, ("contact_id", "company_id"), sorted(wanted - have))

    def crm_is_empty(self) -> bool:
        """No company, contact or link yet: a first load."""
        return not self.links and all(
            self.conn.execute(select(t.c.id).limit(1)).first() is None for t in (s.companies, s.contacts)
        )

    def _in_scope(self, key: tuple[str, str, str]) -> bool:
        return self.scope is None or key in self.scope

    def _pair_replaced(self, left: tuple[str, str, str], right: tuple[str, str, str]) -> bool:
        """Whether this load's pairs replace a stored pair of ``left`` and ``right``: a sync matched both again,
        or one of them afresh (a pair of a record matched again with one outside its scope is still valid)."""
        if self.scope is None:
            return True
        return (left in self.scope and right in self.scope) or left in self.reopened or right in self.reopened

    def follow_moves(self, moved: Mapping[tuple[str, str, str], str]) -> None:
        """Links of records not matched again whose place in the source moved take their new origin."""
        updates = {
            (link["id"],): {"origin": origin}
            for key, origin in moved.items()
            if (link := self.links.get(key)) is not None and link["origin"] != origin
        }
        self.journal.update_each(s.source_links, updates)

    def replace_review(self, review: pd.DataFrame) -> None:
        """The review queue becomes exactly ``review``'s pairs (a sync: for its records); new ones are tagged
        with this run."""
        self._replace_pairs(s.review_pairs, [review_row(pair, self.run.run_id) for pair in review.to_dict("records")])
        self.result.review_pairs = (
            len(review)
            if self.scope is None
            else int(self.conn.scalar(select(func.count()).select_from(s.review_pairs)) or 0)
        )

    def replace_merges(self, merges: pd.DataFrame) -> None:
        """``merges`` becomes exactly this run's merges, each with its reasons and weights."""
        self._replace_pairs(
            s.merges,
            [
                {**review_row(m, self.run.run_id), "weights": _json(m.get("weights") or {})}
                for m in merges.to_dict("records")
            ],
        )

    def _replace_pairs(self, table: Table, rows: list[dict]) -> None:
        """The pairs of ``table`` (review_pairs, merges) this load replaces — all, or a sync's (``_pair_replaced``)
        — become exactly ``rows``: a pair already there stays as it is, only the difference is written."""
        fields = [c.name for c in table.c if c.name not in ("id", "run_id")]
        have: dict[tuple, list[int]] = defaultdict(list)
        for pk, *values in self.conn.execute(select(table.c.id, *(table.c[f] for f in fields))):
            entity, left_source, left_key, right_source, right_key = values[:5]
            if self._pair_replaced((entity, left_source, left_key), (entity, right_source, right_key)):
                have[tuple(values)].append(pk)
        want = {tuple(row[f] for f in fields): row for row in rows}
        stale = [pk for values, pks in have.items() for pk in (pks[1:] if values in want else pks)]
        for chunk in chunks(sorted(stale)):
            self.journal.delete(table, table.c.id.in_(chunk))
        self.journal.insert(table, [row for values, row in want.items() if values not in have])

    def upsert_sync_state(self, fingerprints: dict[str, str]) -> None:
        """Record where each source's sync stopped (one row per source, so the table is read whole)."""
        have = set(self.conn.execute(select(s.sync_state.c.source)).scalars())
        values = {
            source: {"fingerprint": fingerprint, "synced_at": self.now, "run_id": self.run.run_id}
            for source, fingerprint in fingerprints.items()
        }
        self.journal.update_each(s.sync_state, {(source,): v for source, v in values.items() if source in have})
        self.journal.insert(
            s.sync_state, [{"source": source, **v} for source, v in values.items() if source not in have]
        )

    def record_quarantine(self, quarantine: pd.DataFrame) -> None:
        rows = [
            {
                "run_id": self.run.run_id,
                "source": r["source"],
                "source_key": str(r["source_key"])[:255],
                "entity": r["entity"],
                "origin": (r["origin"] or "")[:300],
                "reasons": "; ".join(r["reasons"]),
                "payload": r["payload"],
            }
            for r in quarantine.to_dict("records")
        ]
        for chunk in chunks(rows):
            self.conn.execute(insert(s.quarantine), list(chunk))
        self.result.quarantined = len(rows)

    def record_conflicts(self) -> None:
        for chunk in chunks(self.conflict_rows):
            self.conn.execute(insert(s.conflicts), list(chunk))

    def record_run(self, status: str, error: str | None = None) -> None:
        self.conn.execute(insert(s.migration_runs).values(**run_row(self.run, self.result, status, error)))


def _read_links(conn: Connection, keys: set[tuple[str, str, str]] | None) -> dict[tuple[str, str, str], dict]:
    """(entity, source, source_key) → its link, the columns the load uses (``_LINK_READ``; never the payload,
    the bulk of the table): all links, or those of ``keys`` and every other link of their CRM records (what the
    load needs to tell a CRM record with no live link left)."""
    t = s.source_links
    query = select(t.c.source, t.c.source_key, *(t.c[n] for n in _LINK_READ))
    if keys is None:
        rows: list[Row] = conn.execute(query).all()  # fetched at once: a row at a time costs twice as much
    else:
        by_source: dict[tuple[str, str], set[str]] = defaultdict(set)
        for entity, source, key in keys:
            by_source[(entity, source)].add(key)
        rows = [
            r
            for (entity, source), wanted in sorted(by_source.items())
            for chunk in chunks(sorted(wanted))
            for r in conn.execute(
                query.where((t.c.entity == entity) & (t.c.source == source) & t.c.source_key.in_(chunk))
            )
        ]
        crm_ids: dict[str, set[int]] = defaultdict(set)
        for r in rows:
            crm_ids[r.entity].add(r.crm_id)
        rows += [
            r
            for entity, ids in sorted(crm_ids.items())
            for chunk in chunks(sorted(ids))
            for r in conn.execute(query.where((t.c.entity == entity) & t.c.crm_id.in_(chunk)))
        ]
    # a literal dict per link, its values unpacked from the row (in _LINK_READ's order): a third faster than
    # dict(zip(...)) on millions
    return {
        (entity, source, key): {
            "id": pk,
            "entity": entity,
            "crm_id": crm_id,
            "record_hash": record_hash,
            "origin": origin,
            "warnings": warnings,
            "deleted_at": deleted_at,
        }
        for source, key, pk, entity, crm_id, record_hash, origin, warnings, deleted_at in rows
    }


def review_row(pair: dict, run_id: str) -> dict:
    """A ``review_pairs`` row from a candidate pair whose ``reasons`` are a list or already one string."""
    reasons = pair["reasons"]
    return {
        "run_id": run_id,
        **{c: str(pair[c]) for c in ("entity", "left_source", "left_key", "right_source", "right_key")},
        "score": int(pair["score"]),
        "reasons": reasons if isinstance(reasons, str) else "; ".join(reasons or ()),
    }


def run_row(run: RunInfo, result: LoadResult, status: str, error: str | None) -> dict:
    counts = {
        f"{entity}_{k}": v for entity in ("companies", "contacts") for k, v in asdict(getattr(result, entity)).items()
    }
    return {
        "id": run.run_id,
        "config_name": run.config_name,
        "started_at": run.started_at,
        "finished_at": utcnow(),
        "status": status,
        "dry_run": run.dry_run,
        "records_read": run.records_read,
        "quarantined": result.quarantined,
        "review_pairs": run.review_pairs if result.review_pairs is None else result.review_pairs,
        "error": error,
        **counts,
    }


def _reconcile(loader: _Loader, expected: set[tuple[str, str, str]], quarantined: set[tuple[str, str, str]]) -> None:
    linked = {k for k, link in loader.links.items() if link.get("seen")}
    missing = sorted(expected - linked - quarantined)
    if missing:
        sample = ", ".join(f"{e} {src}:{key}" for e, src, key in missing[:5])
        raise ReconciliationError(text("target.unreconciled", count=len(missing), sample=sample))


def _load(
    conn: Connection,
    run: RunInfo,
    companies: pd.DataFrame,
    contacts: pd.DataFrame,
    quarantine: pd.DataFrame,
    expected: set[tuple[str, str, str]],
    review: pd.DataFrame | None,
    sync_state: dict[str, str] | None,
    versions: list[VersionChanges],
    identity: Identity | None,
    diff: bool,
    merges: pd.DataFrame | None,
    index: IndexUpdate | None,
    partial: Partial | None,
) -> LoadResult:
    loader = _Loader(conn, run, identity, diff, partial)
    quarantined = {(r["entity"], r["source"], str(r["source_key"])) for r in quarantine.to_dict("records")}
    loader.check_deletes(expected | quarantined)
    # A first load into an empty CRM takes ids in ranges and has its foreign keys checked once, at the end.
    first = not run.dry_run and loader.crm_is_empty()
    with first_load(conn, loader.journal.ids, _FIRST_LOAD) if first else nullcontext():
        company_ids = loader.upsert("company", s.companies, companies, CRM_COMPANY_COLUMNS, loader.result.companies, {})
        if partial is not None:  # companies the sync did not match again keep their CRM ids
            company_ids = {**partial.company_ids, **company_ids}
        loader.set_parents(companies, company_ids)
        contact_ids = loader.upsert(
            "contact",
            s.contacts,
            contacts,
            CRM_CONTACT_COLUMNS,
            loader.result.contacts,
            {"company_id": ("company_cluster", company_ids)},
        )
        loader.set_memberships(contacts, contact_ids, company_ids)
        loader.retire_missing(quarantined)
    if partial is not None:
        loader.follow_moves(partial.moved)
        loader.result.companies.unchanged += partial.untouched.get("company", 0)
        loader.result.contacts.unchanged += partial.untouched.get("contact", 0)
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
    if index is not None and not run.dry_run:
        linked: dict[str, set] = defaultdict(set)
        for (entity, src, key), link in loader.links.items():
            if link.get("seen") and link.get("deleted_at") is None:
                linked[entity].add((src, key))
        write_index(conn, run.run_id, index, company_ids, linked)
    loader.record_quarantine(quarantine)
    loader.record_conflicts()
    loader.record_run("success")
    return loader.result


def load(
    url: str,
    run: RunInfo,
    companies: pd.DataFrame,
    contacts: pd.DataFrame,
    quarantine: pd.DataFrame,
    expected: set[tuple[str, str, str]],
    review: pd.DataFrame | None = None,
    sync_state: dict[str, str] | None = None,
    versions: list[VersionChanges] | None = None,
    identity: Identity | None = None,
    diff: bool = False,
    merges: pd.DataFrame | None = None,
    index: IndexUpdate | None = None,
    partial: Partial | None = None,
) -> LoadResult:
    """Load into ``url`` in one transaction; a dry run computes the same result and writes nothing.

    ``expected`` holds (entity, source, source_key) of every record read: each must end up
    linked or quarantined, or the load is rolled back (the reconciliation invariant).
    ``review`` (LINK_COLUMNS), when given, replaces the contents of ``review_pairs``;
    ``sync_state`` (source → fingerprint) records where each source's sync stopped, ``versions``
    the 1C elements it read (``sync_versions``); ``merges`` (LINK_COLUMNS + weights), when given,
    replaces the ``merges`` table (every merge with its explanation).
    ``identity`` tells whether a record keyed by row position is still the same company/person
    (``transforms.identity.same_identity``); ``diff`` collects the per-record changes in ``changes``.
    Every change is journaled, so the run can be undone (``undo.undo_run``). A load that writes
    holds the target's lock (``lock.target_lock``) from its first read to its commit.
    ``index`` (the matching index's rows) is written with the load; ``partial`` is a sync that matched
    only some records again: only they are looked at, retired or re-linked.
    """
    args = (
        url, run, companies, contacts, quarantine, expected, review, sync_state, versions, identity, diff, merges,
        index, partial,
    )  # fmt: skip
    if run.dry_run:
        return _load_once(*args)
    with target_lock(url):
        return _load_once(*args)


def _load_once(
    url: str,
    run: RunInfo,
    companies: pd.DataFrame,
    contacts: pd.DataFrame,
    quarantine: pd.DataFrame,
    expected: set[tuple[str, str, str]],
    review: pd.DataFrame | None,
    sync_state: dict[str, str] | None,
    versions: list[VersionChanges] | None,
    identity: Identity | None,
    diff: bool,
    merges: pd.DataFrame | None,
    index: IndexUpdate | None,
    partial: Partial | None,
) -> LoadResult:
    # A dry run never creates anything: a missing SQLite file or schema reads as an empty target.
    engine = connect("sqlite://" if run.dry_run and is_new_sqlite_file(url) else url)
    try:
        if run.dry_run and not has_schema(engine):
            engine.dispose()
            engine = connect("sqlite://")  # a target without our schema behaves like an empty database
        elif run.dry_run:
            with engine.connect() as conn:
                if current_revision(conn) != head_revision():
                    raise TargetError(text("target.schema_older"))
        if not run.dry_run or not engine.url.database:
            upgrade(engine)
        with engine.connect() as conn, paused_gc():
            tx = conn.execution_options(**{WRITE_LOCKED: True}).begin()
            try:
                tune_for_load(conn)
                result = _load(
                    conn,
                    run,
                    companies,
                    contacts,
                    quarantine,
                    expected,
                    review,
                    sync_state,
                    versions or [],
                    identity,
                    diff,
                    merges,
                    index,
                    partial,
                )
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


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a load runs: it allocates millions of objects and frees few, and
    each full collection walks all of them (a fifth of a large load's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def record_failure(url: str, run: RunInfo, error: BaseException | str) -> None:
    """Log a failed run (the data transaction was rolled back) when the schema exists.

    The error is stored as one scrubbed line: no SQL, no parameters (client data), no password.
    Best effort: when the target itself is what failed, there is nowhere to log to.
    """
    error = scrub_error(error, url)
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
