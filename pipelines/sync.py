"""Incremental sync from 1C: `crm-migrate sync`, a cursor-based sensor and a nightly schedule (DESIGN §5, §7).

A 1C change is seen by a cheap fingerprint: ``(Ref_Key, DataVersion, DeletionMark)`` of the
OData catalogs (three short fields per element, ``$select``), or the bytes of an exchange file.
A sync then fetches in full only new and changed elements (``pipelines.intake.read_odata_changes``)
and the load writes only what changed. Every successful load stores the fingerprints it read
in ``sync_state``, in its own transaction: a failed or killed sync stores nothing, so the
next look sees the same difference and asks again.

The sensor compares the fingerprints with the target's ``sync_state`` — what succeeded, not what
was requested. Its JSON cursor remembers the last request (fingerprint and attempt); a request
whose run failed is asked again under a new run key (``…-2``, ``…-3``), one still running is waited for.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from connectors.crm_db.sync_state import read_sync_state
from connectors.errors import SourceError
from connectors.fingerprint import file_fingerprint
from connectors.onec_odata import fingerprint_of
from pipelines.config import ConfigError, FileSource, MigrationConfig, ODataSource, load_config
from pipelines.scans import scan
from vocabulary.errors import UsageError
from vocabulary.messages import text

ONEC_KINDS = ("onec_odata", "onec_xml")
SENSOR_INTERVAL = 300  # seconds between two looks at 1C
_UNFINISHED = (
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
)


def onec_sources(config: MigrationConfig, name: str | None = None) -> list[FileSource | ODataSource]:
    """The 1C sources a sync watches: the one named, or every onec_odata/onec_xml source."""
    if name is not None:
        source = config.source(name)
        if source.kind not in ONEC_KINDS:
            raise UsageError(text("cli.sync.not_onec", name=name, kind=source.kind, kinds=", ".join(ONEC_KINDS)))
        return [source]
    sources = [s for s in config.sources if s.kind in ONEC_KINDS]
    if not sources:
        raise UsageError(text("cli.sync.no_onec", config=config.config_path))
    return sources


def source_fingerprint(config: MigrationConfig, source: FileSource | ODataSource) -> str:
    """What the source looks like now, as one string that changes whenever a record does."""
    if isinstance(source, ODataSource):
        return fingerprint_of(scan(source))
    return file_fingerprint(config.resolve(source.path))


def fingerprints(config: MigrationConfig, name: str | None = None) -> dict[str, str]:
    return {s.name: source_fingerprint(config, s) for s in onec_sources(config, name)}


def changed_sources(now: dict[str, str], seen: dict[str, str]) -> list[str]:
    return [name for name, fp in now.items() if seen.get(name) != fp]


def stored_fingerprints(url: str) -> dict[str, str]:
    """Fingerprints of the last successful load, from the target database."""
    return {source: fp for source, (fp, _) in read_sync_state(url).items()}


def _request_key(now: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]


def next_request(
    now: dict[str, str], synced: dict[str, str], cursor: dict, status_of: dg.DagsterRunStatus | None
) -> tuple[str | None, dict, str]:
    """(run key to request or None, the new cursor, why) for one sensor tick.

    ``synced`` are the fingerprints of the last successful load; ``cursor`` the last request
    ({"key", "attempt", "run_key"}); ``status_of`` the status of that request's run, if any.
    """
    changed = changed_sources(now, synced)
    if not changed:
        return None, {}, text("sync.sensor_no_change")
    key = _request_key(now)
    attempt = 1
    if cursor.get("key") == key:  # asked before for this very state of 1C, and it is not synced yet
        if status_of in _UNFINISHED:
            return None, cursor, text("sync.sensor_running", run_key=cursor["run_key"])
        attempt = cursor.get("attempt", 1) + 1 if status_of is not None else cursor.get("attempt", 1)
    run_key = key if attempt == 1 else f"{key}-{attempt}"
    return run_key, {"key": key, "attempt": attempt, "run_key": run_key, "sources": changed}, ",".join(changed)


def _run_status(context: dg.SensorEvaluationContext, run_key: str | None) -> dg.DagsterRunStatus | None:
    """The status of the run the sensor requested under ``run_key``; None when there is none (yet)."""
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:  # a context built without an instance (a unit test)
        return None
    if not run_key:
        return None
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": run_key}), limit=1)
    return runs[0].status if runs else None


def build_sync_automation(config_path: str, job_name: str = "migration_job") -> list:
    """The job, sensor and schedule for ``dagster dev`` / a daemon: both start stopped, an operator turns them on."""
    job = dg.define_asset_job(job_name, selection=dg.AssetSelection.all(), description=text("dagster.job"))

    @dg.sensor(
        job=job,
        minimum_interval_seconds=SENSOR_INTERVAL,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=text("dagster.sensor"),
    )
    def onec_changes(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        try:
            config = load_config(config_path)
            now = fingerprints(config)
            synced = stored_fingerprints(config.target_url())
        except UsageError as exc:
            return dg.SkipReason(str(exc))
        except (ConfigError, SourceError) as exc:
            return dg.SkipReason(text("sync.sensor_cannot_look", error=exc))
        cursor = json.loads(context.cursor) if context.cursor else {}
        status = _run_status(context, cursor.get("run_key"))
        run_key, cursor, why = next_request(now, synced, cursor, status)
        if run_key is None:
            return dg.SensorResult(skip_reason=why, cursor=json.dumps(cursor, sort_keys=True))
        request = dg.RunRequest(run_key=run_key, tags={"crm-migrate/sync": why})
        return dg.SensorResult(run_requests=[request], cursor=json.dumps(cursor, sort_keys=True))

    config = load_config(config_path)
    schedule = dg.ScheduleDefinition(
        name="nightly_sync",
        job=job,
        cron_schedule=config.sync.cron,
        execution_timezone=config.sync.timezone,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=text("dagster.schedule"),
    )
    return [job, onec_changes, schedule]
