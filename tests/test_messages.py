"""The message catalogue: every text exists in both languages, with the same placeholders."""

from __future__ import annotations

import pytest

from vocabulary.messages import CATALOGUE, LANGUAGES, placeholders, set_language, text


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
