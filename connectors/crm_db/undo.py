"""Undo one load: put back what a run wrote as it was before the run, from the change journal.

An undo restores exactly one run's writes. Before it changes anything it looks at every row
the run wrote: a row a later run wrote again, or one that is no longer as the run left it
(the journal's after-image: a CRM user edited or deleted it), or a row that hangs on a
record the undo would remove (a phone a CRM user added to a company the run created) is a
change the undo would throw away. Then it refuses, listing those rows, their fields and who
changed them; ``force`` undoes anyway (rows hanging on removed records go with them).
``dry_run`` computes the same and changes nothing. All of it is one transaction; the run is
marked ``undone`` and its journal is deleted. A database error is one scrubbed line.

Replaying the journal newest first, entry by entry, leaves each touched row as its oldest
entry describes it: absent (a run inserted it) or its before-image. The undo applies that
net effect directly, in batches, in an order the foreign keys accept on every server
(MariaDB checks them row by row, not at the end of the statement):

1. delete the inserted rows of tables no foreign key points at (phones, emails, links, ...);
2. insert the deleted rows again, parents first, with self references left empty;
3. give every other touched row its before-image back (and fill those self references);
4. let go of rows that still point at records about to be removed (``force`` only);
5. delete the inserted contacts, then companies, after clearing their self references
   (with indexes on the foreign keys pointing at them for the time of the transaction, where
   the schema has none: otherwise each deleted row costs a scan of the referencing table).

Re-inserted rows get back ids their sequence (PostgreSQL) or AUTO_INCREMENT counter
(MariaDB) handed out before, so those stay ahead and ids are never reused. SQLite hands the
highest ids out again after they are deleted; the journal of the run that used them is
deleted with them, and a later run's entry on one of them would have made the undo refuse.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Row, Table, delete, func, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db import schema as s
from connectors.crm_db.engine import TargetError, connect, has_schema, is_new_sqlite_file, scrub_error
from connectors.crm_db.journal import Journal, Key, chunks, decode, entry_keys, key_in, key_of
from connectors.crm_db.lock import target_lock
from connectors.crm_db.merge import decode_loaded
from connectors.urls import mask_url
from vocabulary.messages import text

CHANGES_SHOWN = 5  # changed rows listed in a refusal; the rest are counted
_IGNORED = {"updated_at", "loaded", "loaded_hash"}  # bookkeeping columns: their change alone is no change of substance
# Rows that live by the record they point at: removed with it (force). Other references are emptied.
_DEPENDENT_TABLES = ("phones", "emails", "contact_companies")


@dataclass
class TableCounts:
    removed: int = 0  # rows the run inserted, deleted again
    restored: int = 0  # rows the run deleted, inserted again
    reverted: int = 0  # rows the run updated, given their old values back


@dataclass(frozen=True)
class LaterChange:
    """A row the run wrote that changed since: by a later run (its id) or by a CRM user (``run`` None)."""

    table: str
    key: Key
    fields: tuple[str, ...]  # empty: the row was deleted (or hangs on a removed record)
    run: str | None = None
    deleted: bool = False

    def describe(self) -> str:
        who = text("live_crm.undo_later_run", run=self.run) if self.run else text("live_crm.undo_crm_user")
        what = (
            text("live_crm.undo_deleted")
            if self.deleted
            else (", ".join(self.fields) or text("live_crm.undo_rewritten"))
        )
        key = self.key[0] if len(self.key) == 1 else "/".join(map(str, self.key))
        return text("live_crm.undo_change", table=self.table, key=key, fields=what, who=who)


@dataclass
class UndoResult:
    runs: list[str]  # the run undone
    tables: dict[str, TableCounts] = field(default_factory=dict)  # only tables the run changed
    changed_since: list[LaterChange] = field(default_factory=list)  # overridden (force) or previewed (dry run)
    dry_run: bool = False


@dataclass
class _Plan:
    remove: list[Key] = field(default_factory=list)
    restore: list[dict] = field(default_factory=list)
    revert: dict[Key, dict] = field(default_factory=dict)


def describe_changes(changes: list[LaterChange]) -> str:
    shown = "; ".join(c.describe() for c in changes[:CHANGES_SHOWN])
    more = len(changes) - CHANGES_SHOWN
    return shown + (f"; {text('live_crm.undo_more', n=more)}" if more > 0 else "")


class UndoRefused(TargetError):
    """Later runs or CRM users changed what the run wrote; ``--force`` overrides."""


def undo_run(url: str, run_id: str, *, force: bool = False, dry_run: bool = False) -> UndoResult:
    """Restore what ``run_id`` wrote as it was before the run, in one transaction (see the module docstring)."""
    where = mask_url(url)
    if is_new_sqlite_file(url):
        raise TargetError(text("target.undo.no_target", target=where))
    with target_lock(url) if not dry_run else _no_lock():
        engine = connect(url)
        try:
            if not has_schema(engine):
                raise TargetError(text("target.undo.no_schema", target=where))
            with engine.connect() as conn, conn.begin() as tx:
                if not inspect(conn).has_table(s.change_journal.name):
                    raise TargetError(text("target.undo.no_journal", target=where))
                result = _undo(conn, run_id, force=force, dry_run=dry_run)
                if dry_run:
                    tx.rollback()
                return result
        except SQLAlchemyError as exc:
            raise TargetError(text("live_crm.database_error", target=where, detail=scrub_error(exc, url))) from None
        finally:
            engine.dispose()


class _no_lock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


def _undo(conn: Connection, run_id: str, *, force: bool, dry_run: bool) -> UndoResult:
    later = _check_run(conn, run_id)
    net, after = _run_changes(conn, run_id)
    plans = {name: _plan(conn, s.metadata.tables[name], rows) for name, rows in net.items()}
    changes = _changed_since(conn, run_id, later, after) + _hanging(conn, plans, later)
    if changes and not force and not dry_run:
        raise UndoRefused(text("live_crm.undo_refused", run=run_id, n=len(changes), changes=describe_changes(changes)))
    counts = _restore(conn, plans, force=force or dry_run)
    conn.execute(update(s.migration_runs).where(s.migration_runs.c.id == run_id).values(status="undone"))
    conn.execute(delete(s.change_journal).where(s.change_journal.c.run_id == run_id))
    return UndoResult([run_id], counts, changes, dry_run)


def _check_run(conn: Connection, run_id: str) -> list[str]:
    """The successful runs after ``run_id`` (oldest first); a one-line TargetError when it cannot be undone.

    Runs are ordered by when they committed (``finished_at``, to the second), ties by their
    first journal entry, which is exact for runs that changed something.
    """
    runs = _runs(conn)
    target = next((r for r in runs if r.id == run_id), None)
    if target is None:
        raise TargetError(text("target.undo.unknown_run", run=run_id, latest=_latest(runs)))
    if target.dry_run:
        raise TargetError(text("target.undo.was_dry_run", run=run_id))
    if target.status == "undone":
        raise TargetError(text("target.undo.already_undone", run=run_id))
    if target.status != "success":
        raise TargetError(text("target.undo.not_successful", run=run_id, status=target.status))
    later = [r for r in runs if r.status == "success" and not r.dry_run and _order(r) > _order(target)]
    return [r.id for r in sorted(later, key=_order)]


def _runs(conn: Connection) -> list[Row]:
    journal, runs = s.change_journal, s.migration_runs
    first = select(journal.c.run_id, func.min(journal.c.id).label("first_entry")).group_by(journal.c.run_id).subquery()
    return list(
        conn.execute(
            select(
                runs.c.id, runs.c.started_at, runs.c.finished_at, runs.c.status, runs.c.dry_run, first.c.first_entry
            ).outerjoin(first, first.c.run_id == runs.c.id)
        )
    )


def _order(run: Row) -> tuple[datetime, float, datetime, str]:
    entry = float("inf") if run.first_entry is None else run.first_entry
    return run.finished_at or run.started_at, entry, run.started_at, run.id


def _latest(runs: list[Row]) -> str:
    if not runs:
        return text("target.undo.no_runs")
    latest = sorted(runs, key=lambda r: (r.started_at, r.id), reverse=True)[:5]
    dry = text("target.undo.dry_run_mark")
    return text(
        "target.undo.latest_runs",
        runs=", ".join(
            f"{r.id} ({r.started_at:%Y-%m-%d %H:%M:%S}, {r.status}{dry if r.dry_run else ''})" for r in latest
        ),
    )


def _run_changes(conn: Connection, run_id: str) -> tuple[dict[str, dict[Key, dict | None]], dict[tuple, tuple]]:
    """What the run changed: table → key → the row before it (None: it did not exist), and
    (table, key) → (op of its last entry, the row as the run left it: None for a delete or an old entry)."""
    journal = s.change_journal
    net: dict[str, dict[Key, dict | None]] = defaultdict(dict)
    after: dict[tuple, tuple] = {}
    entries = conn.execute(
        select(journal.c.table_name, journal.c.row_key, journal.c.op, journal.c.before_row, journal.c.after_row)
        .where(journal.c.run_id == run_id)
        .order_by(journal.c.id)
    )
    for name, row_key, op, before, after_row in entries:
        table = s.metadata.tables[name]
        for key in entry_keys(table, row_key):
            if key not in net[name]:
                net[name][key] = None if before is None else decode(table, before)
            after[(name, key)] = (op, None if after_row is None else decode(table, after_row))
    return net, after


def _changed_since(conn: Connection, run_id: str, later: list[str], after: dict[tuple, tuple]) -> list[LaterChange]:
    """Rows the run wrote that a later run wrote again, or that are not as the run left them."""
    journal = s.change_journal
    by_later: dict[tuple, str] = {}
    if later:
        for name, row_key, run in conn.execute(
            select(journal.c.table_name, journal.c.row_key, journal.c.run_id)
            .where(journal.c.run_id.in_(later))
            .order_by(journal.c.id)
        ):
            table = s.metadata.tables[name]
            for key in entry_keys(table, row_key):
                by_later.setdefault((name, key), run)
    changes = []
    by_table: dict[str, list[Key]] = defaultdict(list)
    for name, key in after:
        by_table[name].append(key)
    for name, keys in by_table.items():
        table = s.metadata.tables[name]
        now = {}
        for chunk in chunks(keys):
            now |= {
                key_of(table, r): dict(r) for r in conn.execute(select(table).where(key_in(table, chunk))).mappings()
            }
        for key in keys:
            op, left = after[(name, key)]
            if (name, key) in by_later:
                changes.append(
                    LaterChange(
                        name,
                        key,
                        _differing(left, now.get(key)),
                        run=by_later[(name, key)],
                        deleted=key not in now and op != "delete",
                    )
                )
            elif op != "delete" and key not in now and (left is not None or op == "insert"):
                changes.append(LaterChange(name, key, (), deleted=True))
            elif op != "delete" and key in now and _differing(left or _as_loaded(name, now[key]), now[key]):
                changes.append(LaterChange(name, key, _differing(left or _as_loaded(name, now[key]), now[key])))
    return changes


def _as_loaded(name: str, row: dict) -> dict | None:
    """A CRM record's fields as crm-migrate last loaded them (an insert is journaled without its after-image)."""
    if name not in ("companies", "contacts"):
        return None
    loaded = decode_loaded(row.get("loaded"))
    return None if loaded is None else {c: v for c, v in loaded.items() if c in row}


