"""The local Dagster instance folder ($DAGSTER_HOME) that `make ui` and the CLI share."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

# A local instance keeps runs and events in its folder. Client data should not feed usage
# telemetry, and the UI opens without the "join the community" dialog.
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


def local_instance() -> dg.DagsterInstance:
    """The $DAGSTER_HOME instance, so runs show in the UI; an ephemeral one when it is not set."""
    if not os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.ephemeral()
    ensure_dagster_home()
    return dg.DagsterInstance.get()
