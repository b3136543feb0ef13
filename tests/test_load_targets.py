"""End to end, config → CRM database, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, select

from cli.runner import execute
from connectors.crm_db import schema as s
from connectors.crm_db.journal import entry_keys, key_of
from connectors.crm_db.load import ReconciliationError, RunInfo, load, utcnow
from tests.clientdata import BUH_ROWS, CRM_ROWS, write_dataset

CRM_TABLES = ("companies", "contacts", "contact_companies", "phones", "emails", "source_links")


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of the CRM tables, in id order: equal snapshots mean an unchanged target."""
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("companies"):
            return {}
        with engine.connect() as conn:
            return {
                name: sorted(map(tuple, conn.execute(select(s.metadata.tables[name]))), key=repr) for name in CRM_TABLES
            }
    finally:
        engine.dispose()


def rows(url: str, table: str, where: str = "") -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            t = s.metadata.tables[table]
            return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
    finally:
        engine.dispose()


def run(config: Path, url: str, dry_run: bool = False, allow_deletes: bool = False):
    return execute(config, target=url, dry_run=dry_run, allow_deletes=allow_deletes)


def test_first_run_loads_one_record_per_real_company(tmp_path: Path, target_url: str) -> None:
    summary = run(write_dataset(tmp_path), target_url)
    companies = {(c["name"], c["kpp"]): c for c in rows(target_url, "companies")}
    # Ромашка head office (3 records), its branch, the ИП, Лютик.
    assert len(companies) == 4
    head, branch = companies[('ООО "Ромашка"', "773601001")], companies[('ООО "Ромашка"', "781043001")]
    assert branch["parent_id"] == head["id"] and head["parent_id"] is None
    assert companies[("ИП Кузнецов Павел Андреевич", None)]["type"] == "entrepreneur"
    assert summary.result.companies.created == 4 and summary.result.companies.merged == 2
    head_phones = [p for p in rows(target_url, "phones") if p["company_id"] == head["id"]]
    assert [p["e164"] for p in head_phones] == ["+74951234567"]  # three spellings, one number
    assert {c["full_name"] for c in rows(target_url, "contacts")} == {
        "Иванов Иван Иванович",
        "Петрова Анна",
        "Сидоров Олег",
    }
    links = rows(target_url, "source_links")
    assert len([x for x in links if x["entity"] == "company"]) == 6
    quarantine = rows(target_url, "quarantine")
    assert [(q["source"], q["origin"], q["reasons"]) for q in quarantine] == [
        ("old_crm", "Клиенты!8", "название: пусто")
    ]
    extra = next(c["extra"] for c in companies.values() if c["city"] == "Москва")
    assert "2019-03-01" in extra  # the unmapped "Дата создания" column travelled as a custom field
    run_row = rows(target_url, "migration_runs")[0]
    assert run_row["status"] == "success" and run_row["companies_created"] == 4


def test_rerun_changes_nothing(tmp_path: Path, target_url: str) -> None:
    config = write_dataset(tmp_path)
    run(config, target_url)
    before = snapshot(target_url)
    summary = run(config, target_url)
    assert snapshot(target_url) == before
    assert (summary.result.companies.created, summary.result.companies.updated) == (0, 0)
    assert summary.result.companies.unchanged == 4 and summary.result.contacts.unchanged == 3
    assert len(rows(target_url, "migration_runs")) == 2


def test_dry_run_writes_nothing(tmp_path: Path, target_url: str) -> None:
    config = write_dataset(tmp_path)
    dry = run(config, target_url, dry_run=True)
    assert snapshot(target_url) == {} and dry.result.companies.created == 4
    run(config, target_url)
    before = snapshot(target_url)
    changed = [["001", 'ООО "Ромашка"', "7707083893", "773601001", "84951234567, 8 (495) 765-43-21"], BUH_ROWS[1]]
    dry = run(write_dataset(tmp_path, buh_rows=changed), target_url, dry_run=True)
    assert dry.result.companies.updated == 1
    assert snapshot(target_url) == before
    assert [r["dry_run"] for r in rows(target_url, "migration_runs")] == [False]


def test_changed_source_record_updates_its_crm_record(tmp_path: Path, target_url: str) -> None:
    run(write_dataset(tmp_path), target_url)
    changed = [BUH_ROWS[0], ["002", 'АО "Лютик"', "7736050003", None, "8-916-765-43-21; +7 (383) 913-05-27"]]
    summary = run(write_dataset(tmp_path, buh_rows=changed), target_url)
    assert summary.result.companies.updated == 1 and summary.result.companies.created == 0
    lutik = next(c for c in rows(target_url, "companies") if c["inn"] == "7736050003")
    assert {p["e164"] for p in rows(target_url, "phones") if p["company_id"] == lutik["id"]} == {
        "+79167654321",
        "+73839130527",
    }


