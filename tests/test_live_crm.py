"""A target CRM people already work in (DESIGN §5), on SQLite, PostgreSQL and MariaDB.

CRM users' edits survive re-imports, conflicts are reported, deleted records stay deleted,
undo refuses over later changes, a shrunken source cannot wipe the CRM, rows keyed by their
position cannot take over their neighbour's record, a dry run can show every change.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import delete, update

from cli.main import EXIT_FAILED, EXIT_USAGE, main
from connectors.crm_db import schema as s
from connectors.crm_db.conflicts import read_conflicts
from connectors.crm_db.diff import write_diff
from connectors.crm_db.engine import connect
from connectors.crm_db.load import BulkDeleteError, LoadResult, RunInfo, load, utcnow
from connectors.crm_db.undo import UndoRefused, undo_run
from tests.clientdata import BUH_ROWS, CRM_ROWS, write_dataset
from tests.load_inputs import captured_load, english_messages
from tests.test_load_targets import rows, snapshot

LUTIK_INN = "7736050003"
LUTIK_RENAMED = ["002", 'АО "Лютик-Агро"', LUTIK_INN, None, "8 (383) 913-05-27"]  # new name, other phone
VASILEK = ["003", 'ООО "Василёк"', None, None, "8 (843) 555-66-77"]
NOVAYA = ['ООО "Новая"', "7701234567", None, "Казань", "8 (843) 100-20-30", "Орлов Глеб", "директор", None, None]
BUH_TEN = [[f"{i:03d}", f'ООО "Фирма {i}"', None, None, f"8 (495) 100-00-{i:02d}"] for i in range(10, 20)]
DATASETS = {
    "base": {},
    "lutik changed": {"buh_rows": [BUH_ROWS[0], LUTIK_RENAMED, VASILEK]},
    "row inserted": {"crm_rows": [NOVAYA, *CRM_ROWS]},  # the keyless workbook: every row below moves down
    "ten": {"buh_rows": [*BUH_ROWS, *BUH_TEN]},
    "a third": {"buh_rows": BUH_TEN[:4]},
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with english_messages():
        yield


@functools.cache
def golden(dataset: str) -> tuple[RunInfo, tuple, dict]:
    """What the pipeline hands the loader for a dataset: computed once, loaded by each test."""
    return captured_load(**DATASETS[dataset])


def run(url: str, dataset: str, run_id: str, **changes: object) -> LoadResult:
    info, frames, options = golden(dataset)
    diff = bool(changes.pop("diff", False))
    changes = {"dry_run": False} | changes  # the golden records were captured by a dry run
    return load(
        url,
        dataclasses.replace(info, run_id=run_id, started_at=utcnow(), **changes),
        *frames,
        **options | {"diff": diff},
    )


def crm_user(url: str, *statements: object) -> None:
    """Edits made in the CRM by its users, outside crm-migrate."""
    engine = connect(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        engine.dispose()


def company(url: str, inn: str) -> dict:
    return next(c for c in rows(url, "companies") if c["inn"] == inn and c["kpp"] is None)


def phones_of(url: str, company_id: int) -> set[str]:
    return {p["e164"] for p in rows(url, "phones") if p["company_id"] == company_id}


def journal_of(url: str, run_id: str) -> int:
    return sum(1 for e in rows(url, "change_journal") if e["run_id"] == run_id)


# -- three-way merge ------------------------------------------------------------------
def test_crm_users_edits_survive_and_a_source_change_of_the_same_field_is_a_conflict(target_url: str) -> None:
    run(target_url, "base", "r1")
    lutik, ip = company(target_url, LUTIK_INN), company(target_url, "500100732259")
    sidorov = next(c for c in rows(target_url, "contacts") if c["full_name"] == "Сидоров Олег")
    crm_user(
        target_url,
        update(s.companies).where(s.companies.c.id == lutik["id"]).values(name='АО "Лютик Плюс"'),
        s.phones.insert().values(company_id=lutik["id"], e164="+74950000000", raw="добавлен в CRM"),
        update(s.companies).where(s.companies.c.id == ip["id"]).values(deleted_at=utcnow()),
        delete(s.phones).where(s.phones.c.contact_id == sidorov["id"]),
        delete(s.emails).where(s.emails.c.contact_id == sidorov["id"]),
        delete(s.contact_companies).where(s.contact_companies.c.contact_id == sidorov["id"]),
        delete(s.contacts).where(s.contacts.c.id == sidorov["id"]),
    )

    again = run(target_url, "base", "r2")  # the same source again: the CRM users' work stays
    lutik_now = company(target_url, LUTIK_INN)
    assert lutik_now["name"] == 'АО "Лютик Плюс"'
    assert phones_of(target_url, lutik["id"]) == {"+79167654321", "+74950000000"}
    assert company(target_url, "500100732259")["deleted_at"] is not None  # not revived
    assert "Сидоров Олег" not in {c["full_name"] for c in rows(target_url, "contacts")}  # not made again
    assert (again.conflicts, again.crm_deleted) == (0, 2)
    assert journal_of(target_url, "r2") == 0  # and nothing else was written

    changed = run(target_url, "lutik changed", "r3")  # the source renames Лютик too, and changes its phone
    lutik_now = company(target_url, LUTIK_INN)
    assert lutik_now["name"] == 'АО "Лютик Плюс"'  # the CRM user's value is kept…
    assert changed.conflicts == changed.crm_kept == 1  # …and the conflict reported
    [conflict] = rows(target_url, "conflicts")
    assert {
        k: conflict[k] for k in ("run_id", "entity", "crm_id", "field", "crm_value", "source_value", "source_keys")
    } == {
        "run_id": "r3",
        "entity": "company",
        "crm_id": lutik["id"],
        "field": "name",
        "crm_value": 'АО "Лютик Плюс"',
        "source_value": 'АО "Лютик-Агро"',
        "source_keys": "buh:002",
    }
    # The source's phone changed: its old one goes, its new one comes, the CRM user's one stays.
    assert phones_of(target_url, lutik["id"]) == {"+73839130527", "+74950000000"}
    assert changed.companies.created == 1  # Василёк

    quiet = run(target_url, "lutik changed", "r4")  # reported once: the source has not changed since
    assert quiet.conflicts == 0 and journal_of(target_url, "r4") == 0


def test_a_field_nobody_touched_in_the_crm_takes_the_sources_new_value(target_url: str) -> None:
    run(target_url, "base", "r1")
    lutik = company(target_url, LUTIK_INN)
    result = run(target_url, "lutik changed", "r2")
    assert company(target_url, LUTIK_INN)["name"] == 'АО "Лютик-Агро"' and result.conflicts == 0
    assert phones_of(target_url, lutik["id"]) == {"+73839130527"}


# -- bulk-delete guard ----------------------------------------------------------------
def test_a_source_cut_to_a_third_stops_before_writing_unless_deletes_are_allowed(target_url: str) -> None:
    run(target_url, "ten", "r1")
    before = snapshot(target_url)
    with pytest.raises(BulkDeleteError) as stopped:
        run(target_url, "a third", "r2")
    message = str(stopped.value)
    assert "source buh: the run would soft-delete 8 of its 12 live records" in message and "--allow-deletes" in message
    assert "\n" not in message and snapshot(target_url) == before

    incomplete = run(target_url, "a third", "r3", unread={"buh": ("",)})  # read incompletely: nothing retired
    assert incomplete.companies.deleted == 0 and incomplete.incomplete == ("buh",)

    allowed = run(target_url, "a third", "r4", allow_deletes=True)
    assert allowed.companies.deleted == 7  # 8 records gone from 1C; Ромашка lives on in the workbook


def test_max_delete_share_is_per_source_and_configurable(target_url: str) -> None:
    run(target_url, "ten", "r1")
    assert run(target_url, "a third", "r2", max_delete_share=0.7).companies.deleted == 7  # 8 of 12 is 67%


# -- identity guard for row-position keys -------------------------------------------
def test_a_row_inserted_at_the_top_of_a_keyless_sheet_does_not_move_records_onto_their_neighbours(
    target_url: str,
) -> None:
    run(target_url, "base", "r1")
    before = {(c["name"], c["kpp"]): c["id"] for c in rows(target_url, "companies")}
    result = run(target_url, "row inserted", "r2")
    after = {(c["name"], c["kpp"]): c["id"] for c in rows(target_url, "companies") if c["deleted_at"] is None}
    assert {k: after[k] for k in before} == before  # every company keeps its CRM record and its name
    assert after[('ООО "Новая"', None)] not in before.values()  # the new row is a new record
    assert result.identity_changed >= 3 and result.companies.created == 1 and result.companies.deleted == 0
    contacts = {c["full_name"]: c["company_id"] for c in rows(target_url, "contacts")}
    assert contacts["Сидоров Олег"] == before[('ООО "Ромашка"', "781043001")]  # still at the branch


# -- dry-run diff -----------------------------------------------------------------------
def test_a_dry_run_diff_lists_every_record_to_create_update_delete_or_conflict(tmp_path: Path, target_url: str) -> None:
    run(target_url, "base", "r1")
    lutik = company(target_url, LUTIK_INN)
    crm_user(target_url, update(s.companies).where(s.companies.c.id == lutik["id"]).values(name="Лютик (CRM)"))
    before = snapshot(target_url)
    result = run(target_url, "lutik changed", "dry", dry_run=True, diff=True)
    assert snapshot(target_url) == before
    actions = {(c["action"], c["name"]) for c in result.changes}
    assert {("create", 'ООО "Василёк"'), ("conflict", 'АО "Лютик-Агро"'), ("update", 'АО "Лютик-Агро"')} <= actions
    conflict = next(c for c in result.changes if c["action"] == "conflict")
    assert (conflict["crm_id"], conflict["fields"], conflict["before"], conflict["after"]) == (
        lutik["id"],
        "name",
        "name: Лютик (CRM)",
        'name: АО "Лютик-Агро"',
    )
    path = write_diff(tmp_path / "changes.xlsx", result.changes) and tmp_path / "changes.xlsx"
    sheet = openpyxl.load_workbook(path)["changes"]
    header = [c.value for c in sheet[1]]
    assert header == ["action", "entity", "crm_id", "name", "source records", "fields", "before", "after"]
    assert sheet.max_row == len(result.changes) + 1


def test_a_dry_run_diff_shows_soft_deletes(target_url: str) -> None:
    run(target_url, "ten", "r1")
    result = run(target_url, "a third", "dry", dry_run=True, diff=True, allow_deletes=True)
    deleted = [c for c in result.changes if c["action"] == "delete"]
    assert len(deleted) == 7 and all(c["after"].startswith("deleted_at: ") for c in deleted)


def test_a_record_retired_by_a_run_and_restored_by_a_crm_user_stays_restored(target_url: str) -> None:
    """A soft-delete is written once, when the record's last source record goes; a CRM user who brings the
    record back has decided, like one who deletes it: later runs, whose sources still lack it, leave it be."""
    run(target_url, "ten", "r1")
    retired = run(target_url, "a third", "r2", allow_deletes=True)
    assert retired.companies.deleted == 7
    gone = [c for c in rows(target_url, "companies") if c["deleted_at"] is not None]
    restored = gone[0]["id"]
    crm_user(target_url, update(s.companies).where(s.companies.c.id == restored).values(deleted_at=None))
    before = snapshot(target_url)
    again = run(target_url, "a third", "r3", allow_deletes=True)
    assert again.companies.deleted == 0 and journal_of(target_url, "r3") == 0
    assert snapshot(target_url) == before
    assert next(c for c in rows(target_url, "companies") if c["id"] == restored)["deleted_at"] is None


# -- undo over later changes ----------------------------------------------------------
def test_undo_refuses_over_crm_users_edits_lists_them_and_force_overrides(target_url: str) -> None:
    run(target_url, "base", "r1")
    lutik = company(target_url, LUTIK_INN)
    crm_user(
        target_url,
        update(s.companies).where(s.companies.c.id == lutik["id"]).values(name='АО "Лютик Плюс"'),
        s.phones.insert().values(company_id=lutik["id"], e164="+74950000000"),
    )
    before = snapshot(target_url)
    with pytest.raises(UndoRefused) as refused:
        undo_run(target_url, "r1")
    message = str(refused.value)
    assert f"companies {lutik['id']}: name by a CRM user" in message
    assert "phones" in message and "--force" in message and "\n" not in message
    assert snapshot(target_url) == before

    preview = undo_run(target_url, "r1", dry_run=True)
    assert preview.tables["companies"].removed == 4 and len(preview.changed_since) == 2
    assert snapshot(target_url) == before

    undo_run(target_url, "r1", force=True)  # no foreign-key error: the CRM user's phone goes with its company
    assert all(rows(target_url, name) == [] for name in ("companies", "contacts", "phones", "emails", "source_links"))


def test_undo_of_one_run_leaves_a_later_run_that_did_not_touch_its_rows(target_url: str) -> None:
    run(target_url, "base", "r1")
    info = RunInfo("r2", "test", utcnow(), False, (), 0)
    empty = pd.DataFrame(columns=["cluster", "members", "parent_cluster", "company_cluster", "company_clusters"])
    load(
        target_url,
        info,
        empty,
        empty,
        pd.DataFrame(columns=["source", "source_key", "entity", "origin", "reasons", "payload"]),
        set(),
        sync_state={"buh": "f"},
    )
    assert undo_run(target_url, "r1").runs == ["r1"]
    assert rows(target_url, "companies") == [] and [r["source"] for r in rows(target_url, "sync_state")] == ["buh"]
    statuses = {r["id"]: r["status"] for r in rows(target_url, "migration_runs")}
    assert statuses == {"r1": "undone", "r2": "success"}


def test_the_conflicts_of_a_run_can_be_read_back_for_the_report(target_url: str) -> None:
    run(target_url, "base", "r1")
    lutik = company(target_url, LUTIK_INN)
    crm_user(target_url, update(s.companies).where(s.companies.c.id == lutik["id"]).values(name="Лютик (CRM)"))
    run(target_url, "lutik changed", "r2")
    conflicts = read_conflicts(target_url, "r2")
    assert conflicts[["entity", "crm_id", "field", "crm_value", "source_value"]].values.tolist() == [
        ["company", lutik["id"], "name", "Лютик (CRM)", 'АО "Лютик-Агро"']
    ]
    assert read_conflicts(target_url, "r1").empty


# -- the command line --------------------------------------------------------------
def test_the_command_line_stops_a_bulk_delete_previews_a_diff_and_undoes_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = write_dataset(tmp_path, **DATASETS["ten"], target=url, extra_yaml="language: en\n")
    assert main(["run", "--config", str(config)]) == 0
    first = re.search(r"run ([0-9a-f-]{36})", capsys.readouterr().out).group(1)
    before = snapshot(url)

    write_dataset(tmp_path, **DATASETS["a third"], target=url, extra_yaml="language: en\n")
    assert main(["run", "--config", str(config)]) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "source buh: the run would soft-delete 8 of its 12" in err
    assert snapshot(url) == before

    assert main(["run", "--config", str(config), "--diff", str(tmp_path / "d.xlsx")]) == EXIT_USAGE
    capsys.readouterr()
    assert (
        main(["run", "--config", str(config), "--dry-run", "--allow-deletes", "--diff", str(tmp_path / "changes.xlsx")])
        == 0
    )
    assert "Per-record changes: " in capsys.readouterr().out
    sheet = list(openpyxl.load_workbook(tmp_path / "changes.xlsx")["changes"].iter_rows(values_only=True))
    assert sum(1 for r in sheet if r[0] == "soft-delete") == 7 and snapshot(url) == before

    engine = connect(url)
    with engine.begin() as conn:
        conn.execute(update(s.companies).where(s.companies.c.inn == LUTIK_INN).values(city="Тула"))
    engine.dispose()
    assert main(["undo", "--config", str(config), "--run", first]) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "city by a CRM user" in err and "--force" in err
    assert main(["undo", "--config", str(config), "--run", first, "--dry-run"]) == 0
    assert "without --force the undo is refused" in capsys.readouterr().out
    assert main(["undo", "--config", str(config), "--run", first, "--force"]) == 0
    assert f"Undone run {first}." in capsys.readouterr().out
    assert all(not found for found in snapshot(url).values())
