"""The asset graph for one config: extract per source, then the shared stages."""

from __future__ import annotations

import dagster as dg

from pipelines.clean import build_clean_assets
from pipelines.config import MigrationConfig
from pipelines.extract import build_extract_assets
from pipelines.loading import build_load_assets
from pipelines.match import build_match_assets


def build_assets(config: MigrationConfig) -> list[dg.AssetsDefinition]:
    return [
        *build_extract_assets(config),
        *build_clean_assets([s.name for s in config.sources]),
        *build_match_assets(),
        *build_load_assets(),
    ]