def test_record_deleted_at_source_soft_deletes_once_unlinked(tmp_path: Path, target_url: str) -> None:
    run(write_dataset(tmp_path), target_url)
    # Half of the 1C source gone is more than max_delete_share (10%): only --allow-deletes goes on.
    summary = run(write_dataset(tmp_path, buh_rows=[BUH_ROWS[0]]), target_url, allow_deletes=True)  # Лютик gone
    companies = {c["inn"] + (c["kpp"] or ""): c for c in rows(target_url, "companies")}
    assert companies["7736050003"]["deleted_at"] is not None
    assert summary.result.companies.deleted == 1
    # Ромашка lost its 1C record too? No: 001 is still there; and its CRM records still link it.
    assert companies["7707083893773601001"]["deleted_at"] is None
    # Removing one of Ромашка's three records keeps the company: other live records link to it.
    run(write_dataset(tmp_path, buh_rows=[]), target_url, allow_deletes=True)
    companies = {c["inn"] + (c["kpp"] or ""): c for c in rows(target_url, "companies")}
    assert companies["7707083893773601001"]["deleted_at"] is None
    # It comes back when the record reappears.
    summary = run(write_dataset(tmp_path), target_url)
    assert all(c["deleted_at"] is None for c in rows(target_url, "companies"))
    assert summary.result.companies.updated == 1


def test_failed_load_leaves_target_unchanged(tmp_path: Path, target_url: str) -> None:
    config = write_dataset(tmp_path)
    run(config, target_url)
    before = snapshot(target_url)
    info = RunInfo("failing-run", "test", utcnow(), False, ("old_crm", "buh"), 1, allow_deletes=True)
    golden = pd.DataFrame(columns=["cluster", "members", "parent_cluster", "company_cluster", "company_clusters"])
    never_read = {("company", "buh", "does-not-exist")}
    with pytest.raises(ReconciliationError, match="не попали бы ни в CRM, ни в карантин"):
        load(
            target_url,
            info,
            golden,
            golden,
            pd.DataFrame(columns=["source", "source_key", "entity", "origin", "reasons", "payload"]),
            never_read,
        )
    assert snapshot(target_url) == before


def test_mixed_rows_keep_every_contact(tmp_path: Path, target_url: str) -> None:
    """Two contacts of one company on consecutive rows both arrive, attached to it."""
    crm = [
        CRM_ROWS[0],
        [
            'ООО "Ромашка"',
            "7707083893",
            "773601001",
            "Москва",
            None,
            "Смирнова Ольга",
            "менеджер",
            "smirnova@romashka.ru",
            None,
        ],
    ]
    run(write_dataset(tmp_path, crm_rows=crm, buh_rows=[]), target_url)
    (company,) = rows(target_url, "companies")
    contacts = rows(target_url, "contacts")
    assert {c["full_name"] for c in contacts} == {"Иванов Иван Иванович", "Смирнова Ольга"}
    assert {c["company_id"] for c in contacts} == {company["id"]}


def test_one_bad_row_does_not_block_the_load(tmp_path: Path, target_url: str) -> None:
    """An over-long value (MariaDB would refuse it) quarantines its record; the rest loads."""
    crm = [CRM_ROWS[0], ["ООО Длинный город", None, None, "Г" * 300, None, None, None, None, None]]
    summary = run(write_dataset(tmp_path, crm_rows=crm, buh_rows=[]), target_url)
    assert [c["name"] for c in rows(target_url, "companies")] == ['ООО "Ромашка"']
    (held,) = rows(target_url, "quarantine")
    assert held["reasons"].startswith("город: должно быть текстом длиной от 1 до 200 символов")
    assert summary.result.quarantined == 1


def test_nul_characters_in_a_source_do_not_break_the_load(tmp_path: Path, target_url: str) -> None:
    """CSV readers keep NUL bytes; PostgreSQL refuses them in text, so they are removed before storing."""
    buh = [["002", 'АО "Лютик"\x00', "7736050003", None, "8-916-765-43-21\x00"]]
    run(write_dataset(tmp_path, crm_rows=[], buh_rows=buh), target_url)
    (company,) = rows(target_url, "companies")
    assert company["name"] == 'АО "Лютик"'
    assert [p["e164"] for p in rows(target_url, "phones")] == ["+79167654321"]


def test_links_keep_origin_and_warnings_of_each_record(tmp_path: Path, target_url: str) -> None:
    """Provenance to the end: every link says where its record was and what could not be made canonical."""
    buh = [["002", 'АО "Лютик"', "7736050004", None, "нет"]]  # INN checksum wrong, no phone
    run(write_dataset(tmp_path, buh_rows=buh), target_url)
    links = {(x["source"], x["source_key"]): x for x in rows(target_url, "source_links")}
    assert links[("old_crm", "Клиенты!4")]["origin"] == "Клиенты!4"
    lutik = links[("buh", "002")]
    assert lutik["origin"] == "buh.csv:2"
    assert "ИНН '7736050004'" in lutik["warnings"] and "телефон 'нет'" in lutik["warnings"]
    assert '"ИНН": "7736050004"' in lutik["payload"]  # the raw value is kept
    company = next(c for c in rows(target_url, "companies") if c["name"] == 'АО "Лютик"')
    assert company["inn"] is None  # never loaded as if valid


def test_every_row_a_load_writes_is_journaled_and_a_rerun_journals_nothing(tmp_path: Path, target_url: str) -> None:
    config = write_dataset(tmp_path)
    first = run(config, target_url)
    journal = rows(target_url, "change_journal")
    inserted = [
        (j["table_name"], key)
        for j in journal
        if j["op"] == "insert"
        for key in entry_keys(s.metadata.tables[j["table_name"]], j["row_key"])
    ]
    assert len(inserted) == len(set(inserted))  # each row once
    for table in CRM_TABLES:
        keys = {(table, key_of(s.metadata.tables[table], r)) for r in rows(target_url, table)}
        assert keys and keys == {k for k in inserted if k[0] == table}
    assert {j["run_id"] for j in journal} == {first.run_id}
    run(config, target_url)
    assert rows(target_url, "change_journal") == journal
