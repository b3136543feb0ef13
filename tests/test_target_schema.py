"""The Alembic migrations build exactly the tables of connectors/crm_db/schema.py, on every server."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import VERSION_TABLE, connect, current_revision, head_revision, upgrade
from connectors.crm_db.schema import metadata


def test_migrations_match_the_schema_and_are_idempotent(target_url: str) -> None:
    engine = connect(target_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second upgrade is a no-op
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True, "version_table": VERSION_TABLE}), metadata
            )
        assert diff == []
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_free_text_holds_more_than_64_kb(target_url: str) -> None:
    """One wide source row (a 100 KB comment) must not fail a load on MariaDB, whose TEXT stops at 64 KB."""
    engine = connect(target_url)
    wide = "Комментарий " * 10_000  # 120k characters, ~230 KB in UTF-8
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(s.source_links).values(
                    entity="company", source="crm", source_key="1", crm_id=1, run_id="r", payload=wide
                )
            )
            assert conn.execute(select(s.source_links.c.payload)).scalar_one() == wide
    finally:
        engine.dispose()
