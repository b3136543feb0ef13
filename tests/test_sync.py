"""Incremental sync from 1C end to end: a fake 1C OData server, the CLI, the target database and the sensor."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from cli.main import EXIT_FAILED, EXIT_USAGE, main
from pipelines.definitions import build_definitions
from pipelines.sync import next_request
from tests.clientdata import write_dataset
from tests.fake_onec import FakeOneC, bp_contact, counterparty
from vocabulary.messages import set_language

PASSWORD = "s3cret-1c"
FIXTURES = Path(__file__).parent / "fixtures" / "onec_xml"
COUNTERPARTIES = "Catalog_Контрагенты"


def onec_catalogs() -> dict[str, list[dict]]:
    return {
        COUNTERPARTIES: [
            counterparty(1, "Ромашка ООО", inn="7707083893", kpp="773601001", phones=["+7 (495) 123-45-67"]),
            counterparty(2, "Василёк ООО", inn="7702070139", kpp="770201001", phones=["8 812 555-00-11"]),
        ],
        "Catalog_КонтактныеЛица": [
            bp_contact(11, "Орлова Вера Павловна", 2, position="директор", emails=["orlova@vasilek.ru"])
        ],
    }


def onec_config(folder: Path, url: str, target: str) -> Path:
    return write_dataset(
        folder,
        target=target,
        extra_yaml=f"""  - name: buh_1c
    kind: onec_odata
    url: {url}
    user: odata
    password_env: ONEC_TEST_PASSWORD
