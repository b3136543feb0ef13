"""Assemble the Dagster definitions; ``dagster dev`` loads ``defs`` from here.

The asset graph follows the config: one extract asset per source. The config
path comes from $CRM_MIGRATE_CONFIG (default: sample_data/migration.yaml).
"""
from __future__ import annotations

import dagster as dg

from pipelines.checks import ALL_CHECKS
from pipelines.graph import build_assets
from pipelines.resources import CrmTargetResource, MigrationConfigResource, config_path_from_env
from pipelines.sync import build_sync_automation


def build_definitions(config_path: str | None = None) -> dg.Definitions:
    path = config_path or config_path_from_env()
    job, sensor, schedule = build_sync_automation(path)
    return dg.Definitions(
        assets=build_assets(path),
        asset_checks=ALL_CHECKS,
        jobs=[job],
        sensors=[sensor],
        schedules=[schedule],
        resources={
            "migration": MigrationConfigResource(path=path),
            "target": CrmTargetResource(),
            "io_manager": dg.FilesystemIOManager(),
        },
    )


defs = build_definitions()
