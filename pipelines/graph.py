"""The asset graph for one config: extract per source, then the shared stages."""

from __future__ import annotations

import dagster as dg

from pipelines.clean import build_clean_assets
from pipelines.config import load_config
from pipelines.extract import build_extract_assets
from pipelines.loading import loaded, quality_report
from pipelines.match import golden, matched


def build_assets(config_path: str) -> list[dg.AssetsDefinition]:
    config = load_config(config_path)
    return [
        *build_extract_assets(config),
        *build_clean_assets([s.name for s in config.sources]),
        matched,
        golden,
        loaded,
        quality_report,
    ]
