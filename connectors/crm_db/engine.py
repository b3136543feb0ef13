"""Connect to the target CRM database and bring its schema to the current version.

The schema is crm-migrate's own: its Alembic version lives in ``crm_migrate_version``
(not the default ``alembic_version``, which a host application in the same database may
use), and a database whose same-named tables are not ours is refused before anything is
written. First creation is atomic on SQLite and PostgreSQL (transactional DDL); MariaDB
commits every CREATE TABLE, so a creation cut short leaves tables without a version row:
such a half-created schema (our columns, no rows) is recognised and created again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

from connectors.crm_db import schema as s
from connectors.urls import mask_url, scrub
from vocabulary.errors import RunFailure
from vocabulary.messages import text as message

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "crm_migrate_version"
# Execution option of a connection that writes: on SQLite its transactions take the write lock as they
# begin (BEGIN IMMEDIATE), so what it reads stays true until it commits.
WRITE_LOCKED = "crm_write_locked"
LEGACY_VERSION_TABLE = "alembic_version"  # where versions before 0004 kept our revision
# Columns only a crm-migrate record table has: a same-named table without them is someone else's.
_SIGNATURE = {
    "companies": {"merged_into_id", "extra", "deleted_at"},
    "contacts": {"merged_into_id", "extra"},
    "source_links": {"source_key", "crm_id", "record_hash"},
}


class TargetError(RunFailure):
    """The target database cannot be used; the message is shown as one line."""


@contextmanager
def target_errors(url: str) -> Iterator[None]:
    """Turn a database driver's error into one masked line naming the target (never raw SQL or parameters)."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise TargetError(message("target.error", target=mask_url(url), detail=scrub_error(exc, url))) from exc


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on, a busy timeout and real transactions.

    Python's sqlite3 commits before every DDL statement by itself; the driver is told to
    leave transactions alone and SQLAlchemy's ``begin`` emits BEGIN, so a schema creation
    (and everything else in a transaction) commits or rolls back as one.
    """
    parsed = make_url(url)
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        raise TargetError(message("target.unknown_kind", target=mask_url(url), kind=parsed.drivername)) from None
    if parsed.drivername.startswith("sqlite"):
        db = parsed.database
        if db and db != ":memory:" and not Path(db).parent.exists():
            raise TargetError(message("target.folder_missing", target=mask_url(url), folder=Path(db).parent))
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_LOCKED) else "BEGIN")

        return engine
    return create_engine(parsed, pool_pre_ping=True)


def is_new_sqlite_file(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet (connecting would create it)."""
    parsed = make_url(url)
    return (
        parsed.drivername.startswith("sqlite")
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    )


def alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    return _script().get_current_head() or ""


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _our_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def _legacy_revision(connection: Connection) -> str | None:
    """Our revision in the shared ``alembic_version`` table (a target made before 0004), if any."""
    if not inspect(connection).has_table(LEGACY_VERSION_TABLE):
        return None
    versions = connection.execute(text(f"SELECT version_num FROM {LEGACY_VERSION_TABLE}")).scalars().all()
    return next((v for v in versions if v in _our_revisions()), None)


def has_schema(engine: Engine) -> bool:
    """True when the target holds crm-migrate's tables at any version."""
    with engine.connect() as conn:
        return inspect(conn).has_table(VERSION_TABLE) or _legacy_revision(conn) is not None


def upgrade(engine: Engine) -> None:
    """Create or migrate the CRM schema to the newest version (idempotent).

    Refuses (one line) a database whose tables named like ours belong to someone else.
    """
    with engine.begin() as conn:
        if current_revision(conn) == head_revision():
            return
        _adopt_legacy_version(conn)
        if current_revision(conn) is None:
            _claim_tables(conn, mask_url(engine.url.render_as_string(hide_password=False)))
        command.upgrade(alembic_config(conn), "head")


def _adopt_legacy_version(conn: Connection) -> None:
    """Move our revision from ``alembic_version`` to ``crm_migrate_version`` (dropping the old table when empty)."""
    revision = _legacy_revision(conn)
    if revision is None or inspect(conn).has_table(VERSION_TABLE):
        return
    command.stamp(alembic_config(conn), revision)
    conn.execute(text(f"DELETE FROM {LEGACY_VERSION_TABLE} WHERE version_num = :v"), {"v": revision})
    if conn.execute(text(f"SELECT COUNT(*) FROM {LEGACY_VERSION_TABLE}")).scalar_one() == 0:
        conn.execute(text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))


def _claim_tables(conn: Connection, where: str) -> None:
    """Before a first creation: no table of ours may exist, except the empty remains of a creation cut short."""
    schema = inspect(conn)
    present = [t for t in s.metadata.sorted_tables if schema.has_table(t.name)]
    if not present:
        return
    foreign = [t.name for t in present if not _looks_ours(conn, t.name)]
    if foreign:
        raise TargetError(message("live_crm.foreign_tables", target=where, tables=", ".join(foreign)))
    for t in reversed(present):  # a half-created schema holds no data: make it again from the start
        conn.execute(text(f"DROP TABLE {conn.dialect.identifier_preparer.quote(t.name)}"))


def _looks_ours(conn: Connection, name: str) -> bool:
    columns = {c["name"] for c in inspect(conn).get_columns(name)}
    ours = set(s.metadata.tables[name].c.keys())
    empty = conn.execute(select(func.count()).select_from(table(name))).scalar_one() == 0
    return columns <= ours and _SIGNATURE.get(name, set()) <= columns and empty


@contextmanager
def reading(url: str, table_name: str) -> Iterator[Connection | None]:
    """A read-only connection when the target exists and has ``table_name``; None for a new or older target.

    Never creates anything: a SQLite file that does not exist is not made.
    """
    if is_new_sqlite_file(url):
        yield None
        return
    engine = connect(url)
    try:
        if not has_schema(engine) or not inspect(engine).has_table(table_name):
            yield None
            return
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def scrub_error(error: BaseException | str, url: str) -> str:
    """One line for a user or for ``migration_runs.error``: no SQL, no parameters, no password.

    A database error's text is SQLAlchemy's "(driver error) message [SQL: …] [parameters: …]"
    over several lines; only the driver's first line is kept.
    """
    if isinstance(error, SQLAlchemyError):
        detail = str(getattr(error, "orig", None) or error)
    else:
        detail = str(error)
    line = (detail.strip().splitlines() or [""])[0].split("[SQL:")[0].split("[parameters:")[0].strip()
    return scrub(line.replace(url, mask_url(url)) if url else line, url)
