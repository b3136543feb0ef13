"""Execute the asset graph in-process for the CLI; with $DAGSTER_HOME set the run shows in the UI."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.errors import DagsterAssetCheckFailedError
from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db.engine import scrub_error
from connectors.crm_db.lock import target_lock
from connectors.urls import mask_url, scrub
from pipelines.definitions import build_definitions
from pipelines.handover import HandoverIOManager
from pipelines.instance import local_instance
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import RunSummary
from pipelines.unchanged import RunInputs
from vocabulary.errors import CrmMigrateError, RunFailure
from vocabulary.messages import text

# The CLI's --target reaches the Dagster resource through this variable, so the URL (and any password in
# it) is never stored in the run's resource config.
TARGET_ENV = "CRM_MIGRATE_TARGET_URL"


class RunFailed(RunFailure):
    """The run failed and the target was left as it was; the message is already scrubbed of secrets."""


def _explain(exc: BaseException, url: str) -> str:
    if isinstance(exc, CrmMigrateError):
        return scrub(str(exc), url)
    if isinstance(exc, SQLAlchemyError):
        return text("target.error", target=mask_url(url), detail=scrub_error(exc, url))
    if isinstance(exc, DagsterAssetCheckFailedError):  # a blocking check stopped the run before the load
        checks = ", ".join(line.strip() for line in str(exc).splitlines()[1:])
        return text("common.check_failed", checks=checks)
    return text("common.bug", kind=type(exc).__name__, detail=scrub(str(exc), url))


def _up_to(defs: dg.Definitions, asset: str) -> list[dg.AssetKey]:
    """``asset`` and everything it depends on (with the other outputs of any multi-asset on the way)."""
    selection = dg.AssetSelection.assets(asset).upstream().required_multi_asset_neighbors()
    return sorted(selection.resolve(defs.resolve_asset_graph()), key=lambda k: k.to_user_string())


def _target(target: str | None, options: dict[str, Any]) -> CrmTargetResource:
    if not target:
        return CrmTargetResource(**options)
    os.environ[TARGET_ENV] = target
    return CrmTargetResource(url=dg.EnvVar(TARGET_ENV), **options)


def execute(
    config_path: Path,
    *,
    target: str | None,
    dry_run: bool,
    debug: bool = False,
    until: str = "loaded",
    allow_deletes: bool = False,
    diff: Path | None = None,
    inputs: RunInputs | None = None,
    full: bool = False,
) -> RunSummary | Any:
    """Materialise the graph up to ``until`` (default: all of it, with its checks); return that asset's value.

    A run that writes holds the target's lock (``connectors.crm_db.lock``) from before the extract to the
    commit; the CLI takes it first, with its ``--wait`` (re-entrant). ``inputs`` (fingerprinted before the
    run) are stored with the load, for the next run to compare; ``full`` matches every record again even
    when the target's matching index would let the run match only what changed. Raises RunFailed with one
    line for the user when any step fails.
    """
    path = str(config_path)
    url = MigrationConfigResource(path=path).load().target_url(target)
    options = {
        "dry_run": dry_run,
        "allow_deletes": allow_deletes,
        "diff": str(diff) if diff else "",
        "inputs": inputs.to_json() if inputs else "",
        "full": full,
    }
    with target_lock(url) if not dry_run and until == "loaded" else nullcontext():
        return _execute(path, url, _target(target, options), dry_run=dry_run, debug=debug, until=until)


def _execute(
    path: str, url: str, target: CrmTargetResource, *, dry_run: bool, debug: bool, until: str
) -> RunSummary | Any:
    handover = HandoverIOManager(keep=until)
    defs = build_definitions(path, target=target, handover=handover)
    job = defs.resolve_implicit_global_asset_job_def()
    level = "DEBUG" if debug else "CRITICAL"
    with local_instance() as instance:
        try:
            job.execute_in_process(
                instance=instance,
                asset_selection=None if until == "loaded" else _up_to(defs, until),
                run_config={"loggers": {"console": {"config": {"log_level": level}}}},
                tags={"crm-migrate/dry_run": str(dry_run).lower(), "crm-migrate/target": mask_url(url)},
            )
        except Exception as exc:  # noqa: BLE001 — every failure becomes one line (--debug re-raises)
            cause = (exc.user_exception or exc) if isinstance(exc, dg.DagsterExecutionStepExecutionError) else exc
            raise RunFailed(_explain(cause, url)) from cause
        return handover.result()
