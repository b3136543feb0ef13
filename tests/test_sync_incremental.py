"""Incremental sync against the fake 1C: only new and changed elements are fetched in full, failures are
retried, a capped $top is not the end of the catalog, a failed sync leaves target and sync state as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cli.main import main
from connectors.errors import SourceError
from connectors.onec_odata import ODataOptions, read_catalogs, scan_versions
from tests.fake_onec import FakeOneC, counterparty, guid, retry_without_waiting

PASSWORD = "s3cret-1c"
COUNTERPARTIES = "Catalog_Контрагенты"
INNS = ["7707083893", "7702070139", "7736050003", "7710140679", "7728168971", "7704217370"]


def config(folder: Path, onec: FakeOneC) -> str:
    path = folder / "migration.yaml"
    path.write_text(
        f"""name: sync-test
target: {{url: "sqlite:///{folder / "crm.db"}"}}
sources:
  - name: buh
    kind: onec_odata
    url: {onec.url}
    user: odata
    password_env: ONEC_TEST_PASSWORD
    timeout: 2
    page_size: 10
""",
        encoding="utf-8",
    )
    return str(path)


def scalar(folder: Path, sql: str) -> object:
    engine = create_engine(f"sqlite:///{folder / 'crm.db'}")
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


@pytest.fixture
def onec(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ONEC_TEST_PASSWORD", PASSWORD)
    retry_without_waiting(monkeypatch)
    rows = [
        counterparty(
            n,
            f"Клиент {n} ООО",
            inn=INNS[n % len(INNS)] if n <= len(INNS) else "",
            phones=[f"+7 495 100-{n:02d}-{n:02d}"],
        )
        for n in range(1, 26)
    ]
    with FakeOneC({COUNTERPARTIES: rows}, user="odata", password=PASSWORD) as fake:
        yield fake


def scan_pages(onec: FakeOneC) -> int:
    return sum(1 for r in onec.requests if "DataVersion" in r.query.get("$select", ""))


def test_a_sync_fetches_only_what_changed_and_deletes_what_is_gone(tmp_path: Path, onec: FakeOneC) -> None:
    cfg = config(tmp_path, onec)
    assert main(["run", "--config", cfg]) == 0
    assert onec.full_records[COUNTERPARTIES] == 25
    assert scalar(tmp_path, "SELECT COUNT(*) FROM sync_versions") == 25
    stamp = scalar(tmp_path, "SELECT MAX(updated_at) FROM companies")

    onec.full_records.clear()
    assert main(["run", "--config", cfg]) == 0  # nothing changed: zero full records
    assert onec.full_records[COUNTERPARTIES] == 0

    onec.change(COUNTERPARTIES, guid(7), Description="Клиент 7 Плюс ООО")
    onec.change(COUNTERPARTIES, guid(8), DeletionMark=True)
    onec.remove(COUNTERPARTIES, guid(9))
    onec.add(COUNTERPARTIES, counterparty(40, "Новый ООО", phones=["+7 495 777-00-40"]))
    onec.requests.clear()
    scan_versions(onec.url, "odata", PASSWORD, options=ODataOptions(page_size=10))
    one_scan = scan_pages(onec)
    onec.requests.clear()
    assert main(["sync", "--config", cfg]) == 0
    assert onec.full_records[COUNTERPARTIES] == 3  # the changed, the marked and the new one
    assert scan_pages(onec) == one_scan  # the change check and the extract shared one scan
    assert scalar(tmp_path, "SELECT COUNT(*) FROM companies WHERE deleted_at IS NULL") == 24
    assert (
        scalar(
            tmp_path,
            f"SELECT name FROM companies c JOIN source_links l ON l.crm_id = c.id WHERE l.source_key = '{guid(7)}'",
        )
        == 'ООО "Клиент 7 Плюс"'
    )
    touched = scalar(tmp_path, f"SELECT COUNT(*) FROM companies WHERE updated_at > '{stamp}'")
    assert touched == 4  # 7, 8, 9 and the new 40: no other row changed
    assert scalar(tmp_path, "SELECT COUNT(*) FROM sync_versions") == 25  # 9 is gone, 40 is new, 8 stays marked


def test_a_failed_sync_changes_nothing_and_the_next_one_completes_it(tmp_path: Path, onec: FakeOneC) -> None:
    cfg = config(tmp_path, onec)
    assert main(["run", "--config", cfg]) == 0
    versions = scalar(tmp_path, "SELECT GROUP_CONCAT(data_version) FROM sync_versions")
    onec.change(COUNTERPARTIES, guid(3), Description="Клиент 3 Новый ООО")
    onec.fail(COUNTERPARTIES, status=500, times=5)  # more than the retries: this sync fails
    assert main(["sync", "--config", cfg]) == 1
    assert scalar(tmp_path, "SELECT GROUP_CONCAT(data_version) FROM sync_versions") == versions
    assert scalar(tmp_path, "SELECT COUNT(*) FROM companies WHERE name LIKE '%Новый%'") == 0

    assert main(["sync", "--config", cfg]) == 0
    assert scalar(tmp_path, "SELECT COUNT(*) FROM companies WHERE name LIKE '%Новый%'") == 1


@pytest.mark.parametrize(
    "inject",
    [
        lambda onec: onec.fail(COUNTERPARTIES, status=503, times=2),
        lambda onec: onec.drop(COUNTERPARTIES, times=2),
        lambda onec: onec.slow(COUNTERPARTIES, seconds=0.5, times=2),
    ],
    ids=["5xx", "dropped connection", "slow page"],
)
def test_transient_failures_are_retried(onec: FakeOneC, inject) -> None:
    inject(onec)
    catalogs = read_catalogs(
        onec.url, "odata", PASSWORD, source_name="buh", options=ODataOptions(timeout=0.2, page_size=10, backoff=0)
    )
    assert len(catalogs[COUNTERPARTIES]) == 25
    assert [f.times for f in onec.faults] == [0]  # both failures met, and got over
    assert onec.count(COUNTERPARTIES) == 3  # three pages answered


def test_a_capped_top_is_not_the_end_of_the_catalog(onec: FakeOneC) -> None:
    onec.cap_top = 7  # the publication answers at most 7 elements, whatever $top says
    options = ODataOptions(page_size=10, backoff=0)
    catalogs = read_catalogs(onec.url, "odata", PASSWORD, source_name="buh", options=options)
    versions = scan_versions(onec.url, "odata", PASSWORD, options=options)
    assert sorted(e["Ref_Key"] for e in catalogs[COUNTERPARTIES]) == sorted(guid(n) for n in range(1, 26))
    assert len(versions[COUNTERPARTIES]) == 25


def test_too_many_failures_give_one_line_naming_the_timeout_key(onec: FakeOneC) -> None:
    onec.slow(COUNTERPARTIES, seconds=0.5, times=3)
    with pytest.raises(SourceError) as raised:
        read_catalogs(
            onec.url, "odata", PASSWORD, source_name="buh", options=ODataOptions(timeout=0.2, retries=2, backoff=0)
        )
    assert "timeout:" in str(raised.value) and "\n" not in str(raised.value)
