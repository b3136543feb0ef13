"""The target's safety around a load, on SQLite, PostgreSQL and MariaDB: one writer at a time, a killed
load leaves nothing behind, the schema is ours alone, no secret or client value in an error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import op
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from bench.golden_data import expected_keys, golden_frames
from connectors.crm_db import schema as s
from connectors.crm_db.engine import (
    LEGACY_VERSION_TABLE,
    VERSION_TABLE,
    TargetError,
    connect,
    current_revision,
    head_revision,
    scrub_error,
    upgrade,
)
from connectors.crm_db.load import LoadResult, RunInfo, load, record_failure, run_row, utcnow
from connectors.crm_db.lock import target_lock
from pipelines.config import _expand_env
from tests.load_inputs import english_messages
from tests.test_load_targets import snapshot

ROOT = Path(__file__).resolve().parent.parent

# A child that loads synthetic records into argv[1]; it says "ready" when it holds the lock and,
# with argv[3] == "stall", stops inside the load's transaction (after its inserts) until killed.
_CHILD = """
import sys, time
from bench.golden_data import expected_keys, golden_frames
from connectors.crm_db import load as loader
from connectors.crm_db.lock import target_lock
url, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
companies, contacts, quarantine = golden_frames(n)
run = loader.RunInfo(f"child-{mode}", "test", loader.utcnow(), False, ("erp",), 2 * n)
if mode == "stall":
    def stall(self, quarantined):
        print("ready", flush=True)
        time.sleep(600)
    loader._Loader.retire_missing = stall
    loader.load(url, run, companies, contacts, quarantine, expected_keys(companies, contacts))
else:
    with target_lock(url):
        print("ready", flush=True)
        sys.stdin.readline()  # hold the lock until the parent says so
