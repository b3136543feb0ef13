"""The guard around the matching features: no value of any type stops the duplicate search.

Hostile records (random text, very long strings, control characters, digit blobs, floats, NaN,
lists, bytes, None) are driven through ``company_features`` / ``contact_features`` and the
matchers: nothing escapes, every feature has one entry per record, and a hostile record costs
only itself — the features of the plain records next to it are what they are without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_bad_input import hostile_text
from tests.test_matching import CONTACT_LIMITS, LIMITS, companies, contacts, english  # noqa: F401 — English texts
from transforms.emails import parse_emails
from transforms.matching import CLUSTER, features, match_companies, match_contacts
from transforms.matching.features import company_features, contact_features
from transforms.phones import parse_phones
from vocabulary.fields import ISSUES
from vocabulary.messages import text

odd_value = st.one_of(
    st.none(),
    hostile_text,
    st.text(min_size=1_000, max_size=3_000),  # a very long cell
    st.floats(),  # NaN and the infinities included
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
    st.binary(max_size=8),
    st.just(pd.NA),
)
phones_cell = st.one_of(hostile_text.map(lambda t: parse_phones(t, "RU")), odd_value)
emails_cell = st.one_of(hostile_text.map(parse_emails), odd_value)

# Values as the normalisers hand them over, for the plain records next to the hostile ones.
PLAIN_COMPANY = {
    "name_key": ["ромашка", "ромашка филиал г казань", "иванов иван иванович", "сму 1", None],
    "city": ["Москва", "г. Казань", None],
    "address": ["123022, Москва г, Рочдельская ул, дом № 15", None],
    "type": ["legal", "entrepreneur", "person", None],
    "inn": ["7707083893", "500100732259", None],
    "kpp": ["773601001", "781043001", None],
    "ogrn": ["1027700132195", None],
    "website": ["https://www.romashka.ru/contacts", None],
    "phones": [parse_phones("+7 495 123-45-67, 8 916 123 45 67", "RU"), ()],
    "emails": [parse_emails("info@romashka.ru; ivanov@romashka.ru"), parse_emails("a@mail.ru"), ()],
}
PLAIN_CONTACT = {
    "last_name": ["Иванов", "Петрова", None],
    "first_name": ["Иван", "Анна", "А.", None],
    "middle_name": ["Петрович", None],
    "gender": ["m", "f", None],
    "name_key": ["иванов иван", "петрова анна", None],
    "phones": PLAIN_COMPANY["phones"],
    "emails": PLAIN_COMPANY["emails"],
}
CHANNEL_CELLS = {"phones": phones_cell, "emails": emails_cell}


def _records(plain: dict[str, list]) -> st.SearchStrategy[tuple[bool, dict]]:
    """(hostile?, record): a plain record, or one whose every cell may be hostile."""
    plain_record = st.fixed_dictionaries({c: st.sampled_from(v) for c, v in plain.items()})
    hostile_record = st.fixed_dictionaries(
        {c: st.one_of(st.sampled_from(v), CHANNEL_CELLS.get(c, odd_value)) for c, v in plain.items()}
    )
    return st.one_of(plain_record.map(lambda r: (False, r)), hostile_record.map(lambda r: (True, r)))


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [r[c] for r in records] for c in columns}, dtype=object)


# Features of one record alone, whatever the others are (term frequencies and value ids depend on them).
def _own(feats: dict, i: int) -> dict:
    skip = ("_tf", "_flag", "phone", "email", "company", "issues", "name_rivals")  # name_rivals: INNs of its name
    out = {k: v[i] for k, v in feats.items() if isinstance(v, np.ndarray) and v.ndim == 1 and not k.endswith(skip)}
    return {**out, "phone_values": feats["phone_values"][i], "email_values": feats["email_values"][i]}


def _check(feats: dict, n: int, text_features: tuple[str, ...]) -> None:
    for name, value in feats.items():
        assert len(value) == n, name  # one entry (a row of a matrix) per record
    for name in text_features:
        assert all(v is None or isinstance(v, str) for v in feats[name]), name


def _isolated(feats: dict, alone: dict, drawn: list[tuple[bool, dict]]) -> None:
    """The plain records' features equal their features computed without the hostile records."""
    plain = [i for i, (hostile, _) in enumerate(drawn) if not hostile]
    for j, i in enumerate(plain):
        assert _own(feats, i) == _own(alone, j)
        assert feats["issues"][i] == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_records(PLAIN_COMPANY), max_size=6))
