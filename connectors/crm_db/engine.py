"""Connect to the target CRM database and bring its schema to the current version."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from connectors.urls import mask_url, scrub
from vocabulary.errors import RunFailure

MIGRATIONS = Path(__file__).parent / "migrations"


class TargetError(RunFailure):
    """The target database cannot be used; the message is shown as one line."""


@contextmanager
def target_errors(url: str) -> Iterator[None]:
    """Turn a database driver's error into one masked line naming the target (never raw SQL or parameters)."""
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise TargetError(f"target {mask_url(url)}: {scrub(detail, url)}") from exc


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        db = parsed.database
        if db and db != ":memory:" and not Path(db).parent.exists():
            raise TargetError(f"target {url}: folder {Path(db).parent} does not exist")
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def is_new_sqlite_file(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet (connecting would create it)."""
    parsed = make_url(url)
    return parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:") \
        and not Path(parsed.database).exists()


def alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def has_schema(engine: Engine) -> bool:
    """True when the target holds crm-migrate's tables at any version."""
    return inspect(engine).has_table("alembic_version")


def upgrade(engine: Engine) -> None:
    """Create or migrate the CRM schema to the newest version (idempotent)."""
    with engine.begin() as conn:
        if current_revision(conn) == head_revision():
            return
        command.upgrade(alembic_config(conn), "head")


@contextmanager
def reading(url: str, table: str) -> Iterator[Connection | None]:
    """A read-only connection when the target exists and has ``table``; None for a new or older target.

    Never creates anything: a SQLite file that does not exist is not made.
    """
    if is_new_sqlite_file(url):
        yield None
        return
    engine = connect(url)
    try:
        if not has_schema(engine) or not inspect(engine).has_table(table):
            yield None
            return
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
