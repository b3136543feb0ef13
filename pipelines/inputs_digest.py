"""What a run's result depends on besides its sources: the config's settings, the code, the reviewers' decisions.

Both shortcuts compare these: an unchanged re-run (``pipelines.unchanged``) and a sync that matches
only what changed (``pipelines.incremental``) — a change of any of them means every record is matched anew.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from connectors.crm_db.decisions import read_decisions
from pipelines.config import MigrationConfig

_PACKAGES = ("cli", "pipelines", "connectors", "transforms", "validators", "vocabulary")


@cache
def code_version() -> str:
    """SHA-256 over the project's own files: any code change, released or not, makes every input new."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def decisions_digest(url: str) -> str:
    frame = read_decisions(url)
    rows = sorted(map(str, frame.itertuples(index=False, name=None)))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def settings(config: MigrationConfig, url: str) -> dict:
    """Everything but the sources: the config's settings, the code version and the decisions' digest."""
    return {
        "config": config.model_dump(mode="json", exclude={"target", "crm"}),
        "code": code_version(),
        "decisions": decisions_digest(url),
    }


def settings_digest(config: MigrationConfig, url: str) -> str:
    return hashlib.sha256(json.dumps(settings(config, url), sort_keys=True).encode()).hexdigest()