def _differing(left: dict | None, now: dict | None) -> tuple[str, ...]:
    if left is None or now is None:
        return ()
    return tuple(c for c in left if c not in _IGNORED and c in now and left[c] != now[c])


def _hanging(conn: Connection, plans: dict[str, _Plan], later: list[str]) -> list[LaterChange]:
    """Rows the run did not write that point at a record the undo would remove."""
    changes = []
    for child, column, parent in _references():
        removed = plans.get(parent.name, _Plan()).remove
        if not removed:
            continue
        own = _own_keys(plans, child.name)
        for chunk in chunks([k[0] for k in removed]):
            for row in conn.execute(select(child).where(child.c[column].in_(chunk))).mappings():
                key = key_of(child, row)
                if key not in own:
                    changes.append(LaterChange(child.name, key, (column,), run=_writer(row, later)))
    links = s.source_links
    for entity, table in (("company", "companies"), ("contact", "contacts")):
        own = _own_keys(plans, links.name)
        for chunk in chunks([k[0] for k in plans.get(table, _Plan()).remove]):
            for row in conn.execute(
                select(links).where((links.c.entity == entity) & links.c.crm_id.in_(chunk))
            ).mappings():
                if (row["id"],) not in own:
                    changes.append(LaterChange(links.name, (row["id"],), ("crm_id",), run=_writer(row, later)))
    return changes


