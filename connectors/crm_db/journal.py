"""The undo journal: what a load changed in the CRM tables, so ``undo_run`` can put it back.

Every write of a load goes through one :class:`Journal` inside the load's transaction. For
each row the statement touches it records one ``change_journal`` row: the primary key, the
whole row as it was (the before-image; none for an insert) and, for an update, as the
statement left it (the after-image: the before-image with the new values). Before-images
come from a SELECT of the rows the statement's WHERE hits, run just before the statement,
one SELECT per batch. The after-image is what lets ``undo`` see that someone changed a row
since the run wrote it; an inserted CRM record carries its own (``loaded``), and an inserted
row needs none to be seen gone.

A row may be recorded several times in a run (updated twice, inserted then updated). Only
its oldest entry tells what the row was before the run, and its newest what the run left.
This is what lets the loader defer and batch its updates.

Values travel as JSON: datetimes as ISO text, turned back into datetimes by the column
type (so they round-trip to the microsecond), booleans as JSON booleans.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Integer,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)

from connectors.crm_db import schema as s
from connectors.crm_db.engine import WRITE_LOCKED

# The CRM tables a load writes and an undo restores; quarantine and migration_runs are history.
JOURNALED: tuple[str, ...] = (
    "companies",
    "contacts",
    "contact_companies",
    "phones",
    "emails",
    "source_links",
    "review_pairs",
    "sync_state",
    "sync_versions",
)
BATCH = 500  # rows per statement (and ids per IN list)
_CONSECUTIVE_BATCH = 1000  # rows per multi-row INSERT on MariaDB (well under max_allowed_packet)
_FLUSH_AT = 5000  # journal rows held in memory before they are written
_ENTRY_COLUMNS = tuple(c.name for c in s.change_journal.c if c.name != "id")  # a journal row, in table order

Key = tuple  # primary key values, in the table's primary key column order


def chunks(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@functools.cache
def _pk_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def key_in(table: Table, keys: Sequence[Key]) -> ColumnElement[bool]:
    """WHERE the primary key is one of ``keys`` (a tuple IN for a composite key)."""
    pk = list(table.primary_key.columns)
    if len(pk) == 1:
        return pk[0].in_([k[0] for k in keys])
    return tuple_(*pk).in_([tuple(k) for k in keys])


def key_of(table: Table, row: Mapping[str, Any]) -> Key:
    return tuple(row[name] for name in _pk_names(table))


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar that slipped in from a DataFrame
        return value.item()
    raise TypeError(f"cannot journal a {type(value).__name__}")


def encode(values: Mapping[str, Any]) -> str:
    return json.dumps(dict(values), ensure_ascii=False, default=_plain)


def encode_key(table: Table, key: Key) -> str:
    names = _pk_names(table)
    if len(key) == 1 and type(key[0]) is int:  # the common case, written out: a load journals many of them
        return f'{{"{names[0]}": {key[0]}}}'
    return encode(dict(zip(names, key)))


def decode(table: Table, text: str) -> dict[str, Any]:
    """A journaled row or key back in Python types; columns the table no longer has are dropped."""
    out = {}
    for name, value in json.loads(text).items():
        if name not in table.c:
            continue
        kind = table.c[name].type
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        out[name] = value
    return out


class Journal:
    """Writes to the CRM tables that leave a ``change_journal`` trail; a disabled one only writes."""

    def __init__(self, conn: Connection, run_id: str, enabled: bool = True) -> None:
        self.conn, self.run_id, self.enabled = conn, run_id, enabled
        self._pending: list[tuple] = []  # journal rows (_ENTRY_COLUMNS) not written yet
        self._next_id: dict[str, int] = {}  # SQLite: the next id to hand out, per table
        self._consecutive: bool | None = None  # MariaDB: does a multi-row INSERT get consecutive ids?

    def insert(self, table: Table, rows: Sequence[dict], ordered: bool = False) -> list[Key]:
        """Insert ``rows`` in batches; their primary keys, in the order of ``rows`` when ``ordered``.

        Generated ids come back by RETURNING (PostgreSQL, MariaDB); on SQLite, where RETURNING
        in order would cost a statement per row, they are counted on from the table's highest id:
        the load's transaction holds SQLite's write lock from its start (``BEGIN IMMEDIATE``), so
        no one else can take them. An insert is journaled by its key alone: the row as inserted is
        the row as the run left it, unless a later run or a CRM user changed it (see ``undo``).
        """
        if not rows:
            return []
        pk = list(table.primary_key.columns)
        generated = any(c.name not in rows[0] for c in pk)
        keys: list[Key] = []
        how = self._id_source(table) if generated else "given"
        if how == "consecutive":
            keys = self._insert_consecutive(table, rows)
        elif how == "returning":
            for chunk in chunks(rows):
                returning = insert(table).returning(*pk, sort_by_parameter_order=ordered)
                keys.extend(tuple(r) for r in self.conn.execute(returning, list(chunk)))
        else:
            if how != "given":
                rows = self._with_ids(table, rows, how)
            self._insert_plain(table, rows)
            keys = [key_of(table, r) for r in rows]
        if self.enabled:
            self._pending.extend(self._entry(table, "insert", k, None, None) for k in keys)
            self._maybe_flush()
        return keys

    def _id_source(self, table: Table) -> str:
        """How the new rows of ``table`` get their generated ids, the cheapest way the server allows:

        - ``counted`` (SQLite, inside a write-locked transaction): on from the highest id;
        - ``sequence`` (PostgreSQL): a batch of the table's sequence in one query, then COPY;
        - ``consecutive`` (MariaDB/MySQL with consecutive AUTO_INCREMENT locking): one multi-row
          INSERT per batch, whose rows get the ids from LAST_INSERT_ID() on;
        - ``returning``: INSERT … RETURNING, in batches (anything else).
        """
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            return "returning"
        dialect = self.conn.dialect.name
        if dialect == "sqlite" and self.conn.get_execution_options().get(WRITE_LOCKED):
            return "counted"
        if dialect == "postgresql":
            return "sequence"
        if dialect in ("mysql", "mariadb") and self._consecutive_auto_increment():
            return "consecutive"
        return "returning"

    def _consecutive_auto_increment(self) -> bool:
        if self._consecutive is None:
            mode, step = self.conn.exec_driver_sql(
                "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment"
            ).one()
            self._consecutive = int(mode) in (0, 1) and int(step) == 1
        return self._consecutive

    def _with_ids(self, table: Table, rows: Sequence[dict], how: str) -> list[dict]:
        name = table.primary_key.columns[0].name
        if how == "sequence":
            ids = sorted(
                self.conn.exec_driver_sql(
                    f"SELECT nextval(pg_get_serial_sequence('{table.name}', '{name}')) FROM generate_series(1, %(n)s)",
                    {"n": len(rows)},
                ).scalars()
            )
            return [r | {name: i} for r, i in zip(rows, ids)]
        if table.name not in self._next_id:
            highest = self.conn.execute(select(func.max(table.c[name]))).scalar()
            self._next_id[table.name] = (highest or 0) + 1
        first = self._next_id[table.name]
        self._next_id[table.name] += len(rows)
        return [r | {name: first + i} for i, r in enumerate(rows)]

    def _insert_consecutive(self, table: Table, rows: Sequence[dict]) -> list[Key]:
        """MariaDB: a multi-row INSERT takes consecutive AUTO_INCREMENT ids, the first of them is LAST_INSERT_ID()."""
        columns = list(rows[0])
        quote = self.conn.dialect.identifier_preparer.quote
        head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) VALUES "
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        processors = self._processors(table, columns)
        cursor = self.conn.connection.driver_connection.cursor()
        keys: list[Key] = []
        try:
            for chunk in chunks(rows, _CONSECUTIVE_BATCH):
                params = [p for r in self._processed(chunk, processors) for p in (r[c] for c in columns)]
                cursor.execute(head + ", ".join([one] * len(chunk)), params)
                first = cursor.lastrowid
                keys.extend((first + i,) for i in range(len(chunk)))
        finally:
            cursor.close()
        return keys

    def _processors(self, table: Table, columns: list[str]) -> dict:
        dialect = self.conn.dialect
        return {c: p for c in columns if (p := table.c[c].type.dialect_impl(dialect).bind_processor(dialect))}

    @staticmethod
    def _processed(rows: Sequence[dict], processors: dict) -> Sequence[dict]:
        return [r | {c: p(r[c]) for c, p in processors.items()} for r in rows] if processors else rows

    def _insert_plain(self, table: Table, rows: Sequence[dict]) -> None:
        """INSERT through the driver (COPY on psycopg, executemany elsewhere), without SQLAlchemy's per-row
        parameter handling (several times cheaper); values pass the column types' bind processors if any."""
        columns = list(rows[0])
        processors = self._processors(table, columns)
        if self.conn.dialect.driver == "psycopg":
            quote = self.conn.dialect.identifier_preparer.quote
            copy_sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
            with self.conn.connection.driver_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for r in self._processed(rows, processors):
                    copy.write_row(tuple(r[c] for c in columns))
            return
        statement = insert(table).inline().compile(dialect=self.conn.dialect, column_keys=columns)
        order = statement.positiontup if statement.positional else columns
        for chunk in chunks(rows, _FLUSH_AT):
            chunk = self._processed(chunk, processors)
            params = [tuple(r[c] for c in order) for r in chunk] if statement.positional else list(chunk)
            self.conn.exec_driver_sql(str(statement), params)

    def update(self, table: Table, where: ColumnElement[bool], values: dict) -> int:
        """UPDATE the rows ``where`` hits; the number of rows updated."""
        self._capture(table, "update", where, lambda _key: values)
        return self.conn.execute(update(table).where(where).values(**values)).rowcount

    def delete(self, table: Table, where: ColumnElement[bool]) -> int:
        """DELETE the rows ``where`` hits; the number of rows deleted."""
        self._capture(table, "delete", where)
        return self.conn.execute(delete(table).where(where)).rowcount

    def update_each(self, table: Table, changes: Mapping[Key, dict]) -> None:
        """Give each row (by primary key) its own new values: one SELECT per batch of keys for the
        before-images, one executemany per set of changed columns."""
        keys = list(changes)
        for chunk in chunks(keys):
            self._capture(table, "update", key_in(table, chunk), changes.__getitem__)
        pk = list(table.primary_key.columns)
        by_columns: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for key, values in changes.items():
            params = {f"pk_{c.name}": v for c, v in zip(pk, key)} | values
            by_columns[tuple(sorted(values))].append(params)
        statement = update(table).where(*(c == bindparam(f"pk_{c.name}") for c in pk))
        for params in by_columns.values():
            for chunk in chunks(params):
                self.conn.execute(statement, list(chunk))

    def flush(self) -> None:
        """Write the journal rows still held in memory (before the transaction commits).

        A first load journals a row for every row it inserts, so this is its hot path. PostgreSQL
        (psycopg) gets them by COPY, the others by the driver's executemany directly, without
        SQLAlchemy's per-row parameter processing, which the plain text values do not need: each
        several times cheaper than an executemany through SQLAlchemy.
        """
        if not self._pending:
            return
        if self.conn.dialect.driver == "psycopg":
            self._copy()
        else:
            self._executemany()
        self._pending.clear()

    def _copy(self) -> None:
        columns = ", ".join(_ENTRY_COLUMNS)
        with (
            self.conn.connection.driver_connection.cursor() as cursor,
            cursor.copy(f"COPY {s.change_journal.name} ({columns}) FROM STDIN") as copy,
        ):
            for entry in self._pending:
                copy.write_row(entry)

    def _executemany(self) -> None:
        statement = (
            insert(s.change_journal)
            .inline()
            .compile(  # inline: no RETURNING of the new ids
                dialect=self.conn.dialect, column_keys=list(_ENTRY_COLUMNS)
            )
        )
        # Positional drivers take the entries as they are: SQLAlchemy renders the columns in table order.
        params = self._pending if statement.positional else [dict(zip(_ENTRY_COLUMNS, e)) for e in self._pending]
        for chunk in chunks(params, _FLUSH_AT):
            self.conn.exec_driver_sql(str(statement), list(chunk))

    def _capture(
        self,
        table: Table,
        op: str,
        where: ColumnElement[bool],
        new_values: Callable[[Key], Mapping[str, Any]] | None = None,
    ) -> None:
        """Journal the rows ``where`` hits before the statement; ``new_values`` (by key) make the after-image."""
        if not self.enabled:
            return
        for row in self.conn.execute(select(table).where(where)).mappings():
            key = key_of(table, row)
            after = None if new_values is None else encode(dict(row) | dict(new_values(key)))
            self._pending.append(self._entry(table, op, key, encode(row), after))
        self._maybe_flush()

    def _entry(self, table: Table, op: str, key: Key, before: str | None, after: str | None) -> tuple:
        return self.run_id, table.name, op, encode_key(table, key), before, after

    def _maybe_flush(self) -> None:
        if len(self._pending) >= _FLUSH_AT:
            self.flush()
