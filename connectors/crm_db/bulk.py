"""Many rows into one table, inside the caller's transaction, the cheapest way each server takes them.

- PostgreSQL (psycopg): ``COPY … FROM STDIN``;
- MariaDB/MySQL: multi-row ``INSERT … VALUES (…), (…)``, ``_ROWS_PER_STATEMENT`` rows each;
- SQLite and anything else: the driver's ``executemany``.

Rows are tuples in the order of ``columns``: no dict per row, no SQLAlchemy parameter handling
per row. Values pass the column types' bind processors (SQLite stores datetimes as text), each
distinct value once. ``same`` holds values every row shares (``created_at`` of a load): they are
processed once and appended to each row.

New rows of a table with an integer key get their ids from :class:`NewIds`: counted on from the
highest id (SQLite, whose write lock the load holds from its start), a batch of the sequence
(PostgreSQL), or consecutive AUTO_INCREMENT ids of one multi-row INSERT (MariaDB, read back
from ``LAST_INSERT_ID()``). The ids come back as runs of consecutive values, which is how the
journal records them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table, func, insert, select

from connectors.crm_db.engine import WRITE_LOCKED

_ROWS_PER_STATEMENT = 1000  # MariaDB multi-row INSERT: rows per statement, at most,
_STATEMENT_CHARS = 2_000_000  # and characters (≤ 8 MB of UTF-8: under max_allowed_packet, 16 MB by default)
_ROWS_PER_CALL = 5000  # SQLite executemany: rows per call
_RETURNING_BATCH = 500

_PG_REBUILD_MEMORY = "256MB"
_SQLITE_CACHE_KIB = 256 * 1024  # page cache of the load's connection: the indexes of a large load stay in memory

Processor = Callable[[Any], Any]


def tune_for_load(conn: Connection) -> None:
    """Connection-level settings for a load that writes many rows (its connection is closed after it).

    SQLite's default page cache (2 MB) spills the indexes of a large load to the file over and over.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")


def _processors(conn: Connection, table: Table, columns: Sequence[str]) -> dict[int, Processor]:
    dialect = conn.dialect
    out = {}
    for i, name in enumerate(columns):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            out[i] = processor
    return out


def _memo(processor: Processor) -> Processor:
    """``processor`` computed once per distinct value (the values of a column repeat: timestamps, None)."""
    seen: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = result = processor(value)
            return result
        except TypeError:  # unhashable: computed each time
            return processor(value)

    return process


def prepared(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple], same: Mapping[str, Any] | None
) -> tuple[list[str], Iterable[tuple], tuple]:
    """The column names (``columns`` and ``same``'s), the rows with the bind processors applied, and ``same``'s
    values, processed, to follow each row."""
    names = [*columns, *(same or {})]
    processors = {i: _memo(p) for i, p in _processors(conn, table, names).items()}
    constants = tuple(processors[len(columns) + i](v) if len(columns) + i in processors else v
                      for i, v in enumerate((same or {}).values()))  # fmt: skip
    row_processors = [(i, p) for i, p in processors.items() if i < len(columns)]
    if not row_processors:
        return names, rows, constants

    def fix(row: tuple) -> tuple:
        values = list(row)
        for i, p in row_processors:
            values[i] = p(values[i])
        return tuple(values)

    return names, map(fix, rows), constants


def _followed(rows: Iterable[tuple], constants: tuple) -> Iterable[tuple]:
    return (row + constants for row in rows) if constants else rows


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[tuple],
    same: Mapping[str, Any] | None = None,
) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order, each followed by ``same``'s values) into ``table``."""
    names, values, constants = prepared(conn, table, columns, rows, same)
    if conn.dialect.name in ("mysql", "mariadb"):
        cursor = conn.connection.driver_connection.cursor()
        try:
            for statement, _ in _multi_row(cursor, _target(conn, table, names), values, constants):
                cursor.execute(statement)
        finally:
            cursor.close()
        return
    target = _target(conn, table, names)
    if conn.dialect.driver == "psycopg":
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in _followed(values, constants):
                copy.write_row(row)
        return
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {target} VALUES ({', '.join([marker] * len(names))})"
    for batch in _batches(_followed(values, constants), _ROWS_PER_CALL):
        conn.exec_driver_sql(sql, batch)


