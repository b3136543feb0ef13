"""The undo journal: what a load changed in the CRM tables, so ``undo_run`` can put it back.

Every write of a load goes through one :class:`Journal` inside the load's transaction. For
each row the statement touches it records one ``change_journal`` row (inserted rows are listed
in bulk: a run of consecutive ids or a list of keys per entry, see ``insert_values``): the primary key, the
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
    Table,
    bindparam,
    delete,
    select,
    tuple_,
    update,
)

from connectors.crm_db import schema as s
from connectors.crm_db.bulk import NewIds, insert_rows, runs_of

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
_FLUSH_AT = 5000  # journal rows held in memory before they are written
_KEYS_PER_ENTRY = 1000  # inserted rows with keys of their own (composite, given): keys listed per journal row
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


def entry_keys(table: Table, row_key: str) -> list[Key]:
    """The primary keys of one journal entry: one key (``{"id": 7}``), a run of consecutive ids
    (``{"id": [first, last]}``) or a list of keys (``[[7, 3], [8, 3]]``, in primary key order)."""
    value = json.loads(row_key)
    names = _pk_names(table)
    if isinstance(value, list):
        return [key_of(table, decode_values(table, dict(zip(names, k)))) for k in value]
    if len(value) == 1 and isinstance(first := next(iter(value.values())), list):
        return [(i,) for i in range(first[0], first[1] + 1)]
    return [key_of(table, decode_values(table, value))]


def decode(table: Table, text: str) -> dict[str, Any]:
    """A journaled row or key back in Python types; columns the table no longer has are dropped."""
    return decode_values(table, json.loads(text))


def decode_values(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
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
        self.ids = NewIds(conn)

    def insert(self, table: Table, rows: Sequence[dict]) -> list[Key]:
        """Insert ``rows`` (dicts with the same keys); their primary keys, in the order of ``rows``."""
        if not rows:
            return []
        columns = list(rows[0])
        return self.insert_values(table, columns, [tuple(r[c] for c in columns) for r in rows])

    def insert_values(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple], same: Mapping[str, Any] | None = None
    ) -> list[Key]:
        """Insert ``rows`` (tuples in ``columns`` order, each followed by ``same``'s values: see ``bulk``); their
        primary keys, in the order of ``rows``.

        Rows whose id the table generates are journaled as runs of consecutive ids, one entry per run
        (``{"id": [first, last]}``: a first load journals a handful of entries, not a row per row); others as
        lists of their keys, ``_KEYS_PER_ENTRY`` an entry. An insert needs no after-image: the row as inserted
        is the row as the run left it, unless a later run or a CRM user changed it (see ``undo``).
        """
        if not rows:
            return []
        if NewIds.generated(table, columns):
            ids = self.ids.insert(table, columns, rows, same)
            if self.enabled:
                name = _pk_names(table)[0]
                runs = [f'{{"{name}": [{a}, {b}]}}' for a, b in runs_of(sorted(ids))]
                self._pending.extend(self._entry(table, "insert", run, None, None) for run in runs)
                self._maybe_flush()
            return [(i,) for i in ids]
        insert_rows(self.conn, table, columns, rows, same)
        names = [*columns, *(same or {})]
        positions = [names.index(c) for c in _pk_names(table)]
        constants = tuple((same or {}).values())
        keys = [tuple((*r, *constants)[i] for i in positions) for r in rows]
        if self.enabled:
            self._pending.extend(
                self._entry(table, "insert", json.dumps([list(k) for k in chunk], default=_plain), None, None)
                for chunk in chunks(keys, _KEYS_PER_ENTRY)
            )
            self._maybe_flush()
        return keys

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
        """Write the journal rows still held in memory (before the transaction commits), in bulk."""
        if not self._pending:
            return
        insert_rows(self.conn, s.change_journal, _ENTRY_COLUMNS, self._pending)
        self._pending.clear()

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
            self._pending.append(self._entry(table, op, encode_key(table, key), encode(row), after))
        self._maybe_flush()

    def _entry(self, table: Table, op: str, row_key: str, before: str | None, after: str | None) -> tuple:
        return self.run_id, table.name, op, row_key, before, after

    def _maybe_flush(self) -> None:
        if len(self._pending) >= _FLUSH_AT:
            self.flush()