def _writer(row: dict, later: list[str]) -> str | None:
    """The later run that wrote a row, when the row says so (source links carry their run id)."""
    return row.get("run_id") if row.get("run_id") in later else None


def _references() -> list[tuple[Table, str, Table]]:
    """(child table, column, parent table) of every foreign key."""
    return [(t, fk.parent.name, fk.column.table) for t in s.metadata.sorted_tables for fk in t.foreign_keys]


def _plan(conn: Connection, table: Table, rows: dict[Key, dict | None]) -> _Plan:
    present: set[Key] = set()
    for chunk in chunks(list(rows)):
        present |= {tuple(r) for r in conn.execute(select(*table.primary_key.columns).where(key_in(table, chunk)))}
    plan = _Plan()
    for key, before in rows.items():
        if before is None:
            if key in present:
                plan.remove.append(key)
        elif key in present:
            plan.revert[key] = before
        else:
            plan.restore.append(before)
    return plan


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _restore(conn: Connection, plans: dict[str, _Plan], *, force: bool) -> dict[str, TableCounts]:
    """Apply the plans in the foreign-key-safe order of the module docstring."""
    tables = [t for t in s.metadata.sorted_tables if t.name in plans]  # parents first
    referenced = {fk.column.table.name for t in s.metadata.tables.values() for fk in t.foreign_keys}
    counts = {
        t.name: TableCounts(len(plans[t.name].remove), len(plans[t.name].restore), len(plans[t.name].revert))
        for t in tables
    }
    writer = Journal(conn, "", enabled=False)  # the undo itself is not journaled
    for table in reversed(tables):
        if table.name not in referenced:
            _remove(writer, table, plans[table.name].remove)
    _put_back(writer, tables, plans)
    parents = [t for t in reversed(tables) if t.name in referenced and plans[t.name].remove]
    if force:
        _let_go(writer, plans)
    helpers = _lookup_indexes(conn, {t.name for t in parents})
    for table in parents:
        _remove(writer, table, plans[table.name].remove)
    for name in helpers:
        conn.exec_driver_sql(f"DROP INDEX {conn.dialect.identifier_preparer.quote(name)}")
    return counts


