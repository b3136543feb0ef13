"""The message catalogue: every text exists in both languages, with the same placeholders."""

from __future__ import annotations

import pytest

from vocabulary.messages import CATALOGUE, LANGUAGES, deferred, placeholders, set_language, speaking, text


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_exists_in_every_language_with_the_same_placeholders(key: str) -> None:
    entry = CATALOGUE[key]
    assert set(entry) == set(LANGUAGES), f"{key}: languages {sorted(entry)}"
    assert all(entry[lang].strip() for lang in LANGUAGES), f"{key}: an empty text"
    assert placeholders(entry["ru"]) == placeholders(entry["en"]), key


def test_russian_is_the_default_and_english_can_be_chosen() -> None:
    assert text("common.interrupted") == "прервано; целевая база не изменена"
    set_language("en")
    try:
        assert text("common.interrupted") == "interrupted; the target was not changed"
    finally:
        set_language("ru")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        set_language("de")


def test_a_message_is_rendered_in_the_language_current_when_it_is_shown() -> None:
    from transforms.identifiers import normalise_inn

    issue = normalise_inn("7707083894").issue  # cached: the same object whatever the language
    assert issue == deferred("normalise.id.inn.checksum")
    assert str(issue) == "контрольная цифра ИНН не сходится"
    with speaking("en"):
        assert str(normalise_inn("7707083894").issue) == "INN checksum does not match"
        assert f"{deferred('normalise.phone.wrong_length', country='KZ')}" == "wrong number of digits for a KZ number"


def test_an_unknown_message_key_fails_where_it_is_written() -> None:
    with pytest.raises(KeyError):
        deferred("normalise.no_such_key")
