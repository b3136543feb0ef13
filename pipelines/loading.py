"""Load and report (group ``load``): write golden records to the CRM, summarise the run."""

from dataclasses import asdict
from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from connectors.crm_db.load import RunInfo, load, record_failure, utcnow
from connectors.urls import mask_url
from pipelines.metadata import preview_table
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import GoldenRecords, Normalised, RunSummary
from vocabulary import progress
from vocabulary.messages import text
from transforms.quality import quality_by_source


@dg.asset(group_name="load", kinds={"sql"},
          description="Golden records upserted into the CRM database via source_links, in one transaction.")
def loaded(context: dg.AssetExecutionContext, migration: MigrationConfigResource, target: CrmTargetResource,
           normalised: Normalised, golden: GoldenRecords, quarantine: pd.DataFrame) -> dg.Output[RunSummary]:
    config = migration.load()
    url = target.resolve(config)
    run = RunInfo(run_id=context.run.run_id, config_name=config.name, started_at=_run_start(context),
                  dry_run=target.dry_run, sources=tuple(s.name for s in config.sources),
                  records_read=sum(normalised.rows_read.values()), review_pairs=len(golden.review))
    try:
        with progress.stage(text("progress.load"), total=len(golden.companies) + len(golden.contacts)) as step:
            result = load(url, run, golden.companies, golden.contacts, quarantine, normalised.expected(),
                          review=golden.review, sync_state=normalised.fingerprints,
                          versions=normalised.versions, merges=golden.links)
            step.advance(len(golden.companies) + len(golden.contacts))
    except Exception as exc:
        record_failure(url, run, str(exc))
        raise
    summary = RunSummary(context.run.run_id, mask_url(url), target.dry_run, normalised.rows_read, normalised.intake,
                         result,
                         quarantine["source"].value_counts().to_dict(), len(golden.review), normalised.notes)
    counts = {f"{entity}_{k}": v for entity in ("companies", "contacts")
              for k, v in asdict(getattr(result, entity)).items()}
    written = len(golden.companies) + len(golden.contacts)
    return dg.Output(summary, metadata={"dagster/row_count": written, "target": mask_url(url),
                                        "dry_run": target.dry_run, "quarantined": result.quarantined, **counts})


def _run_start(context: dg.AssetExecutionContext) -> datetime:
    stats = context.instance.get_run_stats(context.run.run_id)
    if not stats.start_time:
        return utcnow()
    return datetime.fromtimestamp(stats.start_time, UTC).replace(tzinfo=None, microsecond=0)


@dg.asset(group_name="load", description="Quality figures per source: counts, quarantine, phone/email validity.")
def quality_report(normalised: Normalised, quarantine: pd.DataFrame) -> dg.Output[pd.DataFrame]:
    report = quality_by_source(normalised.rows_read, normalised.companies, normalised.contacts, quarantine)
    return dg.Output(report, metadata={"dagster/row_count": len(report),
                                       "by_source": preview_table(report, rows=len(report))})