def _target(conn: Connection, table: Table, names: Sequence[str]) -> str:
    quote = conn.dialect.identifier_preparer.quote
    return f"{quote(table.name)} ({', '.join(quote(c) for c in names)})"


def _multi_row(cursor: Any, target: str, rows: Iterable[tuple], constants: tuple) -> Iterator[tuple[str, int]]:
    """MariaDB/MySQL (pymysql): multi-row INSERT statements of ``rows`` and how many rows each holds, at most
    ``_ROWS_PER_STATEMENT`` rows and ``_STATEMENT_CHARS`` characters (under ``max_allowed_packet``: a row
    may be long). Values are rendered by the driver; ``constants`` once, as literals in the row template."""
    literals = [cursor.mogrify("%s", (v,)).replace("%", "%%") for v in constants]
    head = f"INSERT INTO {target} VALUES "
    parts: list[str] = []
    size = 0
    template = ""
    for row in rows:
        if not template:
            template = "(" + ", ".join(["%s"] * len(row) + literals) + ")"
        part = cursor.mogrify(template, row)
        if parts and (size + len(part) > _STATEMENT_CHARS or len(parts) == _ROWS_PER_STATEMENT):
            yield head + ", ".join(parts), len(parts)
            parts, size = [], 0
        parts.append(part)
        size += len(part) + 2
    if parts:
        yield head + ", ".join(parts), len(parts)


def _batches(rows: Iterable[tuple], size: int) -> Iterable[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def runs_of(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ``ids`` as (first, last) runs of consecutive values."""
    if not ids:
        return []
    if ids[-1] - ids[0] == len(ids) - 1:  # the usual case: one run
        return [(ids[0], ids[-1])]
    out = []
    first = previous = ids[0]
    for i in ids[1:]:
        if i != previous + 1:
            out.append((first, previous))
            first = i
        previous = i
    out.append((first, previous))
    return out


class NewIds:
    """Inserts rows whose integer id the table generates, and tells their ids (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._next: dict[str, int] = {}  # SQLite: the next id to hand out, per table
        self._consecutive: bool | None = None  # MariaDB: does a multi-row INSERT get consecutive ids?
        self.ranged: set[str] = set()  # PostgreSQL: tables no one else inserts into now (``first_load``)

    @staticmethod
    def generated(table: Table, columns: Sequence[str]) -> bool:
        """True when ``table`` has one integer key that ``columns`` leave to the database."""
        pk = list(table.primary_key.columns)
        return len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].name not in columns

    def insert(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple], same: Mapping[str, Any] | None = None
    ) -> list[int]:
        """Insert ``rows`` (as :func:`insert_rows`) with new ids; their ids, in the order of ``rows``."""
        if not rows:
            return []
        how = self._how()
        if how == "consecutive":
            return self._insert_consecutive(table, columns, rows, same)
        if how == "returning":
            return self._insert_returning(table, columns, rows, same)
        ids = self._reserve(table, len(rows))
        key = table.primary_key.columns[0].name
        insert_rows(self.conn, table, (key, *columns), ((i, *r) for i, r in zip(ids, rows)), same)
        return ids

    def _how(self) -> str:
        dialect = self.conn.dialect.name
        if dialect == "sqlite" and self.conn.get_execution_options().get(WRITE_LOCKED):
            return "counted"
        if dialect == "postgresql":
            return "sequence"
        if dialect in ("mysql", "mariadb") and self._consecutive_auto_increment():
            return "consecutive"
        return "returning"

    def _reserve(self, table: Table, n: int) -> list[int]:
        key = table.primary_key.columns[0].name
        if self.conn.dialect.name == "postgresql" and table.name in self.ranged:
            last = self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key}'),"
                f" nextval(pg_get_serial_sequence('{table.name}', '{key}')) + %(n)s - 1)",
                {"n": n},
            ).scalar_one()
            return list(range(last - n + 1, last + 1))
        if self.conn.dialect.name == "postgresql":  # one nextval per id: safe beside other writers
            return sorted(
                self.conn.exec_driver_sql(
                    f"SELECT nextval(pg_get_serial_sequence('{table.name}', '{key}')) FROM generate_series(1, %(n)s)",
                    {"n": n},
                ).scalars()
            )
        if table.name not in self._next:
            self._next[table.name] = (self.conn.execute(select(func.max(table.c[key]))).scalar() or 0) + 1
        first = self._next[table.name]
        self._next[table.name] += n
        return list(range(first, first + n))

    def _consecutive_auto_increment(self) -> bool:
        if self._consecutive is None:
            mode, step = self.conn.exec_driver_sql(
                "SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment"
            ).one()
            self._consecutive = int(mode) in (0, 1) and int(step) == 1
        return self._consecutive

    def _insert_consecutive(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple], same: Mapping[str, Any] | None
    ) -> list[int]:
        """MariaDB: a multi-row INSERT takes consecutive AUTO_INCREMENT ids, the first of them is LAST_INSERT_ID()."""
        names, values, constants = prepared(self.conn, table, columns, rows, same)
        cursor = self.conn.connection.driver_connection.cursor()
        ids: list[int] = []
        try:
            for statement, n in _multi_row(cursor, _target(self.conn, table, names), values, constants):
                cursor.execute(statement)
                ids.extend(range(cursor.lastrowid, cursor.lastrowid + n))
        finally:
            cursor.close()
        return ids

    def _insert_returning(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple], same: Mapping[str, Any] | None
    ) -> list[int]:
        names = [*columns, *(same or {})]
        constants = tuple((same or {}).values())
        statement = insert(table).returning(table.primary_key.columns[0], sort_by_parameter_order=True)
        ids: list[int] = []
        for batch in _batches(rows, _RETURNING_BATCH):
            params = [dict(zip(names, (*r, *constants))) for r in batch]
            ids.extend(r[0] for r in self.conn.execute(statement, params))
        return ids


