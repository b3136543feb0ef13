"""Incremental sync from 1C: `crm-migrate sync`, a cursor-based sensor and a nightly schedule (DESIGN §5, §7).

A sync re-reads the whole graph, because matching needs every source, but it
only starts when a 1C source changed, and the load then writes only what
changed (records are compared by hash through ``source_links``). A 1C change
is seen by a cheap fingerprint: ``(Ref_Key, DataVersion, DeletionMark)`` of the
OData catalogs, or the bytes of an exchange file. Every load stores the
fingerprints it read in ``sync_state``, taken *before* the data are read, so a
change made during a run is seen by the next check — a sync may repeat work,
it never misses a change.
"""
from __future__ import annotations

import hashlib
import json
import os

import dagster as dg

from connectors.crm_db.sync_state import read_sync_state
from connectors.errors import SourceError
from connectors.fingerprint import file_fingerprint
from connectors.onec_odata import odata_fingerprint
from pipelines.config import ConfigError, FileSource, MigrationConfig, ODataSource, load_config
from vocabulary.errors import UsageError

ONEC_KINDS = ("onec_odata", "onec_xml")
SYNC_CRON_ENV = "CRM_SYNC_CRON"  # when the nightly sync runs (cron, server time); default 02:00
SENSOR_INTERVAL = 300  # seconds between two looks at 1C


def onec_sources(config: MigrationConfig, name: str | None = None) -> list[FileSource | ODataSource]:
    """The 1C sources a sync watches: the one named, or every onec_odata/onec_xml source."""
    if name is not None:
        source = config.source(name)
        if source.kind not in ONEC_KINDS:
            raise UsageError(f"--source {name}: is a {source.kind} source; sync follows 1C sources "
                             f"({', '.join(ONEC_KINDS)}), use `crm-migrate run` for files")
        return [source]
    sources = [s for s in config.sources if s.kind in ONEC_KINDS]
    if not sources:
        raise UsageError(f"{config.config_path}: no 1C source (kind onec_odata or onec_xml) to sync; "
                         "use `crm-migrate run`")
    return sources


def source_fingerprint(config: MigrationConfig, source: FileSource | ODataSource) -> str:
    """What the source looks like now, as one string that changes whenever a record does."""
    if isinstance(source, ODataSource):
        return odata_fingerprint(source.url, source.user, source.password(), source_name=source.name)
    return file_fingerprint(config.resolve(source.path))


def fingerprints(config: MigrationConfig, name: str | None = None) -> dict[str, str]:
    return {s.name: source_fingerprint(config, s) for s in onec_sources(config, name)}


def changed_sources(now: dict[str, str], seen: dict[str, str]) -> list[str]:
    return [name for name, fp in now.items() if seen.get(name) != fp]


def stored_fingerprints(url: str) -> dict[str, str]:
    """Fingerprints of the last load, from the target database."""
    return {source: fp for source, (fp, _) in read_sync_state(url).items()}


def build_sync_automation(config_path: str, job_name: str = "migration_job") -> list:
    """The job, sensor and schedule for ``dagster dev`` / a daemon: both start stopped, an operator turns them on."""
    job = dg.define_asset_job(job_name, selection=dg.AssetSelection.all(),
                              description="The whole migration: extract, clean, match and load.")

    @dg.sensor(job=job, minimum_interval_seconds=SENSOR_INTERVAL, default_status=dg.DefaultSensorStatus.STOPPED,
               description="Starts a sync when a 1C source changed (JSON cursor: the fingerprints last synced).")
    def onec_changes(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        try:
            config = load_config(config_path)
            now = fingerprints(config)
            seen = json.loads(context.cursor) if context.cursor else stored_fingerprints(config.target_url())
        except UsageError as exc:
            return dg.SkipReason(str(exc))
        except (ConfigError, SourceError) as exc:
            return dg.SkipReason(f"cannot look at 1C: {exc}")
        changed = changed_sources(now, seen)
        if not changed:
            return dg.SkipReason("no change in 1C since the last sync")
        run_key = hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]
        request = dg.RunRequest(run_key=run_key, tags={"crm-migrate/sync": ",".join(changed)})
        return dg.SensorResult(run_requests=[request], cursor=json.dumps(now, sort_keys=True))

    schedule = dg.ScheduleDefinition(name="nightly_sync", job=job,
                                     cron_schedule=os.environ.get(SYNC_CRON_ENV, "0 2 * * *"),
                                     default_status=dg.DefaultScheduleStatus.STOPPED,
                                     description="A full sync every night, whatever the sensor saw.")
    return [job, onec_changes, schedule]
