"""A `run` whose every input is as the last load left it does no work and writes only its migration_runs row."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cli.main import main
from connectors.crm_db.decisions import save_decisions
from tests.clientdata import BUH_ROWS, write_dataset

TABLES = (
    "companies",
    "contacts",
    "contact_companies",
    "phones",
    "emails",
    "source_links",
    "quarantine",
    "review_pairs",
    "sync_state",
    "change_journal",
)


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(tuple(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {t}"))) for t in TABLES}
    finally:
        engine.dispose()


def runs(url: str) -> list[tuple[str, str, int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text("SELECT id, status, records_read FROM migration_runs ORDER BY started_at, finished_at")
                )
            ]
    finally:
        engine.dispose()


def run_json(capsys: pytest.CaptureFixture, *args: str) -> dict:
    assert main(["run", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_unchanged_rerun_writes_only_its_run_row(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    config = str(write_dataset(tmp_path, target=target_url))
    first = run_json(capsys, "--config", config)
    before = snapshot(target_url)

    again = run_json(capsys, "--config", config)

    assert again["unchanged_since"] == first["run_id"]
    assert snapshot(target_url) == before
    assert runs(target_url) == [
        (first["run_id"], "success", sum(first["records_read"].values())),
        (again["run_id"], "unchanged", sum(first["records_read"].values())),
    ]
    for entity in ("companies", "contacts"):
        loaded = first[entity]
        assert again[entity] == {
            "created": 0,
            "updated": 0,
            "deleted": 0,
            "merged": loaded["merged"],
            "unchanged": loaded["created"] + loaded["updated"] + loaded["unchanged"],
        }
    assert again["quarantined"] == first["quarantined"]


def test_unchanged_rerun_says_so_in_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + "language: en\n", encoding="utf-8")
    assert main(["run", "--config", str(config)]) == 0
    first = capsys.readouterr().out
    assert main(["run", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    first_id = first.split(", run ")[1].split()[0]
    assert f"Nothing changed since run {first_id}" in out
    assert "crm-migrate run --full" in out


def _edit_source(folder: Path, config: str, url: str) -> list[str]:
    write_dataset(folder, buh_rows=[*BUH_ROWS, ["003", 'ООО "Тюльпан"', "7701234567", None, None]], target=url)
    return []


def _edit_config(folder: Path, config: str, url: str) -> list[str]:
    path = Path(config)
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: test-client", "name: test-client-2"), encoding="utf-8"
    )
    return []


def _review_decision(folder: Path, config: str, url: str) -> list[str]:
    save_decisions(
        url,
        [
            {
                "entity": "company",
                "left_source": "buh",
                "left_key": "001",
                "right_source": "buh",
                "right_key": "002",
                "decision": "different",
            }
        ],
    )
    return []


def _undo_last_load(folder: Path, config: str, url: str) -> list[str]:
    last = runs(url)[-1][0]
    assert main(["undo", "--config", config, "--run", last]) == 0
    return []


def _full(folder: Path, config: str, url: str) -> list[str]:
    return ["--full"]


def _dry_run(folder: Path, config: str, url: str) -> list[str]:
    return ["--dry-run"]


@pytest.mark.parametrize(
    "change",
    [_edit_source, _edit_config, _review_decision, _undo_last_load, _full, _dry_run],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_run_does_the_work_when_an_input_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture, change: Callable[[Path, str, str], list[str]]
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = str(write_dataset(tmp_path, target=url))
    run_json(capsys, "--config", config)

    options = change(tmp_path, config, url)
    capsys.readouterr()
    summary = run_json(capsys, "--config", config, *options)

    assert "unchanged_since" not in summary
    assert "unchanged" not in {status for _, status, _ in runs(url)}


def test_the_run_after_a_full_one_is_unchanged_again(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = str(write_dataset(tmp_path, target=url))
    run_json(capsys, "--config", config)
    _edit_source(tmp_path, config, url)
    second = run_json(capsys, "--config", config)
    assert run_json(capsys, "--config", config)["unchanged_since"] == second["run_id"]
