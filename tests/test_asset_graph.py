"""The asset graph is a reviewed contract: keys, dependencies and checks match the snapshot.

After an intended change: CRM_UPDATE_SNAPSHOTS=1 pytest tests/test_asset_graph.py, then
review the diff of tests/snapshots/asset_graph.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipelines.config import DEFAULT_CONFIG
from pipelines.definitions import build_definitions
from tests.clientdata import write_dataset
from vocabulary.messages import current_language

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def graph_of(config_path: Path) -> dict[str, dict]:
    """Asset key → group, description, kinds, upstream keys and checks, for the definitions of a config."""
    graph = build_definitions(str(config_path)).resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "description": node.description,
            "kinds": sorted(node.kinds),
            "deps": sorted(d.to_user_string() for d in node.parent_keys),
            "checks": {
                c.name: [graph.get_check_spec(c).description, graph.get_check_spec(c).blocking]
                for c in sorted(node.check_keys, key=lambda c: c.name)
            },
        }
    return assets


def automation_of(config_path: Path) -> dict[str, dict]:
    """The jobs, sensors and schedules a config's definitions offer, with what they run and when."""
    defs = build_definitions(str(config_path))
    jobs = {
        j.name: {"description": j.description, "executor": j.executor_def.name}
        for j in defs.resolve_all_job_defs()
        if not j.name.startswith("__")
    }
    sensors = {
        s.name: {
            "job": s.job_name,
            "interval": s.minimum_interval_seconds,
            "default_status": s.default_status.value,
            "description": s.description,
        }
        for s in defs.sensors or []
    }
    schedules = {
        s.name: {
            "job": s.job_name,
            "cron": s.cron_schedule,
            "timezone": s.execution_timezone,
            "default_status": s.default_status.value,
            "description": s.description,
        }
        for s in defs.schedules or []
    }
    return {"jobs": jobs, "sensors": sensors, "schedules": schedules}


def test_asset_graph_matches_snapshot() -> None:
    current = {
        "config": "sample_data/migration.yaml",
        "assets": graph_of(DEFAULT_CONFIG),
        **automation_of(DEFAULT_CONFIG),
    }
    if os.environ.get("CRM_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_one_extract_asset_per_source(tmp_path: Path) -> None:
    assets = graph_of(write_dataset(tmp_path))
    assert {a for a in assets if a.startswith("extract_")} == {"extract_old_crm", "extract_buh"}
    assert assets["normalised"]["deps"] == ["extract_buh", "extract_old_crm"]


def test_descriptions_speak_the_config_language(tmp_path: Path) -> None:
    config = write_dataset(tmp_path)
    config.write_text("language: en\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    english, russian = graph_of(config), json.loads(SNAPSHOT.read_text(encoding="utf-8"))["assets"]
    assert english["golden"]["description"] == "One golden record per real company and person (field survivorship)."
    assert english["normalised"]["checks"]["phone_validity"][0] == "At least 80% of phone numbers are valid."
    assert russian["golden"]["description"].startswith("Одна эталонная запись")
    assert automation_of(config)["jobs"]["migration_job"]["description"] == (
        "The whole migration: extract, clean, match and load."
    )
    assert current_language() == "ru"  # building the definitions leaves the process language as it was
