"""What a consultant sees in the Dagster UI: typed column schemas, table previews, privacy, blocking checks."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from cli.runner import execute
from pipelines.checks import build_checks, duplicate_identifiers
from pipelines.resources import MigrationConfigResource
from pipelines.stages import GoldenRecords, IntakeFacts
from tests.clientdata import write_dataset


def _metadata(asset: str) -> dict:
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    return event.asset_materialization.metadata


def test_column_schema_has_real_types_and_the_preview_is_a_table(tmp_path: Path) -> None:
    execute(write_dataset(tmp_path), target=None, dry_run=True)
    normalised = _metadata("normalised")
    types = {c.name: c.type for c in normalised["dagster/column_schema"].schema.columns}
    assert types["name"] == "text" and types["phones"] == "list of Phone" and types["_payload"] == "text"
    assert isinstance(normalised["preview"], dg.TableMetadataValue) and normalised["preview"].records
    validated = {c.name: c for c in _metadata("validated")["dagster/column_schema"].schema.columns}
    assert validated["name"].constraints.nullable is False
    assert any("text of 1 to 500" in o for o in validated["name"].constraints.other)


def test_previews_off_keeps_client_rows_out_of_the_metadata(tmp_path: Path) -> None:
    execute(write_dataset(tmp_path, extra_yaml="privacy: {previews: false}\n"), target=None, dry_run=True)
    for asset in ("extract_old_crm", "normalised", "validated", "quarantine", "matched", "golden"):
        metadata = _metadata(asset)
        assert "preview" not in metadata and metadata["dagster/row_count"].value >= 0


def test_duplicate_identifiers_warns_without_blocking_the_load(tmp_path: Path) -> None:
    companies = pd.DataFrame(
        {"name": ["Альфа", "Альфа-М"], "inn": ["7701234567"] * 2, "kpp": ["770101001"] * 2, "city": ["Москва"] * 2},
        dtype=object,
    )
    golden = GoldenRecords(companies, pd.DataFrame(), pd.DataFrame(), IntakeFacts({}, {}, set(), pd.DataFrame()))
    result = duplicate_identifiers(migration=MigrationConfigResource(path=str(write_dataset(tmp_path))), golden=golden)
    assert not result.passed and result.metadata["companies_sharing_inn_kpp"].value == 2
    assert result.severity == dg.AssetCheckSeverity.WARN
    (check,) = [c for c in build_checks() if c.check_key.name == "duplicate_identifiers"]
    assert not any(spec.blocking for spec in check.check_specs)


def test_each_run_writes_its_quality_workbook_and_the_asset_points_at_it(tmp_path: Path) -> None:
    summary = execute(write_dataset(tmp_path), target=None, dry_run=False)
    workbook = tmp_path / "reports" / f"quality-{summary.run_id}.xlsx"
    assert workbook.is_file() and workbook.stat().st_size > 0
    assert _metadata("quality_report")["workbook"].value == str(workbook)


def test_report_dir_null_writes_no_workbook(tmp_path: Path) -> None:
    execute(write_dataset(tmp_path, extra_yaml="report_dir: null\n"), target=None, dry_run=False)
    assert not (tmp_path / "reports").exists() and "workbook" not in _metadata("quality_report")


def test_a_failed_blocking_check_stops_the_run_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record neither in a golden record nor quarantined (forced here): the load never starts, the message
    names the check."""
    from cli.runner import RunFailed
    from pipelines import checks, definitions

    failing = dg.AssetCheckResult(passed=False)
    config = write_dataset(tmp_path)

    @dg.asset_check(asset="golden", blocking=True, name="reconciliation_before_load")
    def always_fails() -> dg.AssetCheckResult:
        return failing

    def with_failing() -> list[dg.AssetChecksDefinition]:
        built = checks.build_checks()
        return [always_fails if c.check_key.name == "reconciliation_before_load" else c for c in built]

    monkeypatch.setattr(definitions, "build_checks", with_failing)
    with pytest.raises(RunFailed) as failed:
        execute(config, target=None, dry_run=False)
    assert str(failed.value).startswith("проверка перед загрузкой не пройдена (golden: reconciliation_before_load)")
    assert "\n" not in str(failed.value) and not (tmp_path / "crm.db").exists()
