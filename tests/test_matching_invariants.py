"""Matching invariants: hard rules hold in every cluster, results do not depend on row order.

Property tests draw random record sets from a small vocabulary (so collisions — same
names, shared phones, namesakes, branches — are frequent) and check every output cluster
against the rules; the reproductions of issue 9 (a)–(f) are stated cases.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzzy_matching import decisions
from tests.test_matching import CONTACT_LIMITS, LIMITS, clusters, companies, contacts, english  # noqa: F401 — English texts
from transforms.column_mapping import ColumnMapping
from transforms.matching import CLUSTER, match_companies, match_contacts
from transforms.matching.rules import name_clash
from transforms.records import table_to_records
from transforms.tables import ROW_COLUMN, SourceTable

NAMES = [
    "Ромашка",
    "Ромашка плюс",
    "Рамашка",
    "Альфа",
    "Ladoga Trade",
    "Ладога Трейд",
    "Вертикаль Трейд",
    "Вертикаль Трейд+",
    "Петров",
    "ИП Петров Иван Иванович",
]
INNS = [None, None, "7707083893", "7736050003", "500100732259"]
KPPS = [None, "773601001", "781043001"]
CITIES = [None, "Москва", "Казань"]
PHONES = [None, "+74951234567", "+79161234567"]

company_record = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "inn": st.sampled_from(INNS),
        "kpp": st.sampled_from(KPPS),
        "city": st.sampled_from(CITIES),
        "phone": st.sampled_from(PHONES),
    }
)
PEOPLE = [
    "Иванов Андрей",
    "Иванов Алексей",
    "Иванов А.",
    "Иванова Анна",
    "Ольга",
    "Петров",
    "Иванов Андрей Петрович",
    "Иванов Андрей Сергеевич",
    "Петров Иван",
    "Петрова Ивана",
]
person_record = st.fixed_dictionaries(
    {
        "full_name": st.sampled_from(PEOPLE),
        "phone": st.sampled_from(PHONES),
        "email": st.sampled_from([None, "a.ivanov@mail.ru", "info@romashka.ru"]),
        "company": st.sampled_from(["0", "1"]),
    }
)


def _company_violations(frame: pd.DataFrame) -> list[str]:
    out = []
    for cluster, group in frame.groupby(CLUSTER):
        inns = set(group["inn"].dropna())
        kpps = set(group["kpp"].dropna())
        kinds = {"legal" if t == "legal" else "person" for t in group["type"].dropna()}
        if len(inns) > 1:
            out.append(f"{cluster}: INNs {inns}")
        if len(kpps) > 1:
            out.append(f"{cluster}: KPPs {kpps}")
        if len(kinds) > 1:
            out.append(f"{cluster}: entrepreneur and legal entity")
    return out


def _people_violations(frame: pd.DataFrame) -> list[str]:
    out = []
    for cluster, group in frame.groupby(CLUSTER):
        for part in ("first_name", "middle_name"):
            values = [v.lower().rstrip(".") for v in group[part].dropna()]
            if any(name_clash(x, y) for x in values for y in values):
                out.append(f"{cluster}: {part} {values}")
        genders = set(group["gender"].dropna())
        if len(genders) > 1:
            out.append(f"{cluster}: genders {genders}")
        named = group[group["last_name"].notna() & group["first_name"].notna()]
        if (
            len({(r.last_name, r.first_name) for r in named.itertuples()}) > 1
            and len(named) < len(group)
            and len({r.first_name for r in named.itertuples()}) > 1
        ):
            out.append(f"{cluster}: a partial record bridges {len(named)} named records")
    return out


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


def _result(matched) -> tuple:
    groups = sorted(sorted(g) for g in matched.frame.groupby(CLUSTER)["_source_key"].apply(list))
    review = sorted(map(tuple, matched.review[["left_key", "right_key", "score", "reasons"]].values.tolist()))
    return groups, review


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(company_record, min_size=2, max_size=12),
    st.integers(0, 1000),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.sampled_from(["same", "different"])), max_size=3),
)
def test_no_company_cluster_breaks_a_rule_and_order_does_not_matter(
    records: list[dict], seed: int, decided: list[tuple]
) -> None:
    frame = companies(*records)
    n = len(frame)
    rules = decisions(*[("company", str(a), str(b), d) for a, b, d in decided if a < n and b < n and a != b])
    first = match_companies(frame, LIMITS, rules)
    assert _company_violations(first.frame) == []
    assert _result(match_companies(_shuffled(frame, seed), LIMITS, rules)) == _result(first)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(person_record, min_size=2, max_size=12), st.integers(0, 1000))
def test_no_person_cluster_breaks_a_rule_and_order_does_not_matter(records: list[dict], seed: int) -> None:
    firms = companies({"name": "Ромашка", "inn": "7707083893"}, {"name": "Лютик", "inn": "7736050003"})
    people = contacts(firms, *records)
    cluster_of = {("a", "0"): 0, ("a", "1"): 1}
    first = match_contacts(people, cluster_of, CONTACT_LIMITS)
    assert _people_violations(first.frame) == []
    assert _result(match_contacts(_shuffled(people, seed), cluster_of, CONTACT_LIMITS)) == _result(first)


def test_a_same_decision_cannot_chain_a_branch_into_its_head_office() -> None:  # issue 9 (a)
    frame = companies(
        {"name": "Ромашка", "inn": "7707083893", "kpp": "773601001"},
        {"name": "Ромашка", "inn": "7707083893", "kpp": "781043001"},
        {"name": "Ромашка СПб"},
    )
    result = match_companies(frame, LIMITS, decisions(("company", "1", "2", "same")))
    assert {"1", "2"} in clusters(result.frame) and {"0"} in clusters(result.frame)


def test_entrepreneur_and_legal_entity_of_one_name_never_merge() -> None:  # issue 9 (b)
    frame = companies(
        {"name": 'ООО "Петров"', "city": "Москва"}, {"name": "Петров", "inn": "500100732259", "city": "Москва"}
    )
    assert clusters(match_companies(frame, LIMITS).frame) == [{"0"}, {"1"}]


def test_sister_names_sharing_a_phone_are_a_question() -> None:  # issue 9 (c)
    frame = companies(
        {"name": "Вертикаль Трейд", "phone": "+74951234567"}, {"name": "Вертикаль Трейд+", "phone": "84951234567"}
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0"}, {"1"}] and "sister company" in result.review["reasons"].iloc[0]


def test_an_unplaced_record_between_two_companies_is_a_question_in_any_order() -> None:  # issue 9 (d)
    frame = companies(
        {"name": "Альфа", "city": "Москва", "inn": "7707083893"},
        {"name": "Альфа", "city": "Москва", "inn": "7736050003"},
        {"name": "Альфа", "city": "Москва"},
    )
    for seed in range(4):
        result = match_companies(_shuffled(frame, seed), LIMITS)
        assert clusters(result.frame) == [{"0"}, {"1"}, {"2"}]
        assert {(p["left_key"], p["right_key"]) for p in result.review.to_dict("records")} == {("0", "2"), ("1", "2")}


def test_a_first_name_only_record_never_bridges_two_people() -> None:  # issue 9 (e)
    firms = companies({"name": "Ромашка", "inn": "7707083893"})
    people = contacts(
        firms,
        {"full_name": "Иванова Ольга", "phone": "+79161234567", "company": "0"},
        {"full_name": "Петрова Ольга", "phone": "+79161234568", "company": "0"},
        {"full_name": "Ольга", "phone": "+79161234567\n+79161234568", "company": "0"},
        {"full_name": "Иванов Андрей", "company": "0"},
        {"full_name": "Иванов Алексей", "company": "0"},
        {"full_name": "Иванов А.", "company": "0"},
    )
    result = match_contacts(people, {("a", "0"): 0}, CONTACT_LIMITS)
    groups = clusters(result.frame)
    assert not any({"p0", "p1"} <= g for g in groups) and not any({"p3", "p4"} <= g for g in groups)


def test_latin_and_cyrillic_spellings_of_one_company_meet() -> None:  # issue 9 (f)
    frame = companies(
        {"name": "Ladoga Trade", "city": "Казань", "phone": "+78432000000"},
        {"name": "ООО «Ладога Трейд»", "city": "Казань", "phone": "+78432000000"},
        {"name": "Ladoga Trade LLC", "city": "Казань"},
    )
    result = match_companies(frame, LIMITS)
    assert {"0", "1"} <= next(g for g in clusters(result.frame) if "0" in g)
    pairs = set(zip(result.links["left_key"], result.links["right_key"])) | set(
        zip(result.review["left_key"], result.review["right_key"])
    )
    assert any("2" in p for p in pairs)


def test_inn_without_kpp_joins_the_branch_its_city_and_phone_name() -> None:  # issue 9, branches without KPP
    frame = companies(
        {"name": "Ромашка", "inn": "7707083893", "kpp": "773601001", "city": "Москва", "phone": "+74951234567"},
        {"name": "Ромашка", "inn": "7707083893", "kpp": "165543001", "city": "Казань", "phone": "+78432111111"},
        {"name": "Ромашка филиал г. Казань", "inn": "7707083893", "phone": "+78432111111"},
        {"name": "Ромашка", "inn": "7707083893"},
    )  # nothing tells which
    result = match_companies(frame, LIMITS)
    groups = clusters(result.frame)
    # the labelled record joins the Kazan branch; the bare INN-only record never joins the head office by
    # default: it is the same legal entity as the KPP-less branch record (one INN, no KPP on either side)
    assert {"0"} in groups and any({"1", "2"} <= g for g in groups)
    assert not any({"0", "3"} <= g for g in groups)


def test_a_company_only_row_of_a_mixed_sheet_makes_no_contact() -> None:  # issue 9, phantom contacts
    frame = pd.DataFrame(
        {
            ROW_COLUMN: [2, 3],
            "Клиент": ["ООО Ромашка", "ООО Лютик"],
            "Контакт": [None, "Иванов Иван"],
            "Телефон": ["+74951234567", "+74951234568"],
            "Почта": ["info@romashka.ru", "ivanov@lutik.ru"],
        },
        dtype=object,
    )
    mapping = ColumnMapping(
        "mixed",
        company={"name": ["Клиент"]},
        contact={"full_name": ["Контакт"], "phone": ["Телефон"], "email": ["Почта"]},
    )
    records = table_to_records(
        SourceTable("Клиенты", frame, 1), mapping, source="crm", key_column=None, label=lambda row: f"Клиенты!{row}"
    )
    assert list(records.contacts["full_name"]) == ["Иванов Иван"]
    romashka = records.companies.iloc[0]
    assert (romashka["phone"], romashka["email"]) == ("+74951234567", "info@romashka.ru")


def test_initials_that_fit_two_colleagues_join_neither() -> None:  # issue 9 (e), «Иванов А.»
    firms = companies({"name": "Ромашка", "inn": "7707083893"})
    people = contacts(
        firms,
        {"full_name": "Акимов Андрей Дмитриевич", "company": "0"},
        {"full_name": "Акимов Алексей Дмитриевич", "company": "0"},
        {"full_name": "Акимов А.Д.", "phone": "+79161234567", "company": "0"},
        {"full_name": "Акимов А. Д.", "phone": "+79161234567", "company": "0"},  # one mobile: one of them
        {"full_name": "Петрова Ольга", "company": "0"},
        {"full_name": "Петрова О.", "company": "0"},  # one Ольга at the company: the initial is hers
    )
    people.loc[5, "_source"] = "b"  # another source's record (one source listing both would be two people)
    result = match_contacts(people, {("a", "0"): 0}, CONTACT_LIMITS)
    assert clusters(result.frame) == [{"p0"}, {"p1"}, {"p2", "p3"}, {"p4", "p5"}]
    questions = {(p["left_key"], p["right_key"]) for p in result.review.to_dict("records")}
    assert {("p0", "p2"), ("p1", "p2")} <= questions  # which Акимов? a person decides


def test_two_people_one_source_lists_apart_at_one_company_stay_two_whatever_joins_them() -> None:
    """The colleague with the same surname and initials: «Рябова А. Л.» on the company's rows beside «Рябова
    Анастасия Леонидовна» is Анна; another file's «Рябова Анастасия» (an initial fits both) cannot chain them.
    The same person entered twice (the full first name the same) is still one."""
    firms = companies({"name": "Ромашка", "inn": "7707083893"})
    office = "+74951234567"
    people = contacts(
        firms,
        {"full_name": "Рябова Анастасия Леонидовна", "phone": office, "company": "0"},
        {"full_name": "Рябова А. Л.", "phone": office, "company": "0"},
        {"full_name": "Рябова Анастасия", "phone": office, "company": "0"},
        {"full_name": "Орлов Пётр Ильич", "company": "0"},
        {"full_name": "Орлов Пётр", "company": "0"},  # entered twice
    )
    people.loc[2, "_source"] = "contacts.csv"  # another file naming the company
    result = match_contacts(people, {("a", "0"): 0}, CONTACT_LIMITS)
    found = clusters(result.frame)
    assert not any({"p0", "p1"} <= c for c in found)
    assert {"p3", "p4"} in found
    questions = result.review.to_dict("records")
    assert any({q["left_key"], q["right_key"]} == {"p0", "p1"} for q in questions)
    assert any("one source lists them apart at one company" in q["reasons"] for q in questions)


def test_an_inn_less_record_of_a_name_several_companies_bear_in_its_city_is_a_question() -> None:
    frame = companies(
        {"name": "ООО «Гарант»", "inn": "7707083893", "city": "Москва"},
        {"name": "ООО «Гарант»", "inn": "7736050003", "city": "Москва"},
        {"name": "Гарант ООО", "city": "Москва", "src": "b"},
    )
    result = match_companies(frame, LIMITS)
    assert {"2"} in clusters(result.frame)
    mine = result.review[result.review["right_key"].eq("2") | result.review["left_key"].eq("2")]
    assert len(mine) and mine["reasons"].str.contains("2 companies with different INNs bear this name").all()


def test_a_branch_is_registered_where_it_works_not_where_its_inn_was_issued() -> None:
    """A Krasnodar branch of a Tyumen company (INN region 72, KPP 2312…): the INN's region is no evidence
    against an INN-less «филиал в г. Краснодар» of the same name in Krasnodar — the KPP's region agrees."""
    frame = companies(
        {"name": "«Фармвест» ООО (филиал г. Краснодар)", "inn": "7203123459", "kpp": "231243002", "city": "Краснодар"},
        {"name": "ООО Фармвест, филиал в г. Краснодар", "city": "Краснодар", "src": "b"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0", "1"}]
    assert "23 / Краснодар" in result.links["reasons"].iloc[0]


def test_a_record_labelled_a_branch_joins_the_branch_not_the_head_office_of_its_city() -> None:
    frame = companies(
        {"name": "ООО «Алмаз Авто»", "inn": "7707083893", "kpp": "773601001", "city": "Москва"},
        {"name": "ООО «Алмаз Авто» (филиал г. Москва)", "inn": "7707083893", "kpp": "772843002", "city": "Москва"},
        {"name": "ООО Алмаз Авто, филиал в г. Москва", "inn": "7707083893", "src": "b"},
    )
    groups = clusters(match_companies(frame, LIMITS).frame)
    assert {"1", "2"} in groups and {"0"} in groups


def test_an_entrepreneur_s_full_name_in_the_city_of_the_other_s_inn_region_merges() -> None:
    frame = companies(
        {"name": "ИП Савин Сергей Станиславович", "inn": "771234567859"},
        {"name": "Савин Сергей Станиславович", "type": "entrepreneur", "city": "Москва", "src": "b"},
        {"name": "ИП Савин Сергей Станиславович", "city": "Казань"},
    )
    groups = clusters(match_companies(frame, LIMITS).frame)
    assert {"0", "1"} in groups and {"2"} in groups  # Kazan: the INN says Moscow, a namesake is too likely
