"""Validation: why a record is quarantined (schema checks), and why a filled-in review file is refused."""

MESSAGES = {
    # a failed check of validators.schemas, as a quarantine reason: "<column>: <check>[ (value …)]"
    # a contact's reference to its company (validators.references)
    "validation.ref.key": {"ru": "код {key!r}", "en": "key {key!r}"},
    "validation.ref.inn": {"ru": "ИНН {inn}", "en": "INN {inn}"},
    "validation.ref.company_quarantined": {
        "ru": "его компания {company} в карантине",
        "en": "its company {company} is quarantined",
    },
    "validation.ref.company_created": {
        "ru": "компании {company} нет ни в одном источнике: создана по ссылке из {origin}",
        "en": "company {company} is in no source: created from {origin}'s reference",
    },
    "validation.check.not_nullable": {
        "ru": "пусто",
        "en": "is empty",
    },
    "validation.check.column_in_dataframe": {
        "ru": "столбец отсутствует",
        "en": "column is missing",
    },
    "validation.check.text_length": {
        "ru": "должно быть текстом длиной от 1 до {arg} символов",
        "en": "must be text of 1 to {arg} characters",
    },
    "validation.check.str_matches": {
        "ru": "не соответствует шаблону {arg}",
        "en": "does not match the pattern {arg}",
    },
    "validation.check.isin": {
        "ru": "не из допустимых значений {arg}",
        "en": "is not one of {arg}",
    },
    "validation.check.name_only_legal_form": {
        "ru": "в наименовании нет слов, кроме организационно-правовой формы",
        "en": "name holds no words besides the legal form",
    },
    "validation.check.no_name_phone_email": {
        "ru": "нет ни имени, ни телефона, ни email",
        "en": "no name, no phone and no email",
    },
    "validation.value_shown": {
        "ru": " (значение {value})",
        "en": " (value {value})",
    },
    # a review workbook the consultant filled in (review import)
    "validation.review.missing_column": {
        "ru": "{file}: на листе {sheet!r} нет столбца {column!r} (выгрузите свежий файл командой "
        "`crm-migrate review export`)",
        "en": "{file}: sheet {sheet!r} has no column {column!r} (export a fresh one with `crm-migrate review export`)",
    },
    "validation.review.bad_decision": {
        "ru": "{file}: строка {row}: решение {word!r} — ни 'same', ни 'different'",
        "en": "{file}: row {row}: decision {word!r} is neither 'same' nor 'different'",
    },
    "validation.review.keys_missing": {
        "ru": "{file}: строка {row}: столбцы пары ({columns}) должны быть заполнены, как при выгрузке",
        "en": "{file}: row {row}: the pair columns ({columns}) must be filled as exported",
    },
}
