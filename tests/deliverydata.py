"""A target database made by the real pipeline from tests/clientdata, with a ``crm:`` section."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from cli.runner import execute
from connectors.crm_db.engine import connect
from connectors.crm_db.schema import remote_links as links_table
from connectors.saas import Pacer, RetryPolicy
from pipelines.config import MigrationConfig, load_config
from tests.clientdata import write_dataset

# Fast retries and no pacing pause in tests: the fakes' own limits decide what is refused.
FAST = {"policy": RetryPolicy(attempts=30, first_wait=0.01, max_wait=0.2), "pacer": Pacer(rate=1000, burst=1000)}


def build_target(folder: Path, url: str, crm_yaml: str, **rows: list) -> MigrationConfig:
    """Run the pipeline on clientdata (``crm_rows``/``buh_rows`` override) into ``url``; the config.

    Deletions are allowed: the tests drop records from a tiny source on purpose.
    """
    config = write_dataset(folder, extra_yaml=f"crm: {crm_yaml}\n", **rows)
    execute(config, target=url, dry_run=False, allow_deletes=True)
    return load_config(config)


def remote_links(url: str) -> list[dict]:
    engine = connect(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(links_table).order_by(links_table.c.id)).mappings()]
    finally:
        engine.dispose()
