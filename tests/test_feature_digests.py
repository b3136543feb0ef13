"""The digest of a record's own matching features (transforms.matching.index.feature_digests): what lets a
re-run tell an edit matching reads (a phone, a city) from one it does not (a position, a name's case).

It must not depend on the other records of the frame, nor on what matching cached while scoring: the
index stores the digest a full match computed, the re-run compares it with one computed on the changed
records alone."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_matching import LIMITS, companies, contacts
from transforms.matching import cluster_of, match_companies, match_contacts
from transforms.matching.features import company_features, contact_features
from transforms.matching.index import DIGEST_RULE, feature_digests
from vocabulary.fields import COMPANY_RECORD, SOURCE, SOURCE_KEY

FIRMS = [
    {"name": 'ООО "Ромашка"', "inn": "7707083893", "city": "Москва", "phone": "+7 495 123-45-67"},
    {"name": "Ромашка ООО", "city": "Москва", "phone": "8 (495) 123-45-67"},
    {"name": "ИП Петров Иван Иванович", "inn": "500100732259", "email": "petrov@mail.ru"},
    {"name": "Ladoga Trade", "city": "Санкт-Петербург", "website": "ladoga.ru"},
]
PEOPLE = [
    {"full_name": "Иванов Андрей Петрович", "company": "0", "phone": "+7 916 123-45-67", "position": "директор"},
    {"full_name": "Иванов А.П.", "company": "1", "email": "a.ivanov@romashka.ru"},
    {"full_name": "Петров Иван", "company": "2", "position": "ИП"},
]


def stored_digests(matched_index: dict) -> dict[tuple, str]:
    return {(src, key): value for src, key, rule, value in matched_index["rows"] if rule == DIGEST_RULE}


def company_digest(frame: pd.DataFrame) -> dict[tuple, str]:
    return dict(
        zip(zip(frame[SOURCE], frame[SOURCE_KEY]), feature_digests("company", company_features(frame), len(frame)))
    )


def contact_digest(frame: pd.DataFrame) -> dict[tuple, str]:
    features = contact_features(frame, [None] * len(frame))
    refs = list(frame[COMPANY_RECORD])
    return dict(zip(zip(frame[SOURCE], frame[SOURCE_KEY]), feature_digests("contact", features, len(frame), refs)))


def test_the_digest_a_full_match_stores_is_the_one_of_the_record_alone() -> None:
    firms = companies(*FIRMS)
    people = contacts(firms, *PEOPLE)
    matched = match_companies(firms, LIMITS, contacts=people)
    persons = match_contacts(people, cluster_of(matched.frame), LIMITS)
    stored = stored_digests(matched.index)
    for i in range(len(firms)):  # each record alone, in a frame of one
        assert company_digest(firms.iloc[[i]].reset_index(drop=True)) == {("a", str(i)): stored[("a", str(i))]}
    stored = stored_digests(persons.index)
    for i in range(len(people)):
        assert contact_digest(people.iloc[[i]].reset_index(drop=True)) == {("a", f"p{i}"): stored[("a", f"p{i}")]}


@pytest.mark.parametrize(
    ("field", "value", "same"),
    [
        ("name", 'ООО "РОМАШКА"', True),  # the case of a name
        ("address", None, True),  # unchanged: no address either way
        ("phone", "+7 495 765-43-21", False),
        ("city", "Казань", False),
        ("inn", "7736050003", False),
        ("name", 'ООО "Ромашка-М"', False),
    ],
)
def test_a_company_edit_changes_the_digest_when_matching_reads_it(field: str, value: str, same: bool) -> None:
    before = company_digest(companies(FIRMS[0]))
    after = company_digest(companies({**FIRMS[0], field: value}))
    assert (before == after) is same


@pytest.mark.parametrize(
    ("field", "value", "same"),
    [
        ("position", "Руководитель отдела", True),
        ("full_name", "ИВАНОВ АНДРЕЙ ПЕТРОВИЧ", True),
        ("full_name", "Иванов Андрей Сергеевич", False),
        ("phone", "+7 916 765-43-21", False),
        ("company", "1", False),  # another company record
    ],
)
def test_a_contact_edit_changes_the_digest_when_matching_reads_it(field: str, value: str, same: bool) -> None:
    firms = companies(*FIRMS)
    before = contact_digest(contacts(firms, PEOPLE[0]))
    after = contact_digest(contacts(firms, {**PEOPLE[0], field: value}))
    assert (before == after) is same