"""


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with english_messages():
        yield


def child(url: str, mode: str, n: int = 50) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(n), mode],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def load_records(url: str, run_id: str, n: int = 50, **run: object) -> LoadResult:
    companies, contacts, quarantine = golden_frames(n)
    info = RunInfo(run_id, "test", utcnow(), False, ("erp",), 2 * n, **run)
    return load(url, info, companies, contacts, quarantine, expected_keys(companies, contacts))


# -- locks ------------------------------------------------------------------------------
def test_a_second_writer_waits_with_a_message_then_fails_cleanly(target_url: str) -> None:
    holder = child(target_url, "hold")
    try:
        told: list[str] = []
        with pytest.raises(TargetError) as timeout, target_lock(target_url, 0.5, on_wait=told.append):
            pass
        assert len(told) == 1 and "in use by another crm-migrate command" in told[0]
        assert "after 0.5 s; nothing was written" in str(timeout.value) and "\n" not in str(timeout.value)
    finally:
        holder.communicate("go\n", timeout=30)
    with target_lock(target_url, 0):  # released with the holder
        pass


def test_a_second_run_waits_for_the_first_then_proceeds(target_url: str) -> None:
    holder = child(target_url, "hold")
    finishing = threading.Timer(1.0, holder.communicate, args=("go\n",))  # the first command ends in a second
    finishing.start()
    told: list[str] = []
    try:
        with target_lock(target_url, 60, on_wait=told.append):  # the CLI's lock around the whole command
            result = load_records(target_url, "second")  # the load takes it again in this process: re-entrant
    finally:
        finishing.join()
    assert len(told) == 1 and result.companies.created == 50


def test_a_load_killed_mid_transaction_leaves_the_target_unchanged_and_the_next_run_completes(target_url: str) -> None:
    load_records(target_url, "first", n=20)
    before = snapshot(target_url)
    stalled = child(target_url, "stall", n=400)  # inserted 380 new companies, not committed
    stalled.send_signal(signal.SIGKILL)
    stalled.wait(timeout=30)
    assert snapshot(target_url) == before
    result = load_records(target_url, "next", n=400)  # no stale lock, no half-written rows in the way
    assert (result.companies.created, result.companies.unchanged) == (380, 20)


# -- schema ownership ------------------------------------------------------------------
def test_the_version_lives_in_its_own_table_and_an_old_alembic_version_is_adopted(target_url: str) -> None:
    engine = connect(target_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:  # a target made before 0004: our revision in the shared alembic_version
            revision = current_revision(conn)
            conn.execute(text(f"DROP TABLE {VERSION_TABLE}"))
            conn.execute(text(f"CREATE TABLE {LEGACY_VERSION_TABLE} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
            conn.execute(text(f"INSERT INTO {LEGACY_VERSION_TABLE} VALUES ('host_app_1'), (:v)"), {"v": revision})
        upgrade(engine)
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            # the host application's own revision stays where it was
            assert conn.execute(text(f"SELECT version_num FROM {LEGACY_VERSION_TABLE}")).scalars().all() == [
                "host_app_1"
            ]
    finally:
        engine.dispose()


def test_tables_of_the_same_name_that_are_not_ours_are_refused(target_url: str) -> None:
    engine = connect(target_url)
    theirs = Table("companies", MetaData(), Column("id", Integer, primary_key=True), Column("title", String(50)))
    try:
        with engine.begin() as conn:
            theirs.create(conn)
            conn.execute(insert(theirs).values(id=1, title="their data"))
        with pytest.raises(TargetError, match="already has tables companies that crm-migrate did not create"):
            upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(select(theirs.c.title)).scalars().all() == ["their data"]
            assert not inspect(conn).has_table("source_links")
    finally:
        engine.dispose()


def test_a_first_creation_cut_short_is_undone_or_completed(target_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    created = op.create_table
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("connection lost")
        return created(*args, **kwargs)

    engine = connect(target_url)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(op, "create_table", failing)
            with pytest.raises(RuntimeError):
                upgrade(engine)
        if not target_url.startswith("mysql"):  # transactional DDL: nothing of it is left
            assert not set(inspect(engine).get_table_names()) & set(s.metadata.tables)
        upgrade(engine)  # MariaDB: the empty half-made tables are recognised and made again
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
    finally:
        engine.dispose()


# -- secrets and client data in errors -----------------------------------------------
def test_a_database_error_is_stored_and_shown_without_sql_values_or_password(target_url: str) -> None:
    engine = connect(target_url)
    upgrade(engine)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(s.migration_runs).values(
                    run_row(RunInfo("dup", "t", utcnow(), False, (), 0), LoadResult(), "success", None)
                )
            )
        with pytest.raises(IntegrityError) as error, engine.begin() as conn:
            conn.execute(
                insert(s.migration_runs).values(
                    run_row(
                        RunInfo("dup", "Клиент Иванов +79161234567", utcnow(), False, (), 0),
                        LoadResult(),
                        "success",
                        None,
                    )
                )
            )
    finally:
        engine.dispose()
    url = target_url.replace("://", "://u:s3cret-pw@", 1) if "@" not in target_url else target_url
    line = scrub_error(error.value, url + " s3cret-pw")
    assert "\n" not in line and "[SQL" not in line and "+79161234567" not in line and "s3cret-pw" not in line
    record_failure(target_url, RunInfo("failed", "t", utcnow(), False, (), 0), error.value)
    engine = connect(target_url)
    with engine.connect() as conn:
        stored = conn.execute(select(s.migration_runs.c.error).where(s.migration_runs.c.id == "failed")).scalar_one()
    engine.dispose()
    assert "\n" not in stored and "[SQL" not in stored and "Иванов" not in stored and "INSERT" not in stored


@pytest.mark.parametrize(
    ("template", "expanded"),
    [
        ("postgresql+psycopg://crm:${PW}@db/crm", "postgresql+psycopg://crm:p%40ss%3Aw%2Frd%23%3F@db/crm"),
        ("mysql+pymysql://${PW}:${PW}@db/crm", "mysql+pymysql://p%40ss%3Aw%2Frd%23%3F:p%40ss%3Aw%2Frd%23%3F@db/crm"),
        ("postgresql://db/crm?password=${PW}", "postgresql://db/crm?password=p%40ss%3Aw%2Frd%23%3F"),
        ("sqlite:///${DIR}/crm.db", "sqlite:////srv/data/crm.db"),  # a path is pasted as it is
        ("${WHOLE}", "postgresql://crm:pw@db/crm"),  # so is a whole URL
    ],
)
def test_env_values_inside_urls_are_percent_encoded(
    monkeypatch: pytest.MonkeyPatch, template: str, expanded: str
) -> None:
    monkeypatch.setenv("PW", "p@ss:w/rd#?")
    monkeypatch.setenv("DIR", "/srv/data")
    monkeypatch.setenv("WHOLE", "postgresql://crm:pw@db/crm")
    assert _expand_env(template, "target.url") == expanded
