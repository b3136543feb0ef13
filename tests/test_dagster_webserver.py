"""The Dagster UI as a consultant opens it: a real ``dagster-webserver`` on localhost, asked through GraphQL.

The webserver loads ``workspace.yaml`` from the repository root with ``CRM_MIGRATE_CONFIG``
pointing at a copy of ``sample_data`` (its own SQLite target) and a fresh ``DAGSTER_HOME``;
the materialisation runs in this process against the same instance, as the CLI does with
``DAGSTER_HOME`` set. Skipped, with the webserver's own last words, when it cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli.runner import execute
from pipelines.instance import ensure_dagster_home

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 45
ASSETS = {"normalised", "validated", "quarantine", "matched", "golden", "loaded", "quality_report"}
CHECKS = {"schema_conformance", "phone_validity", "duplicate_identifiers", "reconciliation"}

NODES = """{ assetNodes { assetKey { path }
  assetChecksOrError { ... on AssetChecks { checks { name blocking
    executionForLatestMaterialization { status evaluation { success } } } } } } }"""
LOADED = """{ assetNodes(assetKeys: [{path: ["loaded"]}]) { assetMaterializations(limit: 1) { runId
  metadataEntries { label ... on IntMetadataEntry { intValue } } } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Webserver:
    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.url, self.env = url, env

    def query(self, query: str) -> dict:
        answer = httpx.post(f"{self.url}/graphql", json={"query": query}, timeout=30).json()
        assert "errors" not in answer, answer["errors"]
        return answer["data"]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Webserver]:
    folder = tmp_path_factory.mktemp("ui")
    data = folder / "data"
    shutil.copytree(ROOT / "sample_data", data, ignore=shutil.ignore_patterns("crm.db", "*.pyc", "__pycache__"))
    home = folder / "dagster_home"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CRM_MIGRATE_CONFIG": str(data / "migration.yaml"),
        "PYTHONPATH": str(ROOT),
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        ensure_dagster_home()
    exe = Path(sys.executable).parent / "dagster-webserver"
    if not exe.exists():
        pytest.skip(f"dagster-webserver is not installed next to {sys.executable}")
    port = _free_port()
    log = (folder / "webserver.log").open("w+")
    process = subprocess.Popen(
        [str(exe), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                last = " | ".join(log.read().strip().splitlines()[-3:])
                pytest.skip(f"dagster-webserver did not start within {STARTUP_SECONDS} s: {last or 'no output'}")
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield Webserver(url, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _nodes(server: Webserver) -> dict[str, dict]:
    nodes = server.query(NODES)["assetNodes"]
    return {"/".join(n["assetKey"]["path"]): n for n in nodes}


def _checks(nodes: dict[str, dict]) -> dict[str, dict]:
    return {c["name"]: c for n in nodes.values() for c in (n["assetChecksOrError"].get("checks") or [])}


def test_the_ui_lists_the_assets_and_their_checks(webserver: Webserver) -> None:
    nodes = _nodes(webserver)
    assert ASSETS <= set(nodes)
    assert {"extract_old_crm", "extract_buh_1c", "extract_contacts"} <= set(nodes)  # one per source
    assert CHECKS <= set(_checks(nodes))


def test_a_materialisation_shows_row_counts_and_check_results(
    webserver: Webserver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", webserver.env["DAGSTER_HOME"])
    summary = execute(Path(webserver.env["CRM_MIGRATE_CONFIG"]), target=None, dry_run=False)
    (loaded,) = webserver.query(LOADED)["assetNodes"]
    (materialisation,) = loaded["assetMaterializations"]
    assert materialisation["runId"] == summary.run_id
    metadata = {e["label"]: e.get("intValue") for e in materialisation["metadataEntries"]}
    assert metadata["dagster/row_count"] > 0
    checks = _checks(_nodes(webserver))
    for name in CHECKS:
        execution = checks[name]["executionForLatestMaterialization"]
        assert execution is not None and execution["status"] in ("SUCCEEDED", "FAILED"), name
        assert execution["evaluation"]["success"] is (execution["status"] == "SUCCEEDED")
    assert checks["reconciliation"]["executionForLatestMaterialization"]["status"] == "SUCCEEDED"
