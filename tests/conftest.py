"""Shared fixtures: a fresh target database per test on SQLite, PostgreSQL and MariaDB.

Servers come from $CRM_TEST_POSTGRES / $CRM_TEST_MARIADB (defaults: the local
CI services). A server that cannot be reached skips its tests with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from vocabulary.messages import DEFAULT_LANGUAGE, set_language

SERVERS = {
    "postgres": os.environ.get("CRM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("CRM_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def _server_database(kind: str) -> Iterator[str]:
    admin_url = make_url(SERVERS[kind])
    name = f"crm_t_{uuid.uuid4().hex[:12]}"
    options = {"isolation_level": "AUTOCOMMIT"}
    try:
        admin = create_engine(admin_url, **options)
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:  # noqa: BLE001 — any failure to reach the server means: skip, visibly
        pytest.skip(f"{kind} server not available at {admin_url.render_as_string()}: {type(exc).__name__}")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            drop = f"DROP DATABASE {name} WITH (FORCE)" if kind == "postgres" else f"DROP DATABASE {name}"
            conn.execute(text(drop))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database, for what only PostgreSQL does (skipped, visibly, without the server)."""
    yield from _server_database("postgres")


@pytest.fixture(autouse=True)
def _own_dagster_home(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Each test gets its own Dagster instance folder (not yet created), whatever the caller's $DAGSTER_HOME."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ]
)
def target_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database of each kind, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crm.db'}"
    else:
        yield from _server_database(request.param)


@pytest.fixture(autouse=True)
def _russian_by_default() -> Iterator[None]:
    """Every test starts in the default language; a run with `language: en` sets it for the process."""
    set_language(DEFAULT_LANGUAGE)
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def english() -> None:
    """Messages in English for a test that reads them (Russian is the default, set again after each test)."""
    set_language("en")
