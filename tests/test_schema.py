"""The Alembic migrations build exactly the tables of connectors/crm_db/schema.py, on every server."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from connectors.crm_db.engine import connect, current_revision, head_revision, upgrade
from connectors.crm_db.schema import metadata


def test_migrations_match_the_schema_and_are_idempotent(target_url: str) -> None:
    engine = connect(target_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second upgrade is a no-op
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == []
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
