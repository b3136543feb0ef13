"""Alembic environment: always run programmatically with a live connection.

``connectors.crm_db.engine.upgrade`` passes the connection in
``config.attributes["connection"]``; there is no alembic.ini to edit.
"""

from alembic import context

from connectors.crm_db.engine import VERSION_TABLE  # our own, not a host application's alembic_version
from connectors.crm_db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    compare_type=True,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
