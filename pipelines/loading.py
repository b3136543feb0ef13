"""Load and report (group ``load``): write golden records to the CRM, summarise the run."""

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from connectors.crm_db.diff import write_diff
from connectors.crm_db.load import Partial, RunInfo, load, record_failure, utcnow
from connectors.crm_db.report import report_sheets
from connectors.crm_db.report_workbook import report_workbook
from connectors.urls import mask_url
from connectors.xlsx_writer import write_workbook
from pipelines.metadata import preview_table
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import GoldenRecords, RunSummary
from transforms.identity import same_identity
from transforms.quality import quality_by_source
from vocabulary import progress
from vocabulary.messages import text

# Rows per sheet of the workbook each run writes (the first ones, in the report's order; the summary says
# how many were left out): it opens quickly and shows the problems. `crm-migrate report` writes every row.
RUN_WORKBOOK_ROWS = 10_000


def build_load_assets() -> list[dg.AssetsDefinition]:
    """``loaded`` and ``quality_report``, described in the current language."""
    return [
        dg.asset(group_name="load", kinds={"sql"}, description=text("dagster.asset.loaded"))(loaded),
        dg.asset(group_name="load", description=text("dagster.asset.quality_report"))(quality_report),
    ]


def loaded(
    context: dg.AssetExecutionContext,
    migration: MigrationConfigResource,
    target: CrmTargetResource,
    golden: GoldenRecords,
    quarantine: pd.DataFrame,
) -> dg.Output[RunSummary]:
    config = migration.load()
    facts = golden.facts
    url = target.resolve(config)
    run = RunInfo(
        run_id=context.run.run_id,
        config_name=config.name,
        started_at=_run_start(context),
        dry_run=target.dry_run,
        sources=tuple(s.name for s in config.sources),
        records_read=sum(facts.rows_read.values()),
        review_pairs=len(golden.review),
        positional_sources=tuple(s.name for s in config.sources if s.kind in ("excel", "csv") and not s.key),
        max_delete_share=config.max_delete_share,
        allow_deletes=target.allow_deletes,
        unread=facts.unread_origins(),
    )
    delta = golden.delta
    partial = (
        Partial(set(delta.scope), set(delta.reopened), {}, delta.moved, delta.untouched, delta.spared)
        if delta and _indexed(golden)
        else None
    )
    # the records read but not matched again keep their links as they are
    expected = facts.expected(golden.delta if partial else None)
    try:
        with progress.stage(text("progress.load"), total=len(golden.companies) + len(golden.contacts)) as step:
            result = load(
                url,
                run,
                golden.companies,
                golden.contacts,
                quarantine,
                expected,
                review=golden.review,
                sync_state=target.sync_state(facts.fingerprints),
                versions=facts.versions,
                identity=same_identity,
                diff=bool(target.diff),
                merges=golden.links,
                index=golden.index,
                partial=partial,
            )
            step.advance(len(golden.companies) + len(golden.contacts))
    except Exception as exc:
        record_failure(url, run, exc)
        raise
    if target.diff:
        write_diff(Path(target.diff), result.changes or [])
    summary = RunSummary(
        context.run.run_id,
        mask_url(url),
        target.dry_run,
        facts.rows_read,
        facts.intake,
        result,
        quarantine["source"].value_counts().to_dict(),
        len(golden.review) if result.review_pairs is None else result.review_pairs,
        _notes(golden),
        partial=partial is not None,
        figures=facts.figures,
    )
    counts = {
        f"{entity}_{k}": v for entity in ("companies", "contacts") for k, v in asdict(getattr(result, entity)).items()
    }
    written = len(golden.companies) + len(golden.contacts)
    return dg.Output(
        summary,
        metadata={
            "dagster/row_count": written,
            "target": mask_url(url),
            "dry_run": target.dry_run,
            "quarantined": result.quarantined,
            **counts,
            "conflicts": result.conflicts,
            "crm_edits_kept": result.crm_kept,
            "crm_deleted_not_revived": result.crm_deleted,
            "row_position_identity_changed": result.identity_changed,
        },
    )


def _notes(golden: GoldenRecords) -> dict[str, list[str]]:
    """The readers' notes, and for a run over whole sources that matched only what changed, how much it did."""
    notes = golden.facts.notes
    if golden.delta is None or golden.facts.delta is not None:  # a 1C sync notes its scope when it reads
        return notes
    scope = text("sync.rerun_scope", records=len(golden.delta.scope), changed=len(golden.delta.changed))
    return {**notes, text("sync.rerun_label"): [scope]}


def _indexed(golden: GoldenRecords) -> bool:
    """Whether the match was a sync's (only its scope was matched again, against the stored index)."""
    return golden.index is not None and golden.index.scope is not None


def _run_start(context: dg.AssetExecutionContext) -> datetime:
    stats = context.instance.get_run_stats(context.run.run_id)
    if not stats.start_time:
        return utcnow()
    return datetime.fromtimestamp(stats.start_time, UTC).replace(tzinfo=None, microsecond=0)


def quality_report(
    migration: MigrationConfigResource,
    target: CrmTargetResource,
    loaded: RunSummary,
    quarantine: pd.DataFrame,
) -> dg.Output[pd.DataFrame]:
    config = migration.load()
    report = quality_by_source(loaded.figures, quarantine)
    metadata: dict[str, object] = {
        "dagster/row_count": len(report),
        "by_source": preview_table(report, rows=len(report)),
    }
    # A sync that matched only what changed writes no workbook of the whole CRM: `crm-migrate report` does.
    if config.report_dir is not None and not loaded.dry_run and not loaded.partial:
        path = config.resolve(config.report_dir) / f"quality-{loaded.run_id}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        sheets = report_sheets(target.resolve(config), loaded.run_id, limit=RUN_WORKBOOK_ROWS)
        write_workbook(path, report_workbook(sheets))
        metadata["workbook"] = dg.MetadataValue.path(str(path))
    return dg.Output(report, metadata=metadata)
