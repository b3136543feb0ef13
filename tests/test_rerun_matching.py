"""A re-run over files that changed a little matches only what changed (pipelines.incremental.rerun_scope),
on every target database: the records new or changed since the last load, their possible duplicates and
their clusters; every other record keeps its CRM record, its links and its row untouched, and the result
is the one a full run over the same files gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from cli.main import main
from connectors.crm_db import schema as s
from connectors.crm_db.journal import entry_keys
from tests.clientdata import write_dataset
from tests.test_sync import rows
from tests.test_sync_matching import inn10, name, partition

COMPANIES = 60


def buh_rows() -> list[list]:
    """The accounting export: one row per company, keyed by its code."""
    return [
        [f"{n:03d}", f'ООО "{name(n)}"', inn10(n), None, f"8 495 3{n:02d}-{n:02d}-{n:02d}"] for n in range(COMPANIES)
    ]


def crm_rows() -> list[list]:
    """The old CRM: a contact per row with their company as the CRM had it (another spelling, no INN for some)."""
    return [
        [
            f"{name(n)} ООО",
            inn10(n) if n % 3 else None,
            None,
            "Москва",
            f"+7 (495) 3{n:02d}{n:02d}{n:02d}",
            f"{('Иванов', 'Петров', 'Сидоров', 'Орлов')[n % 4]} {('Андрей', 'Борис', 'Виктор')[n % 3]} {n}",
            "менеджер",
            f"person{n}@firm{n}.ru",
            None,
        ]
        for n in range(0, COMPANIES, 2)
    ]


def a_week_later(folder: Path, url: str) -> Path:
    """Edits, a new twin of a known company, a new company, a gone one, a new contact row."""
    buh = buh_rows()
    buh[5][1] = f'ООО "{name(5)}" (офис)'
    buh[12][4] = "8 495 111-22-33"
    del buh[11]  # a company only the accounting export had
    buh.append(["900", f"{name(6)}, ООО", inn10(6), None, None])  # company 6 once more
    buh.append(["901", f'ООО "{name(99)}"', inn10(99), None, None])  # a new company
    crm = crm_rows()
    crm.append([f"ООО {name(20)}", inn10(20), None, "Москва", None, "Новикова Елена", "бухгалтер", None, None])
    return write_dataset(folder, crm_rows=crm, buh_rows=buh, target=url)


def pairs(url: str, table: str) -> dict[tuple, tuple]:
    """(entity, left, right) → (row id, score, reasons) of a pair table."""
    query = f"SELECT entity, left_source, left_key, right_source, right_key, id, score, reasons FROM {table}"
    return {tuple(r[:5]): tuple(r[5:]) for r in rows(url, query)}


def index_rows(url: str) -> dict[tuple, list[tuple]]:
    """(entity, source, key) → its sorted (rule, value) rows of the matching index; and the highest row id."""
    out: dict[tuple, list[tuple]] = {}
    for *record, rule, value in rows(url, "SELECT entity, source, source_key, rule, value FROM match_keys"):
        out.setdefault(tuple(record), []).append((rule, value))
    return {record: sorted(keys) for record, keys in out.items()}


def test_a_rerun_of_changed_files_matches_only_what_changed_and_agrees_with_a_full_run(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    config = str(write_dataset(tmp_path, crm_rows=crm_rows(), buh_rows=buh_rows(), target=target_url))
    assert main(["run", "--config", config]) == 0
    stamps = dict(rows(target_url, "SELECT id, updated_at FROM companies"))
    linked = dict(rows(target_url, "SELECT source_key, crm_id FROM source_links WHERE entity = 'company'"))
    assert linked["006"] == linked["Клиенты!7"]  # the CRM's spelling of company 6 (its row 7)
    merged = pairs(target_url, "merges")
    engine = create_engine(target_url)  # the index's own indexes, dropped for its bulk write, are back
    assert {"ix_match_keys_value", "ix_match_keys_record"} <= {
        i["name"] for i in inspect(engine).get_indexes("match_keys")
    }
    engine.dispose()
    indexed, [(top,)] = index_rows(target_url), rows(target_url, "SELECT max(id) FROM match_keys")
    a_week_later(tmp_path, target_url)
    capsys.readouterr()

    assert main(["run", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "сопоставлены заново" in out, out  # matched incrementally, not the whole base
    scope = int(out.split("сопоставлены заново ")[1].split()[0])
    assert scope < 40, out  # of 120 records
    after = dict(rows(target_url, "SELECT source_key, crm_id FROM source_links WHERE entity = 'company'"))
    assert after["900"] == linked["006"]  # the twin joined the CRM company it belongs to
    assert after["901"] not in set(linked.values())  # the new company is new
    # nothing the changes do not concern was written
    concerned = {linked[k] for k in ("005", "012", "011", "006", "020")} | {after["900"], after["901"]}
    changed = {i for i, stamp in rows(target_url, "SELECT id, updated_at FROM companies") if stamps.get(i) != stamp}
    assert changed <= concerned
    [(gone,)] = rows(target_url, f"SELECT deleted_at FROM companies WHERE id = {linked['011']}")
    assert gone is not None
    [(queue,)] = rows(target_url, "SELECT count(*) FROM review_pairs")
    # the whole review queue, not only the pairs of the records matched again
    assert queue > 0 and f"Пар на проверку: {queue} " in out, out

    # only pairs that are new or differ were written: an unchanged one stays the very row it was
    now = pairs(target_url, "merges")
    assert now.keys() != merged.keys()
    [(run,)] = rows(target_url, "SELECT run_id FROM change_journal ORDER BY id DESC LIMIT 1")  # the re-run
    written = rows(
        target_url, f"SELECT op, row_key FROM change_journal WHERE run_id = '{run}' AND table_name = 'merges'"
    )
    ids = {i for op, key in written for (i,) in entry_keys(s.merges, key)}
    assert ids == {v[0] for p, v in merged.items() if now.get(p, (None,))[1:] != v[1:]} | {
        v[0] for p, v in now.items() if merged.get(p, (None,))[1:] != v[1:]
    }

    # the index: only the rows of records whose keys changed were written again
    reindexed = index_rows(target_url)
    written = sum(len(keys) for record, keys in reindexed.items() if indexed.get(record) != keys)
    assert 0 < rows(target_url, f"SELECT count(*) FROM match_keys WHERE id > {top}")[0][0] == written

    rerun = {e: partition(target_url, e) for e in ("company", "contact")}
    fresh = f"sqlite:///{tmp_path / 'fresh' / 'crm.db'}"
    (tmp_path / "fresh").mkdir()
    assert main(["run", "--config", str(a_week_later(tmp_path / "fresh", fresh))]) == 0
    assert {e: partition(fresh, e) for e in ("company", "contact")} == rerun
    for table in ("merges", "review_pairs"):  # the same pairs (scored by the stored model: to a decimal)
        assert pairs(fresh, table).keys() == pairs(target_url, table).keys(), table
    drop_company = {r: [k for k in keys if k[0] != "company"] for r, keys in reindexed.items()}  # CRM ids
    assert {r: [k for k in keys if k[0] != "company"] for r, keys in index_rows(fresh).items()} == drop_company

    capsys.readouterr()
    assert main(["run", "--config", config, "--full"]) == 0  # everything matched again: the same clusters
    assert "сопоставлены заново" not in capsys.readouterr().out
    assert {e: partition(target_url, e) for e in ("company", "contact")} == rerun


def test_no_record_in_scope_leaves_an_empty_frame_with_its_columns() -> None:
    import pandas as pd

    from pipelines.incremental import SourceDelta, in_scope

    frame = pd.DataFrame({"_source": pd.Series(dtype=object), "_source_key": pd.Series(dtype=object)})
    narrowed = in_scope(frame, "contact", SourceDelta(frozenset(), frozenset({("company", "crm", "1")}), frozenset()))
    assert list(narrowed.columns) == ["_source", "_source_key"] and narrowed.empty


def test_edits_matching_does_not_read_rebuild_only_their_records(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    """Two contacts' positions and a company name's case changed: no partner is looked for, only the
    clusters of those records (and the contacts' companies) are rebuilt; the CRM takes the new values."""
    config = str(write_dataset(tmp_path, crm_rows=crm_rows(), buh_rows=buh_rows(), target=target_url))
    assert main(["run", "--config", config]) == 0
    before = {e: partition(target_url, e) for e in ("company", "contact")}
    crm, buh = crm_rows(), buh_rows()
    crm[3][6], crm[8][6] = "главный бухгалтер", "директор"  # positions
    buh[40][1] = buh[40][1].upper()
    write_dataset(tmp_path, crm_rows=crm, buh_rows=buh, target=target_url)
    capsys.readouterr()

    assert main(["run", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "изменилось или появилось 5 записей" in out, out  # a mixed row: its company and its contact
    # the clusters of the 5 records (the two companies: 2 records each, company 40: 2)
    assert int(out.split("сопоставлены заново ")[1].split()[0]) <= 8, out
    assert {e: partition(target_url, e) for e in ("company", "contact")} == before
    positions = {p.lower() for (p,) in rows(target_url, "SELECT position FROM contacts")}
    assert {"главный бухгалтер", "директор"} <= positions
