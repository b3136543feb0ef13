"""Normalise and validate (group ``clean``): one frame of companies and one of contacts."""

from itertools import islice

import dagster as dg
import pandas as pd

from pipelines.extract import extract_asset_name
from pipelines.metadata import frame_metadata, sample
from pipelines.resources import MigrationConfigResource
from pipelines.stages import ExtractedSource, IntakeFacts, Normalised, records_read
from transforms.normalise import normalise_companies, normalise_contacts
from transforms.quality import source_figures
from validators.schemas import COMPANY_SCHEMA
from validators.validate import validate_records
from vocabulary import progress
from vocabulary.messages import text

WARNINGS_SHOWN = 30  # the rest are in source_links.warnings after the load


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty] or frames[:1]
    return pd.concat(frames, ignore_index=True)


def build_clean_assets(source_names: list[str]) -> list[dg.AssetsDefinition]:
    ins = {extract_asset_name(n): dg.AssetIn() for n in source_names}

    @dg.asset(
        group_name="clean",
        ins=ins,
        description=text("dagster.asset.normalised"),
    )
    def normalised(migration: MigrationConfigResource, **extracted: ExtractedSource) -> dg.Output[Normalised]:
        config = migration.load()
        regions = {s.name: s.default_region or config.default_region for s in config.sources}
        parts = list(extracted.values())
        with progress.stage(text("progress.normalise")) as step:
            companies = normalise_companies(_concat([p.records.companies for p in parts]), regions)
            contacts = normalise_contacts(_concat([p.records.contacts for p in parts]), companies, regions)
            step.result = text("progress.companies_contacts", companies=len(companies), contacts=len(contacts))
        rejects = _concat([p.records.rejects for p in parts])
        rows_read = {p.source: p.rows_read for p in parts}
        facts = IntakeFacts(
            rows_read,
            {p.source: p.tables for p in parts},
            records_read(companies, contacts, rejects),
            source_figures(rows_read, companies, contacts),
            {p.source: p.fingerprint for p in parts if p.fingerprint},
            {p.source: p.notes for p in parts if p.notes},
            [p.versions for p in parts if p.versions],
            {p.source: p.unread for p in parts if p.unread},
            next((p.delta for p in parts if p.delta is not None), None),
        )
        result = Normalised(companies, contacts, rejects, facts)
        phones = [p for frame in (companies, contacts) for items in frame["phones"] for p in items]
        every = (
            (src, origin, w)
            for frame in (companies, contacts)
            for src, origin, bag in zip(frame["_source"], frame["_origin"], frame["_issues"])
            for w in bag
        )
        shown = islice(every, WARNINGS_SHOWN) if config.privacy.previews else every  # only what the preview shows
        warnings = pd.DataFrame(list(shown), columns=["source", "origin", "warning"])
        return dg.Output(
            result,
            metadata={
                **frame_metadata(
                    companies,
                    ["_source", "_origin", "name", "inn", "kpp", "type", "phones", "emails"],
                    previews=config.privacy.previews,
                ),
                "dagster/row_count": len(companies) + len(contacts),
                "companies": len(companies),
                "contacts": len(contacts),
                "phones": len(phones),
                "phones_valid": sum(1 for p in phones if p.e164),
                "records_with_warnings": int(
                    sum(map(bool, companies["_issues"])) + sum(map(bool, contacts["_issues"]))
                ),
                "warnings": sample(warnings, rows=WARNINGS_SHOWN, previews=config.privacy.previews),
            },
        )

    @dg.multi_asset(
        group_name="clean",
        outs={
            "validated": dg.AssetOut(description=text("dagster.asset.validated")),
            "quarantine": dg.AssetOut(description=text("dagster.asset.quarantine")),
        },
    )
    def validate(migration: MigrationConfigResource, normalised: Normalised):
        previews = migration.load().privacy.previews
        with progress.stage(text("progress.validate")) as step:
            checked = validate_records(normalised.companies, normalised.contacts)
            step.result = text(
                "progress.companies_contacts", companies=len(checked.companies), contacts=len(checked.contacts)
            )
        quarantine = _concat([normalised.rejects, checked.quarantine])
        yield dg.Output(
            checked,
            output_name="validated",
            metadata={
                **frame_metadata(
                    checked.companies,
                    ["_source", "_origin", "name", "inn", "kpp"],
                    previews=previews,
                    schema=COMPANY_SCHEMA,
                ),
                "dagster/row_count": len(checked.companies) + len(checked.contacts),
                "companies": len(checked.companies),
                "contacts": len(checked.contacts),
            },
        )
        yield dg.Output(
            quarantine,
            output_name="quarantine",
            metadata=frame_metadata(quarantine, ["source", "origin", "entity", "reasons"], previews=previews),
        )

    return [normalised, validate]
