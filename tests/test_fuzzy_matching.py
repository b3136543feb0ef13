"""Fuzzy pairs and reviewers' decisions: what merges by itself, what waits for a person, what never merges."""

from __future__ import annotations

import pandas as pd

from tests.test_matching import CONTACT_LIMITS, LIMITS, clusters, companies, contacts, english  # noqa: F401 — English texts
from transforms.matching import match_companies, match_contacts
from transforms.matching.features import contact_features, contact_people
from transforms.review import ReviewFileError, parse_decisions, review_sheet
from vocabulary.pairs import DECISION_COLUMNS, pair_key


def decisions(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """(entity, left key, right key, decision) on source "a"."""
    return pd.DataFrame(
        [(e, "a", lk, "a", rk, d) for e, lk, rk, d in rows], columns=list(DECISION_COLUMNS), dtype=object
    )


def test_typo_with_corroboration_merges_and_uncorroborated_goes_to_review() -> None:
    frame = companies(
        {"name": 'ООО "Альфастрой"', "city": "Казань"},
        {"name": "Альфа Строй", "city": "Казань"},  # same city: corroborated
        {"name": 'ООО "Техносфера"'},
        {"name": "Технасфера"},  # a typo, nothing else agrees
        {"name": "Лютик", "city": "Казань"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0", "1"}, {"2"}, {"3"}, {"4"}]
    merge = result.links[result.links["left_key"] == "0"].iloc[0]
    assert "name one typo apart «альфастрой» / «альфа строй»" in merge["reasons"]
    assert "city same «Казань»" in merge["reasons"]
    (pair,) = result.review.to_dict("records")
    assert (pair["left_key"], pair["right_key"]) == ("2", "3")
    assert 100 * LIMITS.review <= pair["score"] < 100 * LIMITS.auto_merge
    assert "«техносфера» / «технасфера»" in pair["reasons"]


def test_other_city_shared_number_and_guards() -> None:
    frame = companies(
        {"name": "Вектор", "city": "Самара"},
        {"name": "Вектор", "city": "Омск"},
        {"name": "Орион", "phone": "+74951234567"},
        {"name": "Бизнес-центр", "phone": "84951234567"},
        {"name": "Ромашка", "inn": "7707083893"},
        {"name": "Ромашкa", "inn": "7736050003"},
    )
    result = match_companies(frame, LIMITS)
    assert len(clusters(result.frame)) == 6  # nothing merges by itself
    reasons = {(p["left_key"], p["right_key"]): p["reasons"] for p in result.review.to_dict("records")}
    assert "city differs «Самара» / «Омск»" in reasons[("0", "1")]
    assert "+74951234567" in reasons[("2", "3")] and "names differ" in reasons[("2", "3")]
    assert ("4", "5") not in reasons  # different INNs are different companies: not even a question


def test_decisions_join_split_and_silence_pairs() -> None:
    frame = companies(
        {"name": 'ООО "Техносфера"'},
        {"name": "Технасфера"},
        {"name": "Ромашка", "phone": "+74951234567"},
        {"name": "Ромашка", "phone": "+74951234567"},
    )
    assert clusters(match_companies(frame, LIMITS).frame) == [{"0"}, {"1"}, {"2", "3"}]
    decided = decisions(("company", "0", "1", "same"), ("company", "2", "3", "different"))
    result = match_companies(frame, LIMITS, decisions=decided)
    assert clusters(result.frame) == [{"0", "1"}, {"2"}, {"3"}]  # a wrong automatic merge is undone
    assert result.review.empty  # decided pairs never come back
    assert "a reviewer decided: same" in set(result.links["reasons"])


def test_same_decision_never_joins_different_inns() -> None:
    frame = companies({"name": "Ромашка", "inn": "7707083893"}, {"name": "Ромашка", "inn": "7736050003"})
    result = match_companies(frame, LIMITS, decisions=decisions(("company", "0", "1", "same")))
    assert clusters(result.frame) == [{"0"}, {"1"}] and len(result.ignored_decisions) == 1


def test_people_typo_at_one_company_and_namesakes_elsewhere() -> None:
    firms = companies({"name": "Ромашка", "inn": "7707083893"}, {"name": "Лютик", "inn": "7736050003"})
    people = contacts(
        firms,
        {"full_name": "Константинопольский Константин Сергеевич", "company": "0"},
        {"full_name": "Константинопольский Константин Сергевич", "company": "0"},  # typo
        {"full_name": "Смирнова Анна Петровна", "company": "0"},
        {"full_name": "Смирнова Анна Петровна", "company": "1"},  # moved, or a namesake
        {"full_name": "Петров Иван", "company": "0"},
        {"full_name": "Петрова Ивана", "company": "0"},
    )  # another gender: never a pair
    result = match_contacts(people, {("a", "0"): 0, ("a", "1"): 1}, CONTACT_LIMITS)
    assert {"p0", "p1"} in clusters(result.frame)
    pairs = {(p["left_key"], p["right_key"]): p for p in result.review.to_dict("records")}
    assert set(pairs) == {("p2", "p3")} and "namesake" in pairs[("p2", "p3")]["reasons"]


def test_review_sheet_shows_both_records_and_decisions_come_back() -> None:
    frame = companies({"name": 'ООО "Техносфера"', "inn": "7707083893", "city": "Москва"}, {"name": "Технасфера"})
    result = match_companies(frame, LIMITS)
    people = contacts(result.frame, {"full_name": "Иванов Иван", "company": "0"})
    sheet = review_sheet(result.review, result.frame, people)
    row = sheet.iloc[0]
    assert (row["left_name"], row["right_name"], row["left_inn"]) == ('ООО "Техносфера"', "Технасфера", "7707083893")
    header = list(sheet.columns)
    filled = [(2, [*row.tolist()[:-2], "Дубль", None]), (3, [None] * len(header))]
    (decision,) = parse_decisions(header, filled, "review.xlsx")
    assert decision["decision"] == "same" and pair_key("company", ("a", "1"), ("a", "0"))[1:] == (
        decision["left_source"],
        decision["left_key"],
        decision["right_source"],
        decision["right_key"],
    )


def test_bad_decision_names_the_row() -> None:
    header = ["entity", "left_source", "left_key", "right_source", "right_key", "decision"]
    try:
        parse_decisions(header, [(7, ["company", "a", "1", "a", "2", "maybe"])], "review.xlsx")
    except ReviewFileError as exc:
        assert str(exc) == "review.xlsx: row 7: decision 'maybe' is neither 'same' nor 'different'"
    else:
        raise AssertionError("a bad decision must not be accepted")


def test_entrepreneur_written_with_initials_is_a_question() -> None:
    frame = companies(
        {"name": "ИП Громов Тимур Ильич", "city": "Москва"},
        {"name": "Громов Т. И. ИП"},
        {"name": "ИП Громов Павел Ильич"},
    )
    result = match_companies(frame, LIMITS)
    assert len(clusters(result.frame)) == 3
    pairs = {(p["left_key"], p["right_key"]): p["reasons"] for p in result.review.to_dict("records")}
    assert "initials agree" in pairs[("0", "1")] and ("1", "2") not in pairs


def test_numbered_names_are_other_entities() -> None:
    frame = companies(
        {"name": "Клиент 16527", "city": "Уфа"},
        {"name": "Клиент 16575", "city": "Уфа"},
        {"name": "Атлант 1", "phone": "+74951234567"},
        {"name": "Атлант 10", "phone": "84951234567"},
    )
    result = match_companies(frame, LIMITS)
    assert len(clusters(result.frame)) == 4  # never merged by themselves
    pairs = {(p["left_key"], p["right_key"]): p["reasons"] for p in result.review.to_dict("records")}
    assert ("0", "1") not in pairs  # a number alone: not even a question
    assert "sister company" in pairs[("2", "3")]  # a shared phone makes it one


def test_legal_forms_weigh_in_and_the_2014_renames_agree() -> None:
    frame = companies(
        {"name": 'ООО "Ромашка Логистик"', "city": "Екатеринбург"},
        {"name": 'АО "Ромашка Логистик"', "city": "Екатеринбург"},  # another legal form: another company
        {"name": 'ЗАО "Гранит Инвест"', "city": "Пермь", "phone": "+73422111111"},
        {"name": 'АО "Гранит Инвест"', "city": "Пермь", "phone": "+7 342 211-11-11"},  # ЗАО renamed to АО in 2014
    )
    result = match_companies(frame, LIMITS)
    assert {"0", "1"} not in clusters(result.frame)
    assert {"2", "3"} in clusters(result.frame)
    merge = result.links[result.links["left_key"] == "2"].iloc[0]
    assert "legal form of one kind (ЗАО → АО, LLC → ООО) «ЗАО» / «АО»" in merge["reasons"]


def test_a_plain_record_in_a_branchs_city_with_its_phone_joins_that_branch_not_the_head_office() -> None:
    frame = companies(
        {"name": 'ООО "Легион Снаб"', "inn": "7707083893", "kpp": "770701001", "city": "Москва"},
        {"name": 'ООО "Легион Снаб", филиал в г. Калининград', "inn": "7707083893", "phone": "+74012585563"},
        {"name": "Легион Снаб ООО", "inn": "7707083893", "city": "Калининград", "phone": "8 (4012) 58-55-63"},
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0"}, {"1", "2"}]


def test_a_branch_label_before_the_name_takes_a_city_of_several_words() -> None:
    from transforms.matching.features import branch_label

    assert branch_label("филиал ооо прогресс санкт петербург") == ("прогресс", "Санкт-Петербург")
    assert branch_label("филиал ооо альфа нижний новгород") == ("альфа", "Нижний Новгород")
    assert branch_label("филиал ооо легион центр самара") == ("легион центр", "Самара")


def test_a_misspelt_name_merges_only_when_something_else_agrees() -> None:
    frame = companies(
        {"name": 'ООО "Спектр"', "city": "Омск"},
        {"name": 'ООО "Спеетр"', "city": "Омск"},  # one typo, the same city
        {"name": 'ООО "Меридиан"'},
        {"name": 'ООО "Меридина"'},  # a transposition and nothing else: a question
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0", "1"}, {"2"}, {"3"}]
    assert [(p["left_key"], p["right_key"]) for p in result.review.to_dict("records")] == [("2", "3")]


def test_an_inn_without_kpp_in_another_city_or_beside_a_branch_label_is_a_question() -> None:
    frame = companies(
        {"name": 'ООО "Бриз Мебель"', "inn": "7707083893", "kpp": "770701001", "city": "Москва"},
        {"name": 'ООО "Бриз Мебель"', "inn": "7707083893", "city": "Красноярск"},  # a branch there?
        {"name": 'ООО "Снаблогистик", филиал в г. Омск', "inn": "7736050003"},
        {"name": 'ООО "Снаблогистик"', "inn": "7736050003"},  # the head office, or that branch?
    )
    result = match_companies(frame, LIMITS)
    assert clusters(result.frame) == [{"0"}, {"1"}, {"2"}, {"3"}]
    reasons = {(p["left_key"], p["right_key"]): p["reasons"] for p in result.review.to_dict("records")}
    assert "the same INN in another city with no KPP in common" in reasons[("0", "1")]
    assert "one record is labelled a branch, the other is not" in reasons[("2", "3")]


def test_the_same_contact_person_is_evidence_that_two_company_records_are_one() -> None:
    frame = companies(
        {"name": 'ООО "Меридиан"', "city": "Омск"},
        {"name": '"Меридиан" ООО', "city": "Москва"},  # another city: apart, unless something is shared
        {"name": 'ООО "Меридиан Трейд"', "city": "Омск"},
    )
    alone = match_companies(frame, LIMITS)
    assert clusters(alone.frame) == [{"0"}, {"1"}, {"2"}]
    staff = contacts(
        frame,
        {"full_name": "Иванов Андрей Петрович", "phone": "+7 913 111-22-33", "company": "0"},
        {"full_name": "Иванов Андрей", "company": "1"},
        {"full_name": "Петров Олег", "company": "2"},
    )
    result = match_companies(frame, LIMITS, contacts=staff)
    assert clusters(result.frame) == [{"0", "1"}, {"2"}]
    merge = result.links.iloc[0]
    assert "contact person the same иванов андрей" in merge["reasons"]


def test_the_legal_form_inside_a_branch_label_is_read() -> None:
    from transforms.matching.features import branch_parts

    assert branch_parts("янтарь оао филиал в г москва") == ("янтарь", "Москва", "ОАО")
    long_form = "филиал общество с ограниченной ответственностью тд мега москва"
    assert branch_parts(long_form) == ("тд мега", "Москва", "ООО")


def test_a_person_at_two_records_of_a_same_named_company_is_one_person() -> None:
    firms = companies({"name": 'ООО "Ромашка"'}, {"name": "Ромашка ООО", "city": "Омск"}, {"name": 'ООО "Лютик"'})
    people = contacts(
        firms,
        {"full_name": "Смирнова Анна Петровна", "company": "0"},
        {"full_name": "Смирнова Анна Петровна", "company": "1"},  # the company matcher kept 0 and 1 apart
        {"full_name": "Смирнова Анна Петровна", "company": "2"},  # another company: moved, or a namesake?
        {"full_name": "Смирнова А.", "company": "1"},
    )
    people.loc[3, "_source"] = "b"  # another file naming company 1 (one source listing both could be two people)
    names = dict(zip(zip(firms["_source"], firms["_source_key"]), firms["name_key"]))
    result = match_contacts(people, {("a", "0"): 0, ("a", "1"): 1, ("a", "2"): 2}, CONTACT_LIMITS, company_names=names)
    assert clusters(result.frame) == [{"p0", "p1", "p3"}, {"p2"}]
    merge = result.links.iloc[0]
    assert "company another record of a company with the same name" in merge["reasons"]


def test_a_company_name_many_companies_bear_says_less_of_their_people() -> None:
    names = ["ромашка"] * 40 + ["лютик", "лютик", "лютик"]
    companies_of = list(range(40)) + [40, 40, 40]  # forty «Ромашка», one «Лютик» with three people
    frame = pd.DataFrame(
        {"last_name": "Иванов", "first_name": "Иван", "middle_name": None, "gender": None, "phones": [[]] * 43}
        | {"emails": [[]] * 43, "name_key": "иванов иван", "_source": "a", "company_record": None}
    )
    tf = contact_features(frame, companies_of, names)["company_key_tf"]
    assert tf[0] > 2 * tf[-1]  # a «Лютик» counts once, however many of its people are listed
    assert tf[-1] == tf[-2] == tf[-3]


def test_a_person_on_one_office_line_or_at_a_misspelt_record_of_the_company_is_one_person() -> None:
    firms = companies(
        {"name": 'ООО "Триада Плюс"'},
        {"name": "ООО Траида Плюс", "city": "Омск"},  # the company matcher kept the typo apart
        {"name": 'ООО "Лютик"'},
        {"name": 'ООО "Василёк"'},
    )
    people = contacts(
        firms,
        {"full_name": "Петрова Екатерина Петровна", "company": "0"},
        {"full_name": "ПЕТРОВА ЕКАТЕРИНА ПЕТРОВНА", "company": "1"},  # a record of a company with an alike name
        {"full_name": "Орлов Василий Викторович", "phone": "+74951234567", "company": "2"},
        {"full_name": "Орлов Василий", "phone": "84951234567", "company": "3"},  # one office line, one name
    )
    names = dict(zip(zip(firms["_source"], firms["_source_key"]), firms["name_key"]))
    cluster_of = {("a", str(i)): i for i in range(4)}
    result = match_contacts(people, cluster_of, CONTACT_LIMITS, company_names=names)
    groups = clusters(result.frame)
    assert groups == [{"p0", "p1"}, {"p2", "p3"}]


def test_a_company_made_from_a_contacts_own_reference_knows_that_person() -> None:
    firms = companies({"name": 'ООО "Лютик"'})
    people = contacts(firms, {"full_name": "Иванов Иван", "phone": "+79161234567", "company": "0"})
    made = ("contacts", "ref:лютик")  # the company the reference created: the contact is certainly its own
    people = people.assign(_source="contacts", company_ref_record=None, company_record=[made])
    created = pd.DataFrame({"_source": ["contacts", "a"], "_source_key": ["ref:лютик", "0"]})
    assert contact_people(created, people) == [["+79161234567", "иванов иван"], []]


def test_colleagues_on_the_office_line_are_not_a_question_however_many_offices() -> None:
    """The people's name weights are learnt on pairs a phone or e-mail found — and colleagues share the
    office line: were the company in that session, EM would learn «same company» for «same person»."""
    surnames = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков", "Зайцев"]
    firsts = ["Андрей", "Борис", "Виктор", "Глеб", "Денис", "Егор", "Иван", "Кирилл"]
    firms = companies(*({"name": f"Фирма {i}", "city": "Москва"} for i in range(40)))
    people = [
        {"full_name": f"{surnames[j]} {firsts[(i + j) % 8]}", "phone": f"+7495{i:03d}0000", "company": str(i)}
        for i in range(40)
        for j in range(8)
    ]
    people += [  # and a few of them written twice
        {"full_name": f"{surnames[j]} {firsts[(i + j) % 8]}", "phone": f"+7495{i:03d}0000", "company": str(i)}
        for i in range(0, 40, 2)
        for j in range(2)
    ]
    result = match_contacts(contacts(firms, *people), {("a", str(i)): i for i in range(40)}, CONTACT_LIMITS)
    m = result.stats["m"]
    assert m["last_name"][-1] < 0.1 and m["first_name"][-1] < 0.1  # duplicates rarely differ in the name
    colleagues = result.review[result.review["reasons"].str.contains("surname differs")]
    assert (colleagues["score"] < 90).all()  # with company in the session: 100 %
    assert len(result.links) == 40  # the people written twice are still one


def test_tenants_of_a_business_centre_do_not_teach_that_duplicates_have_other_names() -> None:
    """The company name's weights are learnt on pairs an INN or OGRN found: a business centre's switchboard
    is shared by tenants of other names, and EM would take the centre for the company."""
    words = ["Альфа", "Бета", "Гамма", "Дельта", "Омега", "Сигма", "Каппа", "Лямбда"]
    tenants = [
        {"name": f"ООО «{words[j]} {i}»", "phone": f"+7495{i:03d}0000", "city": "Москва"}
        for i in range(30)
        for j in range(8)
    ]
    inns = ["7707083893", "7736050003", "7702070139", "7728168971", "7704217370", "7710140679"]
    written_twice = [{"name": f"ООО «Парус {i}»", "inn": inn} for i, inn in enumerate(inns) for _ in range(2)]
    result = match_companies(companies(*tenants, *written_twice), LIMITS)
    assert result.stats["m"]["name"][-1] < 0.1  # duplicates rarely bear another name
    assert len(result.links) == len(inns)