""",
    )


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.fixture
def onec(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ONEC_TEST_PASSWORD", PASSWORD)
    with FakeOneC(onec_catalogs(), user="odata", password=PASSWORD) as fake:
        yield fake


def test_sync_loads_only_when_1c_changed(
    tmp_path: Path, onec: FakeOneC, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    config = str(onec_config(tmp_path, onec.url, target_url))
    assert main(["run", "--config", config]) == 0
    names = {r[0] for r in rows(target_url, "SELECT name FROM companies WHERE deleted_at IS NULL")}
    assert {'ООО "Ромашка"', 'ООО "Василёк"'} <= names
    assert rows(target_url, "SELECT full_name, position FROM contacts WHERE full_name LIKE 'Орлова%'") == [
        ("Орлова Вера Павловна", "Директор")
    ]
    capsys.readouterr()

    assert main(["sync", "--config", config]) == 0
    assert "В 1С ничего не изменилось с прошлой синхронизации (buh_1c)" in capsys.readouterr().out

    onec.change(COUNTERPARTIES, onec.catalogs[COUNTERPARTIES][1]["Ref_Key"], Description="Василёк-Плюс ООО")
    assert main(["sync", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "Изменилось в 1С с прошлой синхронизации: buh_1c" in out and "создано 0, обновлено 1" in out
    assert main(["sync", "--config", config]) == 0
    assert "ничего не изменилось" in capsys.readouterr().out

    onec.remove(COUNTERPARTIES, onec.catalogs[COUNTERPARTIES][1]["Ref_Key"])
    assert main(["sync", "--config", config]) == EXIT_FAILED  # 1 of 3 is more than max_delete_share (10%)
    assert main(["sync", "--config", config, "--allow-deletes"]) == 0
    assert rows(target_url, "SELECT COUNT(*) FROM companies WHERE inn = '7702070139' AND deleted_at IS NOT NULL") == [
        (1,)
    ]


def test_sync_errors_are_one_line(tmp_path: Path, onec: FakeOneC, capsys: pytest.CaptureFixture) -> None:
    plain = write_dataset(tmp_path)
    assert main(["sync", "--config", str(plain)]) == EXIT_USAGE
    assert "нет источника 1С" in capsys.readouterr().err
    config = str(onec_config(tmp_path, onec.url, "sqlite:///crm.db"))
    assert main(["sync", "--config", config, "--source", "old_crm"]) == EXIT_USAGE
    assert "это источник вида excel" in capsys.readouterr().err
    onec.password = "changed-in-1c"
    assert main(["sync", "--config", config]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "401" in err and PASSWORD not in err and len(err.strip().splitlines()) == 1


def test_sensor_requests_a_run_per_change_and_reads_the_schedule_from_the_config(
    tmp_path: Path, onec: FakeOneC
) -> None:
    config = onec_config(tmp_path, onec.url, f"sqlite:///{tmp_path / 'crm.db'}")
    config.write_text(config.read_text() + "sync: {cron: '30 1 * * *', timezone: Asia/Vladivostok}\n")
    defs = build_definitions(str(config))
    sensor = defs.resolve_sensor_def("onec_changes")
    first = sensor.evaluate_tick(dg.build_sensor_context(cursor=None))
    assert len(first.run_requests) == 1 and first.run_requests[0].tags["crm-migrate/sync"] == "buh_1c"
    unsynced = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor))  # no run recorded: same request
    assert [r.run_key for r in unsynced.run_requests] == [first.run_requests[0].run_key]
    onec.add(COUNTERPARTIES, counterparty(3, "Лютик АО", inn="7736050003"))
    again = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor))
    assert len(again.run_requests) == 1 and again.run_requests[0].run_key != first.run_requests[0].run_key
    schedule = defs.resolve_schedule_def("nightly_sync")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 1 * * *", "Asia/Vladivostok")


@pytest.mark.parametrize(
    ("synced", "cursor", "status", "expected_key", "why"),
    [
        ({"buh": "fp1"}, {}, None, None, "no change"),  # the target has what 1C has
        ({}, {}, None, "K", "buh"),  # never synced
        ({"buh": "old"}, {"key": "K", "attempt": 1, "run_key": "K"}, None, "K", "buh"),  # not launched yet: same key
        (
            {"buh": "old"},
            {"key": "K", "attempt": 1, "run_key": "K"},
            dg.DagsterRunStatus.STARTED,
            None,
            "still running",
        ),
        ({"buh": "old"}, {"key": "K", "attempt": 1, "run_key": "K"}, dg.DagsterRunStatus.FAILURE, "K-2", "buh"),
        ({"buh": "old"}, {"key": "K", "attempt": 2, "run_key": "K-2"}, dg.DagsterRunStatus.CANCELED, "K-3", "buh"),
        # the run succeeded but 1C changed again meanwhile: a new state, a new key
        ({"buh": "old"}, {"key": "other", "attempt": 1, "run_key": "other"}, dg.DagsterRunStatus.SUCCESS, "K", "buh"),
    ],
    ids=["synced", "first", "pending", "running", "failed", "failed twice", "changed again"],
)
def test_sensor_cursor_advances_only_past_a_successful_sync(
    synced: dict, cursor: dict, status: object, expected_key: str | None, why: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipelines.sync._request_key", lambda now: "K")
    set_language("en")
    try:
        run_key, new_cursor, reason = next_request({"buh": "fp1"}, synced, cursor, status)
    finally:
        set_language("ru")
    assert run_key == expected_key and why in reason
    if run_key:
        assert new_cursor["run_key"] == run_key


def test_exchange_file_source_runs_and_syncs_on_a_new_export(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    orders = tmp_path / "orders.xml"
    orders.write_bytes((FIXTURES / "orders.xml").read_bytes())
    config = str(write_dataset(tmp_path, extra_yaml="  - name: site\n    kind: onec_xml\n    path: orders.xml\n"))
    assert main(["run", "--config", config]) == 0
    read = capsys.readouterr().out
    assert "site " in read and "Компании:" in read
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    linked = rows(db, "SELECT COUNT(*) FROM source_links WHERE source = 'site' AND deleted_at IS NULL")[0][0]
    assert linked > 0
    assert main(["sync", "--config", config]) == 0
    assert "В 1С ничего не изменилось с прошлой синхронизации (site)" in capsys.readouterr().out
    orders.write_bytes(orders.read_bytes().replace(b"</", b"\n</", 1))  # the same data, exported again
    assert main(["sync", "--config", config, "--source", "site"]) == 0
    out = capsys.readouterr().out
    assert "Изменилось в 1С с прошлой синхронизации: site" in out and "создано 0, обновлено 0" in out
