"""Undo loads: put the CRM tables back as they were before a run, from the change journal.

A run is undone together with every later successful run: their changes rest on the rows
the run wrote, so undoing the run alone would leave a state that never existed. All of it
is one transaction; the runs are marked ``undone`` and their journal is deleted.

Replaying the journal newest first, entry by entry, leaves each touched row as its oldest
entry describes it: absent (a run inserted it) or its before-image. The undo applies that
net effect directly, in batches, in an order the foreign keys accept on every server
(MariaDB checks them row by row, not at the end of the statement):

1. delete the inserted rows of tables no foreign key points at (phones, emails, links, ...);
2. insert the deleted rows again, parents first, with self references left empty;
3. give every other touched row its before-image back (and fill those self references);
4. delete the inserted contacts, then companies, after clearing their self references
   (with indexes on the foreign keys pointing at them for the time of the transaction, where
   the schema has none: otherwise each deleted row costs a scan of the referencing table).

Re-inserted rows get back ids their sequence (PostgreSQL) or AUTO_INCREMENT counter
(MariaDB) handed out before, so those stay ahead and ids are never reused. SQLite hands the
highest ids out again after they are deleted; the journal of the runs that used them is
deleted with them, so no remaining entry can point at a reused id.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Row, Table, delete, func, inspect, select, update

from connectors.crm_db import schema as s
from connectors.crm_db.engine import TargetError, connect, has_schema, is_new_sqlite_file
from connectors.urls import mask_url
from connectors.crm_db.journal import Journal, Key, chunks, decode, key_in, key_of


@dataclass
class TableCounts:
    removed: int = 0  # rows the runs inserted, deleted again
    restored: int = 0  # rows the runs deleted, inserted again
    reverted: int = 0  # rows the runs updated, given their old values back


@dataclass
class UndoResult:
    runs: list[str]  # the runs undone, newest first
    tables: dict[str, TableCounts] = field(default_factory=dict)  # only tables the runs changed


@dataclass
class _Plan:
    remove: list[Key] = field(default_factory=list)
    restore: list[dict] = field(default_factory=list)
    revert: dict[Key, dict] = field(default_factory=dict)


def undo_run(url: str, run_id: str) -> UndoResult:
    """Restore the target as it was before ``run_id`` (undoing every later run too), in one transaction."""
    where = mask_url(url)
    if is_new_sqlite_file(url):
        raise TargetError(f"target {where} does not exist: there is nothing to undo")
    engine = connect(url)
    try:
        if not has_schema(engine):
            raise TargetError(f"target {where} has no crm-migrate schema: there is nothing to undo")
        with engine.begin() as conn:
            if not inspect(conn).has_table(s.change_journal.name):
                raise TargetError(f"target {where} predates the undo journal: its runs cannot be undone")
            runs = _runs_to_undo(conn, run_id)
            result = UndoResult(runs, _restore(conn, _net_changes(conn, runs)))
            conn.execute(update(s.migration_runs).where(s.migration_runs.c.id.in_(runs)).values(status="undone"))
            conn.execute(delete(s.change_journal).where(s.change_journal.c.run_id.in_(runs)))
            return result
    finally:
        engine.dispose()


def _runs_to_undo(conn: Connection, run_id: str) -> list[str]:
    """``run_id`` and the successful runs after it, newest first; a one-line TargetError when it cannot be undone.

    Runs are ordered by when they committed (``finished_at``, to the second), ties by their
    first journal entry, which is exact for runs that changed something.
    """
    runs = _runs(conn)
    target = next((r for r in runs if r.id == run_id), None)
    if target is None:
        raise TargetError(f"run {run_id!r} is not in the target; {_latest(runs)}")
    if target.dry_run:
        raise TargetError(f"run {run_id} was a dry run: it wrote nothing, there is nothing to undo")
    if target.status == "undone":
        raise TargetError(f"run {run_id} is already undone")
    if target.status != "success":
        raise TargetError(f"run {run_id} {target.status}: it wrote nothing, there is nothing to undo")
    later = [r for r in runs if r.status == "success" and not r.dry_run and _order(r) > _order(target)]
    return [r.id for r in sorted([target, *later], key=_order, reverse=True)]


def _runs(conn: Connection) -> list[Row]:
    journal, runs = s.change_journal, s.migration_runs
    first = select(journal.c.run_id, func.min(journal.c.id).label("first_entry")).group_by(journal.c.run_id).subquery()
    return list(conn.execute(
        select(runs.c.id, runs.c.started_at, runs.c.finished_at, runs.c.status, runs.c.dry_run, first.c.first_entry)
        .outerjoin(first, first.c.run_id == runs.c.id)))


def _order(run: Row) -> tuple[datetime, float, datetime, str]:
    entry = float("inf") if run.first_entry is None else run.first_entry
    return run.finished_at or run.started_at, entry, run.started_at, run.id


def _latest(runs: list[Row]) -> str:
    if not runs:
        return "it has no runs"
    latest = sorted(runs, key=lambda r: (r.started_at, r.id), reverse=True)[:5]
    return "the latest runs: " + ", ".join(
        f"{r.id} ({r.started_at:%Y-%m-%d %H:%M:%S}, {r.status}{', dry run' if r.dry_run else ''})" for r in latest)


def _net_changes(conn: Connection, runs: list[str]) -> dict[str, dict[Key, dict | None]]:
    """Table → primary key → the row before the oldest of ``runs`` touched it (None: it did not exist)."""
    journal = s.change_journal
    net: dict[str, dict[Key, dict | None]] = defaultdict(dict)
    entries = conn.execute(select(journal.c.table_name, journal.c.row_key, journal.c.before_row)
                           .where(journal.c.run_id.in_(runs)).order_by(journal.c.id))
    for name, row_key, before in entries:
        table = s.metadata.tables[name]
        key = key_of(table, decode(table, row_key))
        if key not in net[name]:
            net[name][key] = None if before is None else decode(table, before)
    return net


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


def _restore(conn: Connection, net: dict[str, dict[Key, dict | None]]) -> dict[str, TableCounts]:
    """Apply the net changes in the foreign-key-safe order of the module docstring."""
    tables = [t for t in s.metadata.sorted_tables if t.name in net]  # parents first
    referenced = {fk.column.table.name for t in s.metadata.tables.values() for fk in t.foreign_keys}
    plans = {t.name: _plan(conn, t, net[t.name]) for t in tables}
    counts = {t.name: TableCounts(len(plans[t.name].remove), len(plans[t.name].restore), len(plans[t.name].revert))
              for t in tables}
    writer = Journal(conn, "", enabled=False)  # the undo itself is not journaled
    for table in reversed(tables):
        if table.name not in referenced:
            _remove(writer, table, plans[table.name].remove)
    _put_back(writer, tables, plans)
    parents = [t for t in reversed(tables) if t.name in referenced and plans[t.name].remove]
    helpers = _lookup_indexes(conn, {t.name for t in parents})
    for table in parents:
        _remove(writer, table, plans[table.name].remove)
    for name in helpers:
        conn.exec_driver_sql(f"DROP INDEX {conn.dialect.identifier_preparer.quote(name)}")
    return counts


def _put_back(writer: Journal, tables: list[Table], plans: dict[str, _Plan]) -> None:
    """Steps 2 and 3: deleted rows come back (parents first), updated rows get their old values."""
    for table in tables:
        plan, self_refs = plans[table.name], _self_references(table)
        writer.insert(table, [row | {c: None for c in self_refs} for row in plan.restore])
        plan.revert |= {key_of(table, row): row for row in plan.restore
                        if any(row.get(c) is not None for c in self_refs)}
    for table in tables:
        pk = {c.name for c in table.primary_key.columns}
        writer.update_each(table, {key: {c: v for c, v in row.items() if c not in pk}
                                   for key, row in plans[table.name].revert.items()})


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
            schema.get_pk_constraint(table.name)["constrained_columns"][:1])
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
