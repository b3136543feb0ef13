"""Extract assets: one per configured source (group ``extract``)."""

import re

import dagster as dg
import yaml

from pipelines.config import MigrationConfig
from pipelines.intake import extract_source
from pipelines.metadata import frame_metadata
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import ExtractedSource
from vocabulary import progress
from vocabulary.messages import text

_KINDS = {"excel": "excel", "csv": "csv", "onec_odata": "1c", "onec_xml": "1c"}


def extract_asset_name(source: str) -> str:
    return "extract_" + re.sub(r"\W", "_", source)


def mapping_yaml(extracted: ExtractedSource) -> str:
    """The mapping chosen for each table, as a ``columns:`` block to paste into the config."""
    blocks = {
        t.name: {
            "entity": t.mapping.entity,
            "header_row": t.header_row,
            "columns": t.mapping.as_config(),
            "custom_fields": t.mapping.unmapped,
        }
        for t in extracted.tables
    }
    return yaml.safe_dump(blocks, allow_unicode=True, sort_keys=False)


def _extract_asset(source_name: str, kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=extract_asset_name(source_name),
        group_name="extract",
        kinds={_KINDS[kind]},
        description=text("dagster.asset.extract", source=source_name, kind=kind),
    )
    def _extract(migration: MigrationConfigResource, target: CrmTargetResource) -> dg.Output[ExtractedSource]:
        config = migration.load()
        with progress.stage(text("progress.extract", source=source_name)) as step:
            # a 1C OData source reads only what changed since the versions stored in the target
            extracted = extract_source(
                config, config.source(source_name), target_url=target.resolve(config), whole=target.full
            )
            step.result = text("progress.records", n=extracted.rows_read)
        records = extracted.records
        notes = [*extracted.notes, *(f"{t.name}: {n}" for t in extracted.tables for n in t.notes)]
        return dg.Output(
            extracted,
            metadata={
                **frame_metadata(
                    records.companies,
                    ["_origin", "name", "inn", "kpp", "phone", "email", "city"],
                    previews=config.privacy.previews,
                ),
                "dagster/row_count": extracted.rows_read,
                "companies": len(records.companies),
                "contacts": len(records.contacts),
                "rejected_rows": len(records.rejects),
                "column_mapping": dg.MetadataValue.md(f"```yaml\n{mapping_yaml(extracted)}```"),
                "notes": dg.MetadataValue.md("\n".join(f"- {n}" for n in notes) or "_none_"),
            },
        )

    return _extract


def build_extract_assets(config: MigrationConfig) -> list[dg.AssetsDefinition]:
    return [_extract_asset(s.name, s.kind) for s in config.sources]