def test_company_features_survive_any_record(drawn: list[tuple[bool, dict]]) -> None:
    columns = list(PLAIN_COMPANY)
    feats = company_features(_frame([r for _, r in drawn], columns))
    _check(feats, len(drawn), ("key", "tkey", "inn", "kpp", "ogrn", "kind", "place", "address", "domain", "office"))
    alone = company_features(_frame([r for hostile, r in drawn if not hostile], columns))
    _isolated(feats, alone, drawn)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_records(PLAIN_CONTACT), max_size=6))
def test_contact_features_survive_any_record(drawn: list[tuple[bool, dict]]) -> None:
    columns = list(PLAIN_CONTACT)
    companies_of = [i % 2 or None for i in range(len(drawn))]
    feats = contact_features(_frame([r for _, r in drawn], columns), companies_of)
    _check(feats, len(drawn), ("last", "first", "middle", "tlast", "tfirst", "tmiddle", "gender", "key"))
    plain = [i for i, (hostile, _) in enumerate(drawn) if not hostile]
    alone = contact_features(_frame([drawn[i][1] for i in plain], columns), [companies_of[i] for i in plain])
    _isolated(feats, alone, drawn)


def _patched(frame: pd.DataFrame, cells: list[dict]) -> pd.DataFrame:
    """``frame`` (normalised) with the hostile cells written over its records' canonical values."""
    out = frame.copy()
    for i, record in enumerate(cells):
        for column, value in record.items():
            out.at[i, column] = value
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(
        st.fixed_dictionaries({}, optional={c: CHANNEL_CELLS.get(c, odd_value) for c in PLAIN_COMPANY}),
        min_size=1,
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries({}, optional={c: CHANNEL_CELLS.get(c, odd_value) for c in PLAIN_CONTACT}),
        min_size=1,
        max_size=4,
    ),
)
def test_the_matchers_cluster_every_hostile_record(company_cells: list[dict], contact_cells: list[dict]) -> None:
    names = ["ООО Ромашка", "Ромашка ООО", "ИП Иванов Иван Иванович", "СМУ-1"]
    plain = companies(*({"name": names[i % 4], "inn": "7707083893"} for i in range(len(company_cells))))
    matched = match_companies(_patched(plain, company_cells), LIMITS)
    assert len(matched.frame) == len(company_cells) and matched.frame[CLUSTER].notna().all()
    people = contacts(plain, *({"full_name": "Иванов Иван", "company": str(i)} for i in range(len(contact_cells))))
    of = dict(zip(zip(matched.frame["_source"], matched.frame["_source_key"]), matched.frame[CLUSTER]))
    matched_people = match_contacts(_patched(people, contact_cells), of, CONTACT_LIMITS)
    assert len(matched_people.frame) == len(contact_cells) and matched_people.frame[CLUSTER].notna().all()


def test_a_feature_failing_on_one_value_costs_that_record_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = features.translit_key

    def translit(key):
        if key == "альфа":
            raise RecursionError("maximum recursion depth exceeded")
        return real(key)

    monkeypatch.setattr(features, "translit_key", translit)
    frame = companies(
        {"name": "ООО Альфа", "inn": "7707083893"},
        {"name": "ООО Бета", "inn": "7736050003", "phone": "+7 916 123 45 67"},
        {"name": "Бета ООО", "inn": "7736050003"},
    )
    matched = match_companies(frame, LIMITS).frame.set_index("_source_key")
    failed = text("bad_input.feature_failed", error="RecursionError: maximum recursion depth exceeded")
    assert matched.at["0", ISSUES] == [f"name 'альфа': {failed}"]  # kept, clustered, flagged
    assert matched.at["1", ISSUES] == matched.at["2", ISSUES] == []
    assert matched.at["1", CLUSTER] == matched.at["2", CLUSTER] != matched.at["0", CLUSTER]
