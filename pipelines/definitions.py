"""Assemble the Dagster definitions; ``dagster dev`` loads ``defs`` from here and the CLI calls ``build_definitions``.

The asset graph follows the config: one extract asset per source. The config
path comes from $CRM_MIGRATE_CONFIG (default: sample_data/migration.yaml).

Every job runs in one process with in-memory IO: stage outputs (client names,
phones, raw payloads) are handed from asset to asset in memory and never pickled
into $DAGSTER_HOME/storage, in the UI and sensor runs as in the CLI; each is
dropped once the last step that reads it has (``pipelines.handover``).

Descriptions (assets, checks, job, sensor, schedule) are in the config's ``language:``.
"""

from __future__ import annotations

import dagster as dg

from pipelines.checks import build_checks
from pipelines.config import load_config
from pipelines.graph import build_assets
from pipelines.handover import HandoverIOManager
from pipelines.resources import CrmTargetResource, MigrationConfigResource, config_path_from_env
from pipelines.sync import build_sync_automation
from vocabulary.messages import speaking


def build_definitions(
    config_path: str | None = None,
    *,
    target: CrmTargetResource | None = None,
    handover: HandoverIOManager | None = None,
) -> dg.Definitions:
    """The whole graph for one config; ``target`` overrides the config's database (the CLI's ``--target``),
    ``handover`` is the IO manager the caller reads its result from."""
    path = config_path or config_path_from_env()
    config = load_config(path)
    with speaking(config.language):
        assets, checks = build_assets(config), build_checks()
        job, sensor, schedule = build_sync_automation(path)
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[job],
        sensors=[sensor],
        schedules=[schedule],
        executor=dg.in_process_executor,
        resources={
            "migration": MigrationConfigResource(path=path),
            "target": target or CrmTargetResource(),
            "io_manager": handover or HandoverIOManager(),
        },
    )


defs = build_definitions()
