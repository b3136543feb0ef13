"""Dagster resources: where the config lives and where the CRM database is."""

from __future__ import annotations

import os

import dagster as dg

from pipelines.config import DEFAULT_CONFIG, MigrationConfig, load_config
from pipelines.unchanged import RunInputs
from vocabulary.messages import set_language

CONFIG_ENV = "CRM_MIGRATE_CONFIG"


def config_path_from_env() -> str:
    return os.environ.get(CONFIG_ENV) or str(DEFAULT_CONFIG)


class MigrationConfigResource(dg.ConfigurableResource):
    """The ``migration.yaml`` a run works from (default: $CRM_MIGRATE_CONFIG or the sample)."""

    path: str

    def load(self) -> MigrationConfig:
        """The config, with its ``language:`` set for every message of the run."""
        config = load_config(self.path)
        set_language(config.language)
        return config


class CrmTargetResource(dg.ConfigurableResource):
    """The target CRM database; ``url`` empty means the config's ``target.url``."""

    url: str = ""
    dry_run: bool = False
    allow_deletes: bool = False  # --allow-deletes: no max_delete_share check
    diff: str = ""  # --diff FILE: the dry run's per-record changes as a workbook
    full: bool = False  # --full, review export: read and match every record, even when only some changed
    inputs: str = ""  # RunInputs as JSON (pipelines.unchanged): stored with the load, so a re-run can skip

    def sync_state(self, read: dict[str, str]) -> dict[str, str]:
        """What the load stores in ``sync_state``: the inputs fingerprinted before the run, and ``read``
        (the 1C fingerprints taken when each was read)."""
        return {**(RunInputs.from_json(self.inputs).sync_state() if self.inputs else {}), **read}

    def resolve(self, config: MigrationConfig) -> str:
        return config.target_url(self.url or None)
