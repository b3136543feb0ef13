"""Execute the asset graph in-process for the CLI; with $DAGSTER_HOME set the run shows in the UI."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db.engine import TargetError
from connectors.errors import SourceError
from pipelines.checks import ALL_CHECKS
from pipelines.config import ConfigError, mask_url
from pipelines.graph import build_assets
from pipelines.loading import RunSummary
from pipelines.resources import CrmTargetResource, MigrationConfigResource

# Errors whose message is written for the user; anything else is a bug and keeps its type name.
USER_ERRORS = (ConfigError, SourceError, TargetError, ValueError)


def scrub(text: str, url: str) -> str:
    """``text`` with the target's password (if any) masked."""
    password = make_url(url).password
    return text.replace(str(password), "***") if password else text


class RunFailed(Exception):
    """The run failed and the target was left as it was."""

    def scrubbed(self, url: str) -> str:
        """The message with the target's password (if any) masked."""
        return scrub(str(self), url)


# A local instance keeps runs and events in its folder; client data should not feed usage telemetry,
# and the UI opens on the asset graph, not on the "Join the Dagster community" dialog (nux).
LOCAL_INSTANCE_YAML = "telemetry:\n  enabled: false\nnux:\n  enabled: false\n"
_NUX_OFF = "nux:\n  enabled: false\n"


def ensure_dagster_home() -> None:
    """Create $DAGSTER_HOME with a local dagster.yaml if it does not exist yet (a fresh clone, a new folder);
    an instance created before the dialog was switched off gets the ``nux`` setting added."""
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():
        instance_yaml.write_text(LOCAL_INSTANCE_YAML, encoding="utf-8")
        return
    current = instance_yaml.read_text(encoding="utf-8")
    if not any(line.startswith("nux:") for line in current.splitlines()):
        instance_yaml.write_text(current.rstrip("\n") + "\n" + _NUX_OFF, encoding="utf-8")


def _instance() -> dg.DagsterInstance:
    """The $DAGSTER_HOME instance, so runs show in the UI; an ephemeral one when it is not set."""
    if not os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.ephemeral()
    ensure_dagster_home()
    return dg.DagsterInstance.get()


def _explain(exc: BaseException, url: str) -> str:
    if isinstance(exc, USER_ERRORS):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return f"target {mask_url(url)}: {detail}"
    return f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


def _up_to(asset: str) -> dg.AssetSelection:
    """``asset`` and everything it depends on (with the other outputs of any multi-asset on the way)."""
    return dg.AssetSelection.assets(asset).upstream().required_multi_asset_neighbors()


def execute(config_path: Path, *, target: str | None, dry_run: bool, debug: bool = False,
            until: str = "loaded") -> RunSummary | Any:
    """Materialise the graph up to ``until`` (default: all of it, with its checks); return that asset's value.

    Raises RunFailed with one line for the user when any step fails.
    """
    path = str(config_path)
    migration = MigrationConfigResource(path=path)
    url = migration.load().target_url(target)
    level = "DEBUG" if debug else "CRITICAL"
    with _instance() as instance:
        try:
            result = dg.materialize(
                [*build_assets(path), *ALL_CHECKS], instance=instance,
                selection=None if until == "loaded" else _up_to(until),
                resources={"migration": migration, "target": CrmTargetResource(url=target or "", dry_run=dry_run),
                           "io_manager": dg.InMemoryIOManager()},
                run_config={"loggers": {"console": {"config": {"log_level": level}}}},
                tags={"crm-migrate/dry_run": str(dry_run).lower(), "crm-migrate/target": mask_url(url)},
            )
        except Exception as exc:  # noqa: BLE001 — every failure becomes one line (--debug re-raises)
            cause = (exc.user_exception or exc) if isinstance(exc, dg.DagsterExecutionStepExecutionError) else exc
            raise RunFailed(_explain(cause, url)) from cause
        return result.output_for_node(until)
