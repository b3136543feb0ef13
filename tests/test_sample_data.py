"""The demo dataset end to end, checked against its answer key (sample_data/expected.json)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import create_engine, text

from cli.runner import execute
from pipelines.config import DEFAULT_CONFIG

EXPECTED = json.loads((DEFAULT_CONFIG.parent / "expected.json").read_text(encoding="utf-8"))


def _key(source: str, key: str) -> str:
    """The answer key writes CSV row keys as 'file!line'; the pipeline labels them 'file:line'."""
    return re.sub(r"^(.+\.csv)!(\d+)$", r"\1:\2", key) if source != "old_crm" else key


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'crm.db'}"
    summary = execute(DEFAULT_CONFIG, target=url, dry_run=False)
    engine = create_engine(url)
    with engine.connect() as conn:
        yield summary, conn
    engine.dispose()


def test_every_row_is_read(demo) -> None:
    summary, _ = demo
    assert summary.rows_read == EXPECTED["records"]


def test_expected_rows_are_quarantined(demo) -> None:
    _, conn = demo
    held = {(r.source, r.origin) for r in conn.execute(text("select source, origin from quarantine"))}
    assert len(held) >= EXPECTED["quarantine_min"]
    for q in EXPECTED["quarantine"]:
        origin = re.sub(r" line ", ":", q["where"])
        assert (q["source"], origin) in held, q["reason"]


def test_one_record_per_real_company_and_person(demo) -> None:
    _, conn = demo
    live = "where deleted_at is null"
    assert conn.execute(text(f"select count(*) from companies {live}")).scalar() == EXPECTED["distinct_companies"]
    assert conn.execute(text(f"select count(*) from contacts {live}")).scalar() == EXPECTED["distinct_contacts"]


@pytest.mark.parametrize(
    "group", EXPECTED["duplicate_groups"], ids=lambda g: f"{g[0]['entity']}:{g[0].get('as_written', g[0]['key'])}"
)
def test_duplicate_groups_share_one_crm_record(demo, group: list[dict]) -> None:
    _, conn = demo
    crm_ids = set()
    for member in group:
        crm_ids |= {
            r[0]
            for r in conn.execute(
                text("select crm_id from source_links where entity = :e and source = :s and source_key = :k"),
                {"e": member["entity"], "s": member["source"], "k": _key(member["source"], member["key"])},
            )
        }
    assert len(crm_ids) == 1, group


def test_branch_is_its_own_company_under_the_head_office(demo) -> None:
    _, conn = demo
    for inn, head_kpp, branch_kpp in EXPECTED["branches"]:
        ids = dict(conn.execute(text("select kpp, id from companies where inn = :inn"), {"inn": inn}).all())
        parent = conn.execute(text("select parent_id from companies where id = :id"), {"id": ids[branch_kpp]}).scalar()
        assert parent == ids[head_kpp]
