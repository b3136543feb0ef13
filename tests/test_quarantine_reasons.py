"""Quarantine reasons: every schema check reads as a phrase in the chosen language, with the value shown."""

from __future__ import annotations

import pandas as pd
import pytest

from validators.quarantine import split_valid
from validators.schemas import COMPANY_SCHEMA, CONTACT_SCHEMA
from vocabulary.fields import ORIGIN, PAYLOAD, SOURCE, SOURCE_KEY
from vocabulary.messages import set_language

GOOD_COMPANY = {
    SOURCE: "buh",
    SOURCE_KEY: "1",
    ORIGIN: "buh.csv:2",
    PAYLOAD: "{}",
    "name": "ООО Ромашка",
    "name_key": "ромашка",
    "inn": "7707083893",
    "kpp": None,
    "ogrn": None,
    "type": "legal",
    "legal_name": None,
    "address": None,
    "city": None,
    "website": None,
    "manager": None,
}
GOOD_CONTACT = {
    SOURCE: "buh",
    SOURCE_KEY: "2",
    ORIGIN: "buh.csv:3",
    PAYLOAD: "{}",
    "full_name": "Иванов Иван",
    "last_name": None,
    "first_name": None,
    "middle_name": None,
    "position": None,
    "phones": None,
    "emails": None,
}


def reasons(schema, row: dict) -> str:
    valid, quarantine = split_valid(pd.DataFrame([row]), schema, "company")
    assert valid.empty and len(quarantine) == 1
    return "; ".join(quarantine["reasons"].iloc[0])


@pytest.mark.parametrize(
    ("schema", "change", "ru", "en"),
    [
        (COMPANY_SCHEMA, {"name": None}, "название: пусто", "name: is empty"),
        (
            COMPANY_SCHEMA,
            {"city": "М" * 201},
            "город: должно быть текстом длиной от 1 до 200 символов (значение 'ММ",
            "city: must be text of 1 to 200 characters (value 'ММ",
        ),
        (
            COMPANY_SCHEMA,
            {"inn": "123"},
            r"ИНН: не соответствует шаблону '^(\d{10}|\d{12})$' (значение '123')",
            r"inn: does not match the pattern '^(\d{10}|\d{12})$' (value '123')",
        ),
        (
            COMPANY_SCHEMA,
            {"type": "firm"},
            "тип: не из допустимых значений ('legal', 'entrepreneur', 'person') (значение 'firm')",
            "type: is not one of ('legal', 'entrepreneur', 'person') (value 'firm')",
        ),
        (
            COMPANY_SCHEMA,
            {"name": "ООО", "name_key": ""},
            "в наименовании нет слов, кроме организационно-правовой формы",
            "name holds no words besides the legal form",
        ),
        (CONTACT_SCHEMA, {"full_name": None}, "нет ни имени, ни телефона, ни email", "no name, no phone and no email"),
    ],
)
def test_a_failed_check_reads_in_both_languages(schema, change: dict, ru: str, en: str) -> None:
    row = (GOOD_COMPANY if schema is COMPANY_SCHEMA else GOOD_CONTACT) | change
    assert ru in reasons(schema, row)
    set_language("en")
    try:
        assert en in reasons(schema, row)
    finally:
        set_language("ru")
