"""The local Dagster instance that `make ui` and the CLI create: no telemetry, no community dialog."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.instance import ensure_dagster_home


def test_a_new_instance_opens_without_the_community_dialog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    ensure_dagster_home()
    settings = yaml.safe_load((tmp_path / "home" / "dagster.yaml").read_text(encoding="utf-8"))
    assert settings == {"telemetry": {"enabled": False}, "nux": {"enabled": False}}
    with dg.DagsterInstance.get() as instance:  # Dagster accepts the file
        assert instance.get_settings("nux") == {"enabled": False}


def test_an_older_instance_gets_the_setting_and_keeps_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: true\n", encoding="utf-8")
    ensure_dagster_home()
    ensure_dagster_home()  # once is enough
    assert yaml.safe_load((tmp_path / "dagster.yaml").read_text(encoding="utf-8")) == {
        "telemetry": {"enabled": True},
        "nux": {"enabled": False},
    }
