"""Unchanged input does no work: a `run` whose every input is as the last load found it writes nothing.

The inputs of a run are its sources, its config, the reviewers' decisions stored in the target and
the code itself. Their fingerprints are taken *before* anything is read (as for sync, a change made
during a run is seen by the next one) and stored in ``sync_state`` by the load, with one more row,
``INPUTS_KEY``, holding the digest of them all. A later run computes the digest again: when it
equals the stored one and the run that stored it is still the target's last successful load (not
undone, no load since), the previous clusters, golden records and links stand as they are, the
reconciliation of that load still holds, and the run only records itself in ``migration_runs``.

Anything else a run depends on lives in the target and is left alone by an unchanged run anyway:
fields CRM users changed keep their values, records they deleted stay deleted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from connectors.crm_db.run_log import last_load, stored_state
from pipelines.config import MigrationConfig
from pipelines.inputs_digest import settings
from pipelines.sync import source_fingerprint

INPUTS_KEY = "*inputs"  # the sync_state row of the digest of every input; no source name starts with "*"


@dataclass(frozen=True)
class RunInputs:
    """What a run reads, fingerprinted: one fingerprint per source and the digest of everything."""

    sources: dict[str, str]
    digest: str

    def sync_state(self) -> dict[str, str]:
        """The rows the load stores in ``sync_state`` when it succeeds."""
        return {**self.sources, INPUTS_KEY: self.digest}

    def to_json(self) -> str:
        return json.dumps({"sources": self.sources, "digest": self.digest}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunInputs:
        data = json.loads(text)
        return cls(data["sources"], data["digest"])


def run_inputs(config: MigrationConfig, url: str) -> RunInputs:
    """The inputs as they are now (sources hashed or, for 1C over OData, their cheap fingerprint)."""
    sources = {s.name: source_fingerprint(config, s) for s in config.sources}
    everything = {"sources": sources, **settings(config, url)}
    return RunInputs(sources, hashlib.sha256(json.dumps(everything, sort_keys=True).encode()).hexdigest())


@dataclass(frozen=True)
class Unchanged:
    """The last load, whose inputs equal this run's: its counts stand."""

    run: dict  # the migration_runs row of that load


def unchanged_since(url: str, inputs: RunInputs) -> Unchanged | None:
    """The last load when it read exactly ``inputs``; None when anything changed (or nothing was loaded yet)."""
    stored = stored_state(url, INPUTS_KEY)
    if stored is None or stored[0] != inputs.digest:
        return None
    previous = last_load(url)
    if previous is None or previous["id"] != stored[1]:
        return None  # a later load (from the UI, say) or an undo: the digest is not the target's state
    return Unchanged(previous)
