"""The loader's bulk layer on SQLite, PostgreSQL and MariaDB (connectors/crm_db/bulk.py): what a first load
leaves of the schema, how inserted rows are journaled and undone, what a partial load reads of the links,
and the one-statement delete of the matching index's rows of a scope."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from bench.golden_data import SOURCE, expected_keys, golden_frames
from connectors.crm_db import schema as s
from connectors.crm_db.bulk import delete_by_keys, insert_rows, runs_of
from connectors.crm_db.engine import connect
from connectors.crm_db.load import RunInfo, _read_links, load, utcnow
from connectors.crm_db.undo import undo_run
from tests.test_load_targets import CRM_TABLES, rows, snapshot


def first_load(url: str, n: int = 30, run_id: str = "first") -> None:
    companies, contacts, quarantine = golden_frames(n)
    info = RunInfo(run_id, "test", utcnow(), False, (SOURCE,), 2 * n)
    load(url, info, companies, contacts, quarantine, expected_keys(companies, contacts))


def keys_and_indexes(url: str) -> dict[str, tuple]:
    """Per CRM table: its foreign keys, unique constraints and indexes, as the server reports them."""
    engine = connect(url)
    try:
        schema = inspect(engine)
        return {
            t: (
                sorted((fk["constrained_columns"], fk["referred_table"]) for fk in schema.get_foreign_keys(t)),
                sorted((u["name"], u["column_names"]) for u in schema.get_unique_constraints(t)),
                sorted((i["name"], i["column_names"]) for i in schema.get_indexes(t)),
            )
            for t in CRM_TABLES
        }
    finally:
        engine.dispose()


def test_runs_of_ids() -> None:
    assert runs_of([]) == []
    assert runs_of([4, 5, 6]) == [(4, 6)]
    assert runs_of([1, 2, 4, 7, 8]) == [(1, 2), (4, 4), (7, 8)]


def test_a_first_load_keeps_every_key_and_index_and_they_still_hold(target_url: str) -> None:
    """On PostgreSQL a first load drops the foreign keys, unique constraints and indexes for its inserts and
    makes them again (checking every row) before it commits; on every server the schema after it is the
    schema before it."""
    first_load(target_url, n=3)  # creates the schema
    before = keys_and_indexes(target_url)
    undo_run(target_url, "first")
    first_load(target_url, n=30, run_id="again")  # an empty CRM again: a first load
    assert keys_and_indexes(target_url) == before and before["phones"][0] and before["phones"][2]
    assert len(rows(target_url, "phones")) == 60 and len(rows(target_url, "source_links")) == 60
    engine = connect(target_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(s.phones).values(company_id=10**6, e164="+74950000000"))
    finally:
        engine.dispose()


def test_inserted_rows_are_journaled_in_runs_and_undone_exactly(target_url: str) -> None:
    first_load(target_url, n=3, run_id="base")
    base = snapshot(target_url)
    companies, contacts, quarantine = golden_frames(43)  # the 3 loaded and 40 new records
    info = RunInfo("more", "test", utcnow(), False, (SOURCE,), 86)
    load(target_url, info, companies, contacts, quarantine, expected_keys(companies, contacts))
    journal = [e for e in rows(target_url, "change_journal") if e["run_id"] == "more"]
    inserts = [e for e in journal if e["op"] == "insert"]
    assert len(inserts) < 12  # 40 companies, contacts, 160 phones/e-mails, 80 links, 40 memberships
    assert len(rows(target_url, "companies")) == 43
    undo_run(target_url, "more")
    assert snapshot(target_url) == base


def test_a_partial_load_reads_the_links_of_its_scope_and_of_their_crm_records_only(target_url: str) -> None:
    first_load(target_url, n=20)
    engine = connect(target_url)
    try:
        with engine.connect() as conn:
            links = rows(target_url, "source_links")
            c5 = next(x for x in links if x["source_key"] == "C5")
            # a second record of company 5 (another source) shares its CRM record
            conn.execute(
                insert(s.source_links).values(
                    entity="company", source="other", source_key="X", crm_id=c5["crm_id"], run_id="first"
                )
            )
            read = _read_links(conn, {("company", SOURCE, "C5"), ("contact", SOURCE, "P7")})
            conn.rollback()
    finally:
        engine.dispose()
    assert set(read) == {("company", SOURCE, "C5"), ("company", "other", "X"), ("contact", SOURCE, "P7")}
    assert (
        read[("company", SOURCE, "C5")]["crm_id"] == c5["crm_id"] and "payload" not in read[("contact", SOURCE, "P7")]
    )


def test_delete_by_keys_removes_exactly_the_keyed_rows(target_url: str) -> None:
    first_load(target_url, n=2)  # the schema
    t = s.match_keys
    keyed = [(e, "src", f"k{i}") for e in ("company", "contact") for i in range(6)]
    engine = connect(target_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(t),
                [{"entity": e, "source": src, "source_key": k, "rule": "inn", "value": "1"} for e, src, k in keyed],
            )
            gone = [("company", "src", "k1"), ("contact", "src", "k1"), ("company", "src", "k4")]
            delete_by_keys(conn, t, ("entity", "source", "source_key"), [*gone, ("company", "none", "k2")])
        with engine.connect() as conn:
            left = {tuple(r) for r in conn.execute(select(t.c.entity, t.c.source, t.c.source_key))}
    finally:
        engine.dispose()
    assert left == set(keyed) - set(gone)


def test_many_long_rows_go_in_statements_the_server_accepts(target_url: str) -> None:
    """MariaDB refuses a statement over max_allowed_packet (16 MB by default): a thousand 20 KB rows (a first
    load's journal of a million memberships) are split by size, not only by count."""
    first_load(target_url, n=1)  # the schema
    long_key = "[" + ", ".join(["[1234567, 7654321]"] * 1000) + "]"  # ~20 KB
    engine = connect(target_url)
    try:
        with engine.begin() as conn:
            columns = ("run_id", "table_name", "op", "row_key")
            insert_rows(conn, s.change_journal, columns, [("long", "contact_companies", "insert", long_key)] * 900)
        entries = [e for e in rows(target_url, "change_journal") if e["run_id"] == "long"]
    finally:
        engine.dispose()
    assert len(entries) == 900 and {e["row_key"] for e in entries} == {long_key}


@pytest.mark.postgres
def test_a_first_load_by_a_user_who_may_only_read_and_write_checks_keys_row_by_row(postgres_url: str) -> None:
    """Rebuilding keys and indexes needs the tables' owner: a user granted only DML loads the plain way."""
    target_url = postgres_url
    first_load(target_url, n=3)  # the schema, owned by the admin
    undo_run(target_url, "first")
    before = keys_and_indexes(target_url)
    role = f"crm_writer_{uuid.uuid4().hex[:8]}"
    admin = connect(target_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
            conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        first_load(make_url(target_url).set(username=role).render_as_string(hide_password=False), n=20, run_id="dml")
        assert len(rows(target_url, "companies")) == 20 and keys_and_indexes(target_url) == before
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.dispose()


def test_a_load_written_in_slices_attaches_every_phone_and_link_to_its_own_record(
    target_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New records, their phones and e-mails and their links go in slices (``_WRITTEN_AT_ONCE``): a slice's
    channels and links belong to the slice's records, whatever ids the server hands out."""
    from connectors.crm_db import load as loader

    monkeypatch.setattr(loader, "_WRITTEN_AT_ONCE", 7)
    first_load(target_url, n=30)
    inn = {c["id"]: int(c["inn"]) - 7700000000 for c in rows(target_url, "companies")}
    person = {c["id"]: int(c["full_name"].rsplit(" ", 1)[1]) for c in rows(target_url, "contacts")}
    assert sorted(inn.values()) == sorted(person.values()) == list(range(30))
    for phone in rows(target_url, "phones"):
        owner = inn[phone["company_id"]] if phone["company_id"] else person[phone["contact_id"]]
        assert phone["e164"].endswith(f"{owner:07d}")
    for email in rows(target_url, "emails"):
        owner = inn[email["company_id"]] if email["company_id"] else person[email["contact_id"]]
        assert email["email"].split("@")[0].endswith(str(owner)) and email["email"].endswith(f"company{owner}.ru")
    for link in rows(target_url, "source_links"):
        number = int(link["source_key"][1:])
        assert (inn if link["entity"] == "company" else person)[link["crm_id"]] == number
    inserts = [e for e in rows(target_url, "change_journal") if e["op"] == "insert" and e["table_name"] == "companies"]
    assert len(inserts) >= 5  # 30 companies in slices of 7: a run of ids per slice at least