@contextmanager
def _keys_table(conn: Connection, table: Table, columns: Sequence[str], keys: list[tuple]) -> Iterator[tuple[str, str]]:
    """A temporary table holding ``keys`` (bulk, as :func:`insert_rows`) to join ``table`` with, driven by the
    keys (an index on ``columns`` makes the join cost what the keys cost, whatever the size of ``table``);
    yields (the quoted name of the keys' table, the condition joining ``table`` as ``t`` with it as ``k``)."""
    name = f"tmp_{table.name}_keys"
    temporary = Table(name, MetaData(), *(Column(c, table.c[c].type) for c in columns), prefixes=["TEMPORARY"])
    temporary.create(conn)
    insert_rows(conn, temporary, columns, keys)
    quote = conn.dialect.identifier_preparer.quote
    on = " AND ".join(f"t.{quote(c)} = k.{quote(c)}" for c in columns)
    try:
        yield quote(name), on
    finally:
        # MariaDB: a plain DROP TABLE would commit
        temporary_kw = "TEMPORARY " if conn.dialect.name in ("mysql", "mariadb") else ""
        conn.exec_driver_sql(f"DROP {temporary_kw}TABLE {quote(name)}")


def select_by_keys(
    conn: Connection, table: Table, columns: Sequence[str], keys: Iterable[tuple], wanted: Sequence[str]
) -> list[tuple]:
    """The ``wanted`` columns of the rows of ``table`` whose ``columns`` hold one of ``keys``, in one statement."""
    keys = list(keys)
    if not keys:
        return []
    quote = conn.dialect.identifier_preparer.quote
    with _keys_table(conn, table, columns, keys) as (keyed, on):
        picked = ", ".join(f"t.{quote(c)}" for c in wanted)
        query = f"SELECT {picked} FROM {quote(table.name)} t JOIN {keyed} k ON {on}"
        return [tuple(r) for r in conn.exec_driver_sql(query)]


