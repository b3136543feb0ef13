"""Matching and survivorship on small, stated cases: who merges, who never does, and why."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.config import MatchingConfig
from transforms.golden import golden_companies, golden_contacts
from transforms.matching import CLUSTER, match_companies, match_contacts
from transforms.matching.model import PRIOR_RECORDS, value_tf
from transforms.normalise import as_frame, normalise_companies, normalise_contacts
from vocabulary.fields import (
    COMPANY_FIELDS,
    COMPANY_RECORD,
    CONTACT_FIELDS,
    EXTRA,
    PAYLOAD,
    REF_INN,
    REF_KEY,
    REF_NAME,
    REF_ROW,
)
from vocabulary.messages import set_language

REGIONS = {"a": "RU", "b": "RU"}
LIMITS = MatchingConfig().thresholds  # the defaults a run uses
CONTACT_LIMITS = MatchingConfig().contacts.thresholds


@pytest.fixture(autouse=True)
def english() -> None:
    """Explanations in English here (Russian is the default)."""
    set_language("en")
    yield
    set_language("ru")


def companies(*records: dict) -> pd.DataFrame:
    rows = [
        {
            "_source": r.get("src", "a"),
            "_source_key": str(i),
            "_origin": f"row {i}",
            **{f: r.get(f) for f in COMPANY_FIELDS},
            EXTRA: {},
            PAYLOAD: f'{{"i": {i}}}',
        }
        for i, r in enumerate(records)
    ]
    return normalise_companies(as_frame({k: [r[k] for r in rows] for k in rows[0]}), REGIONS)


def contacts(company_frame: pd.DataFrame, *records: dict) -> pd.DataFrame:
    rows = [
        {
            "_source": "a",
            "_source_key": f"p{i}",
            "_origin": f"row {i}",
            **{f: r.get(f) for f in CONTACT_FIELDS},
            REF_KEY: None,
            REF_INN: None,
            REF_NAME: None,
            REF_ROW: ("a", r["company"]),
            EXTRA: {},
            PAYLOAD: "{}",
        }
        for i, r in enumerate(records)
    ]
    frame = normalise_contacts(as_frame({k: [r[k] for r in rows] for k in rows[0]}), company_frame, REGIONS)
    return frame.assign(**{COMPANY_RECORD: pd.Series(frame[REF_ROW], dtype=object)})


def clusters(matched: pd.DataFrame) -> list[set[str]]:
    groups = matched.groupby(CLUSTER)["_source_key"].apply(set)
    return sorted(groups, key=lambda g: sorted(g))


def test_spellings_of_one_company_merge_with_reasons() -> None:
    frame = companies(
        {"name": 'ООО "Ромашка"', "inn": "7707083893", "kpp": "773601001"},
        {"name": "Ромашка ООО", "inn": "7707083893"},
        {"name": "ООО «Ромашка»", "city": "Москва", "src": "b"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0", "1", "2"}]
    assert len(result.links) == 2 and all(w["name"] > 0 for w in result.links["weights"])  # why: per-field weights
    assert any("inn" in w and "7707083893" in r for w, r in zip(result.links["weights"], result.links["reasons"]))


def test_branches_and_different_inns_never_merge() -> None:
    frame = companies(
        {"name": "Ромашка", "inn": "7707083893", "kpp": "773601001"},
        {"name": "Ромашка", "inn": "7707083893", "kpp": "781043001"},  # branch
        {"name": "Ромашка", "inn": "7736050003"},
    )  # another company, same name
    assert clusters(match_companies(frame, LIMITS).frame) == [{"0"}, {"1"}, {"2"}]
    golden = golden_companies(match_companies(frame, LIMITS).frame, {"a": 0})
    by_kpp = dict(zip(golden["kpp"], golden[CLUSTER]))
    branch = golden[golden["kpp"] == "781043001"].iloc[0]
    assert branch["parent_cluster"] == by_kpp["773601001"]


def test_same_name_in_other_cities_stays_apart_and_an_unplaced_record_is_a_question() -> None:
    frame = companies(
        {"name": "Альфа", "city": "Москва"},
        {"name": "Альфа", "city": "Казань"},
        {"name": "Альфа"},
        {"name": "Бета", "city": "г. Москва"},
        {"name": "Бета"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0"}, {"1"}, {"2"}, {"3", "4"}]  # one Бета: the city-less record is it
    questions = {(p["left_key"], p["right_key"]) for p in result.review.to_dict("records")}
    assert {("0", "2"), ("1", "2")} <= questions  # which Альфа is the city-less one? a person decides


def test_shared_phone_merges_only_similar_names() -> None:
    frame = companies(
        {"name": "Ромашка", "phone": "8 495 123-45-67"},
        {"name": "Рамашка", "phone": "+74951234567"},
        {"name": "Ромашка плюс", "phone": "+74951234567"},
        {"name": "Бизнес-центр Орион", "phone": "+7 (495) 123-45-67"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0", "1"}, {"2"}, {"3"}]
    assert "phone shared landline +74951234567" in result.links["reasons"].iloc[0]
    sister = result.review[result.review["left_key"].isin(["0", "1"]) & (result.review["right_key"] == "2")]
    assert "phone shared landline +74951234567" in sister["reasons"].iloc[0]  # «Ромашка плюс» may be a sister company


def test_survivorship_prefers_source_order_and_unions_phones() -> None:
    frame = companies(
        {"name": "Ромашка", "inn": "7707083893", "address": "Москва, ул. Ленина 1", "phone": "84951234567", "src": "b"},
        {"name": 'ООО "Ромашка"', "inn": "7707083893", "phone": "8 916 123-45-67"},
    )
    golden = golden_companies(match_companies(frame, LIMITS).frame, {"a": 0, "b": 1})
    (row,) = golden.to_dict("records")
    assert row["name"] == 'ООО "Ромашка"' and row["address"] == "Москва, ул. Ленина 1"
    assert {p[0] for p in row["phones"]} == {"+74951234567", "+79161234567"}
    assert len(row["members"]) == 2


def test_people_merge_on_email_with_agreeing_names_only() -> None:
    firms = companies({"name": "Ромашка", "inn": "7707083893"}, {"name": "Лютик", "inn": "7736050003"})
    people = contacts(
        firms,
        {"full_name": "Иванов Иван Иванович", "email": "ivanov@mail.ru", "company": "0"},
        {"full_name": "Иванов И.", "email": "IVANOV@mail.ru", "company": "1"},  # same person, 2 firms
        {"full_name": "Петров Пётр", "email": "ivanov@mail.ru", "company": "1"},  # shared mailbox
        {"full_name": "Иванов Иван", "company": "0"},
    )  # same name at the same company
    cluster_of = {("a", "0"): 0, ("a", "1"): 1}
    result = match_contacts(people, cluster_of, CONTACT_LIMITS)
    assert clusters(result.frame) == [{"p0", "p1", "p3"}, {"p2"}]
    golden = golden_contacts(result.frame, cluster_of, {"a": 0})
    ivanov = golden[golden["last_name"] == "Иванов"].iloc[0]
    assert ivanov["company_cluster"] == 0 and ivanov["company_clusters"] == [0, 1]


def test_survivorship_per_field_and_provenance() -> None:
    frame = companies(
        {"name": "Ромашка", "inn": "7707083893", "address": "Москва"},
        {"name": 'ООО "Ромашка"', "inn": "7707083893", "address": "Москва, ул. Ленина, д. 1", "src": "b"},
    )
    rules = MatchingConfig().survivorship  # the defaults: the most complete address wins
    (row,) = golden_companies(match_companies(frame, LIMITS).frame, {"a": 0, "b": 1}, rules).to_dict("records")
    assert row["address"] == "Москва, ул. Ленина, д. 1" and row["provenance"]["address"] == "b:1"
    assert row["name"] == "Ромашка" and row["provenance"]["name"] == "a:0"  # source priority


def test_a_colleague_on_the_office_line_is_no_rival_partner() -> None:
    firms = companies({"name": "Ромашка", "inn": "7707083893"})
    people = contacts(
        firms,
        {"full_name": "Малышева Ксения", "company": "0"},
        {"full_name": "Малышева Ксения", "phone": "+74951234567", "email": "info@romashka.ru", "company": "0"},
        {"full_name": "Ильина Лариса", "phone": "+74951234567", "email": "info@romashka.ru", "company": "0"},
    )
    # the office line and mailbox make Ильина a strong match of the second record, but other names say
    # another person: not a rival that would leave Малышева's two records a question
    result = match_contacts(people, {("a", "0"): 0}, CONTACT_LIMITS)
    assert clusters(result.frame) == [{"p0", "p1"}, {"p2"}]


def test_a_value_only_the_pair_bears_is_rare_whatever_the_size_of_the_base() -> None:
    """Leave-pair-out term frequencies: the pair's own two records are no evidence of a common value."""
    tf = value_tf(["ладога", "ладога", "ромашка", "ромашка", "ромашка", None], 1e-4)
    prior = PRIOR_RECORDS * 1e-4
    assert tf[0] == tf[1] == pytest.approx(prior / (5 + PRIOR_RECORDS))
    assert tf[2] == pytest.approx((1 + prior) / (5 + PRIOR_RECORDS))  # a third «Ромашка» is evidence
    assert tf[5] == 1.0


def test_golden_records_made_a_slice_of_clusters_at_a_time_are_the_ones_made_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``golden._clusters`` turns ``ROWS_AT_ONCE`` records into dicts at a time: a cluster is never cut in
    two, and source priority, then file order, still decide within it."""
    from transforms import golden

    frame = companies(
        *(
            {
                "name": f"Фирма {i % 4}",
                "inn": ["7707083893", "7736050003", "7702070139", "5000000001"][i % 4],
                "address": f"Москва, д. {i}",
                "src": "ab"[(i // 4) % 2],  # every cluster holds both sources
            }
            for i in range(13)
        )
    )
    matched = match_companies(frame, LIMITS).frame.sample(frac=1, random_state=3).reset_index(drop=True)
    at_once = golden_companies(matched, {"b": 0, "a": 1})
    monkeypatch.setattr(golden, "ROWS_AT_ONCE", 2)
    sliced = golden_companies(matched, {"b": 0, "a": 1})
    assert len(at_once) == 4 and sliced.to_dict("records") == at_once.to_dict("records")
    assert sorted(len(m) for m in sliced["members"]) == [3, 3, 3, 4]
    assert all(m[0].source == "b" for m in sliced["members"])  # the first source in priority leads each cluster