def _let_go(writer: Journal, plans: dict[str, _Plan]) -> None:
    """Step 4: rows written since that point at records about to be removed: phones, e-mails, memberships
    and source links go with their record, other references are emptied."""
    for child, column, parent in _references():
        removed = [k[0] for k in plans.get(parent.name, _Plan()).remove]
        own = _own_keys(plans, child.name)
        for chunk in chunks(removed):
            hit = child.c[column].in_(chunk)
            if own:
                hit &= ~key_in(child, list(own))
            if child.name in _DEPENDENT_TABLES:
                writer.delete(child, hit)
            else:
                writer.update(child, hit, {column: None})
    links = s.source_links
    for entity, table in (("company", "companies"), ("contact", "contacts")):
        own = _own_keys(plans, links.name)
        for chunk in chunks([k[0] for k in plans.get(table, _Plan()).remove]):
            hit = (links.c.entity == entity) & links.c.crm_id.in_(chunk)
            writer.delete(links, hit & ~key_in(links, list(own)) if own else hit)


def _own_keys(plans: dict[str, _Plan], name: str) -> set[Key]:
    """Rows of ``name`` whose fate the undo decides anyway (removed, or given their before-image)."""
    plan = plans.get(name, _Plan())
    return set(plan.remove) | set(plan.revert)


def _put_back(writer: Journal, tables: list[Table], plans: dict[str, _Plan]) -> None:
    """Steps 2 and 3: deleted rows come back (parents first), updated rows get their old values."""
    for table in tables:
        plan, self_refs = plans[table.name], _self_references(table)
        writer.insert(table, [row | {c: None for c in self_refs} for row in plan.restore])
        plan.revert |= {
            key_of(table, row): row for row in plan.restore if any(row.get(c) is not None for c in self_refs)
        }
    for table in tables:
        pk = {c.name for c in table.primary_key.columns}
        writer.update_each(
            table, {key: {c: v for c, v in row.items() if c not in pk} for key, row in plans[table.name].revert.items()}
        )


def _lookup_indexes(conn: Connection, parents: set[str]) -> list[str]:
    """Indexes, for this transaction only, on foreign keys into ``parents`` the schema leaves unindexed.

    Deleting a company makes the server look for rows still pointing at it; without an index
    on ``companies.parent_id`` (or ``merged_into_id``, ``contact_companies.company_id``) that
    is a scan of the table per deleted row, hours for a large load. PostgreSQL and SQLite
    create and drop them inside the transaction; MariaDB indexes every foreign key itself, so
    nothing is created there (where DDL would commit the transaction).
    """
    schema, quote = inspect(conn), conn.dialect.identifier_preparer.quote
    made = []
    for table in s.metadata.sorted_tables:
        leading = {ix["column_names"][0] for ix in schema.get_indexes(table.name)} | set(
            schema.get_pk_constraint(table.name)["constrained_columns"][:1]
        )
        for fk in table.foreign_keys:
            if fk.column.table.name in parents and fk.parent.name not in leading:
                made.append(f"tmp_undo_{table.name}_{fk.parent.name}")
                conn.exec_driver_sql(f"CREATE INDEX {quote(made[-1])} ON {quote(table.name)} ({quote(fk.parent.name)})")
    return made


def _remove(writer: Journal, table: Table, keys: list[Key]) -> None:
    """Delete rows by key; rows pointing at each other (a branch and its head office) let go first."""
    self_refs = _self_references(table)
    if self_refs:
        for chunk in chunks(keys):
            writer.update(table, key_in(table, chunk), {c: None for c in self_refs})
    for chunk in chunks(keys):
        writer.delete(table, key_in(table, chunk))
