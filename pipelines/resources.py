"""Dagster resources: where the config lives and where the CRM database is."""
from __future__ import annotations

import os

import dagster as dg

from pipelines.config import DEFAULT_CONFIG, MigrationConfig, load_config

CONFIG_ENV = "CRM_MIGRATE_CONFIG"


def config_path_from_env() -> str:
    return os.environ.get(CONFIG_ENV) or str(DEFAULT_CONFIG)


class MigrationConfigResource(dg.ConfigurableResource):
    """The ``migration.yaml`` a run works from (default: $CRM_MIGRATE_CONFIG or the sample)."""

    path: str

    def load(self) -> MigrationConfig:
        return load_config(self.path)


class CrmTargetResource(dg.ConfigurableResource):
    """The target CRM database; ``url`` empty means the config's ``target.url``."""

    url: str = ""
    dry_run: bool = False
    allow_deletes: bool = False  # --allow-deletes: no max_delete_share check
    diff: str = ""  # --diff FILE: the dry run's per-record changes as a workbook

    def resolve(self, config: MigrationConfig) -> str:
        return config.target_url(self.url or None)
