"""The after-image digest (``loaded_hash``) a re-load compares instead of each record's JSON image: equal
inputs give equal digests, any change of what the image is made of gives another, and a record whose digest
is missing or stale is compared by its image — unchanged records are never written, changed ones always are."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bench.golden_data import SOURCE, expected_keys, golden_frames
from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect
from connectors.crm_db.load import RunInfo, load, utcnow
from connectors.crm_db.merge import loaded_digests
from tests.test_load_targets import rows, snapshot

BASE = {
    "name": ['ООО "Ромашка"', "ИП Петров"],
    "inn": ["7701234567", None],
    "phones": [[("+74951234567", None, "fixed", "8 495 123-45-67")], []],
    "emails": [["info@romashka.ru"], ["p@mail.ru", "petrov@ya.ru"]],
}


def digests(**changed: list) -> list[int]:
    return loaded_digests(BASE | changed)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("name", ['ООО "Ромашка+"', "ИП Петров"]),  # a name changed
        ("inn", ["7701234567", "None"]),  # a null became the text "None"
        ("inn", ["7701234567", "nan"]),  # …or "nan"
        ("inn", [7701234567, None]),  # a number, not the same digits as text
        ("phones", [[("+74951234567", "12", "fixed", "8 495 123-45-67")], []]),  # an extension added
        ("phones", [[("+74951234567", None, "fixed", "8 495 123-45-67 ")], []]),  # the raw value as written
        ("emails", [["info@romashka.ru"], ["p@mail.ru"]]),  # an e-mail dropped
    ],
)
def test_any_change_of_what_the_image_is_made_of_changes_the_digest(field: str, values: list) -> None:
    before, after = digests(), digests(**{field: values})
    assert before[1 - _changed_row(field, values)] == after[1 - _changed_row(field, values)]
    assert before[_changed_row(field, values)] != after[_changed_row(field, values)]


def _changed_row(field: str, values: list) -> int:
    return 0 if values[0] != BASE[field][0] else 1


def test_equal_inputs_give_equal_digests_in_any_process_and_fields_do_not_swap() -> None:
    assert digests() == digests() == loaded_digests({k: list(v) for k, v in BASE.items()})
    assert digests() != loaded_digests(dict(reversed(list(BASE.items()))))
    assert loaded_digests({"name": ["a"], "inn": ["b"]}) != loaded_digests({"name": ["b"], "inn": ["a"]})
    assert loaded_digests({"name": []}) == [] and loaded_digests({}) == []
    # a fixed value, not Python's per-process string hash: a digest stored by one run is valid in the next
    assert loaded_digests({"name": ["Ромашка"]}) == [loaded_digests({"name": ["Ромашка"]})[0]]
    assert all(-(2**63) <= d < 2**63 for d in digests())


def _load(url: str, run_id: str, n: int, renamed: frozenset[int] = frozenset()):
    companies, contacts, quarantine = golden_frames(n, renamed=renamed)
    info = RunInfo(run_id, "test", utcnow(), False, (SOURCE,), 2 * n)
    return load(url, info, companies, contacts, quarantine, expected_keys(companies, contacts))


def _journal_rows(url: str, run_id: str) -> int:
    engine = connect(url)
    try:
        with engine.connect() as conn:
            journal = s.change_journal
            return conn.execute(select(func.count()).select_from(journal).where(journal.c.run_id == run_id)).scalar()
    finally:
        engine.dispose()


def test_every_loaded_record_has_its_digest_and_a_re_load_writes_nothing(target_url: str) -> None:
    _load(target_url, "first", 20)
    assert all(r["loaded_hash"] is not None and r["loaded"] for r in rows(target_url, "companies"))
    before = snapshot(target_url)
    again = _load(target_url, "again", 20)
    assert (again.companies.unchanged, again.contacts.unchanged) == (20, 20)
    assert snapshot(target_url) == before and _journal_rows(target_url, "again") == 0


def test_a_record_without_a_digest_or_with_a_stale_one_is_compared_by_its_image(target_url: str) -> None:
    """Records loaded before the digest existed (null) or by another digest format are not rewritten when
    their image is the same, and a changed record is updated whatever its digest says."""
    _load(target_url, "first", 6)
    engine = connect(target_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(s.companies).where(s.companies.c.id <= 3).values(loaded_hash=None))
            conn.execute(update(s.companies).where(s.companies.c.id > 3).values(loaded_hash=12345))
    finally:
        engine.dispose()
    before = snapshot(target_url)
    again = _load(target_url, "again", 6)
    assert again.companies.unchanged == 6 and again.companies.updated == 0
    assert snapshot(target_url) == before and _journal_rows(target_url, "again") == 0
    renamed = _load(target_url, "renamed", 6, renamed=frozenset({0, 5}))
    assert renamed.companies.updated == 2 and renamed.companies.unchanged == 4
    by_name = {r["name"]: r for r in rows(target_url, "companies")}
    assert {'ООО "Компания 0 (новое имя)"', 'ООО "Компания 5 (новое имя)"'} <= set(by_name)
    # the rewritten records carry a fresh digest, so the next re-load skips them
    assert all(by_name[n]["loaded_hash"] not in (None, 12345) for n in by_name if "новое" in n)
    assert _load(target_url, "renamed-again", 6, renamed=frozenset({0, 5})).companies.updated == 0
