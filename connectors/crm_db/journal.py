"""The undo journal: what a load changed in the CRM tables, so ``undo_run`` can put it back.

Every write of a load goes through one :class:`Journal` inside the load's transaction. For
each row the statement touches it records one ``change_journal`` row: the primary key of a
row it inserts, the whole row as it was (the before-image) for a row it updates or deletes.
Before-images come from a SELECT of the rows the statement's WHERE hits, run just before the
statement, one SELECT per batch.

A row may be recorded several times in a run (updated twice, inserted then updated). Only
its oldest entry tells what the row was before the run, and that is the one the undo uses;
later entries are harmless. This is what lets the loader defer and batch its updates.

Values travel as JSON: datetimes as ISO text, turned back into datetimes by the column
type (so they round-trip to the microsecond), booleans as JSON booleans.
"""
from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Table,
    bindparam,
    delete,
    insert,
    select,
    tuple_,
    update,
)

from connectors.crm_db import schema as s

# The CRM tables a load writes and an undo restores; quarantine and migration_runs are history.
JOURNALED: tuple[str, ...] = ("companies", "contacts", "contact_companies", "phones", "emails", "source_links",
                              "review_pairs", "sync_state", "sync_versions")
BATCH = 500  # rows per statement (and ids per IN list)
_FLUSH_AT = 5000  # journal rows held in memory before they are written
_ENTRY_COLUMNS = tuple(c.name for c in s.change_journal.c if c.name != "id")  # a journal row, in table order

Key = tuple  # primary key values, in the table's primary key column order


def chunks(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


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

    def insert(self, table: Table, rows: Sequence[dict], ordered: bool = False) -> list[Key]:
        """Insert ``rows`` in batches; their primary keys (generated ids come back by RETURNING).

        The keys come in the order of ``rows`` only when ``ordered``: SQLite then inserts one
        row per statement, so only a caller that maps keys back to its rows asks for it.
        """
        if not rows:
            return []
        pk = list(table.primary_key.columns)
        generated = any(c.name not in rows[0] for c in pk)
        keys: list[Key] = []
        for chunk in chunks(rows):
            if generated:
                returning = insert(table).returning(*pk, sort_by_parameter_order=ordered)
                result = self.conn.execute(returning, list(chunk))
                keys.extend(tuple(r) for r in result)
            else:
                self.conn.execute(insert(table), list(chunk))
                keys.extend(key_of(table, r) for r in chunk)
        if self.enabled:
            self._pending.extend(self._entry(table, "insert", k, None) for k in keys)
            self._maybe_flush()
        return keys

    def update(self, table: Table, where: ColumnElement[bool], values: dict) -> int:
        """UPDATE the rows ``where`` hits; the number of rows updated."""
        self._capture(table, "update", where)
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
            self._capture(table, "update", key_in(table, chunk))
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
        with self.conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {s.change_journal.name} ({columns}) FROM STDIN") as copy:
            for entry in self._pending:
                copy.write_row(entry)

    def _executemany(self) -> None:
        statement = insert(s.change_journal).inline().compile(  # inline: no RETURNING of the new ids
            dialect=self.conn.dialect, column_keys=list(_ENTRY_COLUMNS))
        # Positional drivers take the entries as they are: SQLAlchemy renders the columns in table order.
        params = self._pending if statement.positional else [dict(zip(_ENTRY_COLUMNS, e)) for e in self._pending]
        for chunk in chunks(params, _FLUSH_AT):
            self.conn.exec_driver_sql(str(statement), list(chunk))

    def _capture(self, table: Table, op: str, where: ColumnElement[bool]) -> None:
        if not self.enabled:
            return
        for row in self.conn.execute(select(table).where(where)).mappings():
            self._pending.append(self._entry(table, op, key_of(table, row), encode(row)))
        self._maybe_flush()

    def _entry(self, table: Table, op: str, key: Key, before: str | None) -> tuple:
        return self.run_id, table.name, op, encode_key(table, key), before

    def _maybe_flush(self) -> None:
        if len(self._pending) >= _FLUSH_AT:
            self.flush()