def delete_by_keys(conn: Connection, table: Table, columns: Sequence[str], keys: Iterable[tuple]) -> None:
    """DELETE the rows of ``table`` whose ``columns`` hold one of ``keys``, in one statement (see ``_keys_table``)."""
    keys = list(keys)
    if not keys:
        return
    quote = conn.dialect.identifier_preparer.quote
    target = quote(table.name)
    with _keys_table(conn, table, columns, keys) as (keyed, on):
        if conn.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql(f"DELETE t FROM {target} t JOIN {keyed} k ON {on}")
        elif conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DELETE FROM {target} t USING {keyed} k WHERE {on}")
        else:
            pk = quote(table.primary_key.columns[0].name)
            conn.exec_driver_sql(
                f"DELETE FROM {target} WHERE {pk} IN (SELECT t.{pk} FROM {target} t JOIN {keyed} k ON {on})"
            )


@contextmanager
def first_load(conn: Connection, ids: NewIds, tables: Sequence[Table]) -> Iterator[None]:
    """PostgreSQL, a first load into an empty CRM: ``tables`` are locked against other writers until the
    commit, so the new ids of each table are taken from its sequence as one range, and foreign keys,
    unique constraints and indexes are made once, at the end (``rebuilt_at_end``)."""
    if conn.dialect.name != "postgresql" or not _owns(conn, tables):
        yield
        return
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"LOCK TABLE {', '.join(quote(t.name) for t in tables)} IN SHARE ROW EXCLUSIVE MODE")
    ids.ranged = {t.name for t in tables}
    try:
        with rebuilt_at_end(conn, tables):
            yield
    finally:
        ids.ranged = set()


def _owns(conn: Connection, tables: Sequence[Table]) -> bool:
    """PostgreSQL: may the load's user alter ``tables`` (it owns them)? A user granted only reading and
    writing loads as into a CRM that has records: keys checked row by row, ids one by one."""
    owned = conn.exec_driver_sql(
        "SELECT bool_and(pg_has_role(relowner, 'USAGE')) FROM pg_class WHERE oid = ANY(CAST(%(names)s AS regclass[]))",
        {"names": [t.name for t in tables]},
    ).scalar()
    return bool(owned)


@contextmanager
def indexes_rebuilt(conn: Connection, table: Table) -> Iterator[None]:
    """The secondary indexes of ``table`` dropped for the body and made again after it, on the servers
    whose DDL is part of the transaction (SQLite; PostgreSQL when the load's user owns the table): a bulk
    insert of millions of rows then costs one sort per index, not an insertion at a random place of each
    b-tree per row. MariaDB (whose DDL would commit) and the others: the body as it is."""
    if conn.dialect.name == "postgresql" and _owns(conn, [table]):
        with rebuilt_at_end(conn, [table]):
            yield
        return
    if conn.dialect.name != "sqlite":
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table.name,),
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)


@contextmanager
def rebuilt_at_end(conn: Connection, tables: Sequence[Table]) -> Iterator[None]:
    """PostgreSQL: the foreign keys, unique constraints and secondary indexes of ``tables`` are dropped for
    the body and made again after it (primary keys stay).

    An inserted row otherwise costs a trigger of its own for each foreign key (a look-up and a lock of
    the parent row) and an insertion into each index, at random places of b-trees larger than the
    server's buffers: most of the server's work in a large load. Made again, each index is one sort and
    each key one join over all rows, checking every row. All of it is inside the caller's transaction:
    an error in the body rolls the drop back with the rest, and a row that breaks a key or a unique
    constraint fails its ADD, and so the load. The tables stay locked (ACCESS EXCLUSIVE) until the commit.
    """
    names = [t.name for t in tables]
    params = {"names": names}
    constraints = conn.exec_driver_sql(  # unique constraints before the foreign keys that may need them
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
        " WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%(names)s) ORDER BY contype DESC, conname",
        params,
    ).all()
    indexes = conn.exec_driver_sql(  # the others: not behind a constraint
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
        " WHERE indrelid::regclass::text = ANY(%(names)s) AND NOT indisprimary"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        params,
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for table, name, _, _ in reversed(constraints):
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for index, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {index}")
    yield
    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{_PG_REBUILD_MEMORY}'")  # index sorts in memory
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{_PG_REBUILD_MEMORY}'")  # the key checks' joins too
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for table, name, definition, _ in constraints:
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
