"""Contacts → their company: typos, initials and branch labels still find it; an unknown one is created."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_matching import companies
from transforms.normalise import as_frame, normalise_contacts
from vocabulary.fields import (
    COMPANY_RECORD,
    CONTACT_FIELDS,
    EXTRA,
    PAYLOAD,
    REF_INN,
    REF_KEY,
    REF_NAME,
    REF_ROW,
)
from vocabulary.messages import text

FIRMS = companies(
    {"name": 'ООО "Дорпром-2000"', "inn": "7707083893"},
    {"name": "ИП Акимов Роман Николаевич"},
    {"name": 'АО "Вектор"', "inn": "7736050003", "kpp": "773601001"},
)


def _contact(inn: str | None = None, name: str | None = None) -> pd.DataFrame:
    row = {
        "_source": "people",
        "_source_key": "1",
        "_origin": "people.csv:2",
        **{f: None for f in CONTACT_FIELDS},
        "full_name": "Иванов Иван",
        REF_KEY: None,
        REF_INN: inn,
        REF_NAME: name,
        REF_ROW: None,
        EXTRA: {},
        PAYLOAD: "{}",
    }
    return normalise_contacts(as_frame({k: [v] for k, v in row.items()}), FIRMS, {"people": "RU"})


@pytest.mark.parametrize(
    ("inn", "name", "company"),
    [
        ("7707083839", None, "0"),  # the last two digits swapped
        ("7707088893", None, "0"),  # one digit mistyped
        (None, "Дорпрр-2000 ООО", "0"),  # a typo, the form after the name
        (None, "ИП Акимов Р.Н.", "1"),  # initials
        (None, "Вектор АО филиал г. Казань", "2"),  # a branch label
    ],
)
def test_a_reference_with_a_typo_or_initials_finds_its_company(inn: str | None, name: str | None, company: str) -> None:
    from validators.references import attach_companies

    attached, rejects, created = attach_companies(_contact(inn, name), FIRMS, FIRMS)
    assert attached[COMPANY_RECORD].iloc[0] == ("a", company) and rejects.empty and created.empty


def test_an_unknown_company_is_created_from_the_reference_with_a_warning() -> None:
    from validators.references import attach_companies

    attached, rejects, created = attach_companies(_contact("7702070139", "ООО Неизвестная"), FIRMS, FIRMS)
    assert rejects.empty and len(attached) == 1
    (made,) = created.to_dict("records")
    assert (made["name"], made["inn"]) == ('ООО "Неизвестная"', "7702070139")
    assert attached[COMPANY_RECORD].iloc[0] == (made["_source"], made["_source_key"])
    assert made["_issues"][-1] == text(
        "validation.ref.company_created", company="ИНН 7702070139, 'ООО Неизвестная'", origin="people.csv:2"
    )


def test_the_company_index_is_freed_without_the_cyclic_collector() -> None:
    """Its look-ups are memoised in plain dicts: no cycle keeps a million lists alive after the stage."""
    import gc
    import weakref

    from validators.references import _Index

    gc.disable()
    try:
        index = _Index(FIRMS)
        assert index.find("people", None, None, "7707083893", None) == ("a", "0")
        assert index.find("people", None, None, None, "ИП Акимов Р.Н.") == ("a", "1")
        gone = weakref.ref(index)
        del index
        assert gone() is None
    finally:
        gc.enable()
