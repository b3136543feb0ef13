"""ФИО → last / first / middle name, display form and a matching key.

Any order a client's export uses is read: ``Иванов Иван Иванович``, ``Иван Иванович
Иванов``, ``Иванов И.И.``, ``И. И. Иванов``, ``Иван Петрович`` (no surname), ``ИВАНОВ
иван``. Each word is scored for the roles surname / first name / patronymic — by
patronymic endings (``-ович``, ``-евна``, ``оглы`` …) whose stem is a known first name,
a list of common first names, surname endings and initials — and the best of the usual
orders wins; on a tie the order of the script's convention stays (Cyrillic: surname
first; Latin: first name first). ``full_name`` shows a Cyrillic name surname first
(the CRM convention), a Latin one as written. Gender comes from the patronymic only. Capitalisation
is fixed only where a word is all upper or all lower case; ``ё`` is folded to ``е`` in
the matching key only. A name that cannot be split (more than three words, digits) is
kept as written, with an ``issue``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from transforms.cells import apply_distinct, cell_text, fold
from transforms.person_name_data import (
    FEMALE_PATRONYMIC_ENDINGS,
    FEMALE_PATRONYMIC_WORDS,
    FIRST_NAMES,
    MALE_PATRONYMIC_ENDINGS,
    MALE_PATRONYMIC_WORDS,
    NAME_PARTICLES,
    POSITION_FIRST_WORDS,
    POSITION_PHRASES,
    SALUTATIONS,
    SURNAME_ENDINGS,
    TITLE_ACRONYMS,
)
from vocabulary.messages import Message, deferred


@dataclass(frozen=True)
class PersonName:
    full_name: str | None  # display: "Иванов Иван Иванович"
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    gender: str | None = None  # "m" | "f" | None, from the patronymic
    match_key: str | None = None  # lower case, ё→е, for matching only
    issue: Message | None = None
    initials: bool = False  # first and/or middle name are only initials ("И.")


_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_INITIAL = re.compile(r"^[^\W\d_]\.?$")
_GLUED_DOT = re.compile(r"\.(?=\S)")  # "И.И." and "ген.дир." → one word per dot
_TITLE_NOISE = re.compile(r"[\s.\-]")
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*\.?$")
# Stems that change when a first name becomes a patronymic: Павел → Павлович, Лев → Львович.
_STEM_NAMES = {"павл": "павел", "льв": "лев", "михайл": "михаил", "яковл": "яков"}

LAST, FIRST, MIDDLE = "L", "F", "M"
# Orders a name is written in, per script; the first is the convention on a tie.
_ORDERS = {
    (1, False): ((FIRST,), (LAST,)),
    (1, True): ((FIRST,), (LAST,)),
    (2, False): ((LAST, FIRST), (FIRST, LAST), (FIRST, MIDDLE)),
    (2, True): ((FIRST, LAST), (LAST, FIRST), (FIRST, MIDDLE)),
    (3, False): ((LAST, FIRST, MIDDLE), (FIRST, MIDDLE, LAST)),
    (3, True): ((FIRST, MIDDLE, LAST), (LAST, FIRST, MIDDLE)),
}


@dataclass(frozen=True)
class _Word:
    text: str  # as capitalised for display
    key: str  # folded, without a trailing dot
    initial: bool
    first: bool  # a known first name
    surname: bool  # a surname ending
    patronymic: int  # 0 none, 1 maybe (ending only), 3 sure
    gender: str | None


def _patronymic(key: str) -> tuple[int, str | None]:
    """How surely ``key`` is a patronymic, and the gender it gives."""
    last = key.rsplit(" ", 1)[-1]
    if last in MALE_PATRONYMIC_WORDS or last in FEMALE_PATRONYMIC_WORDS:
        return 3, "m" if last in MALE_PATRONYMIC_WORDS else "f"
    female = next((e for e in FEMALE_PATRONYMIC_ENDINGS if key.endswith(e)), None)
    if female and len(key) > len(female) + 1:
        return 3, "f"
    male = next((e for e in MALE_PATRONYMIC_ENDINGS if key.endswith(e)), None)
    if not male or len(key) <= len(male) + 1:
        return 0, None
    stem = key[: -len(male)]
    names = {
        stem,
        stem + "й",
        stem + "а",
        stem + "я",
        stem + "y",
        _STEM_NAMES.get(stem, ""),
        stem[:-1] + "ий" if stem.endswith("ь") else "",
    }
    return (3 if names & FIRST_NAMES or male in ("улы", "ұлы", "uly") else 1), "m"


def _capitalise(words: str) -> str:
    """``ИВАНОВА-ПЕТРОВА`` → ``Иванова-Петрова``; mixed case (``McDonald``) is left alone."""
    return " ".join(_capitalise_word(w) for w in words.split(" "))


def _capitalise_word(word: str) -> str:
    if fold(word) in NAME_PARTICLES:
        return word.lower()
    parts = re.split(r"(['’-])", word)
    return "".join(
        p[0].upper() + p[1:].lower() if p[:1].isalpha() and (p.islower() or p.isupper() or p[0].islower()) else p
        for p in parts
    )


def _word(text: str) -> _Word:
    key = fold(text).rstrip(".")
    initial = bool(_INITIAL.match(text))
    display = text[0].upper() + "." if initial else _capitalise(text.rstrip("."))
    patronymic, gender = (0, None) if initial else _patronymic(key)
    return _Word(
        display, key, initial, key in FIRST_NAMES, key.endswith(SURNAME_ENDINGS) and not initial, patronymic, gender
    )


def _score(word: _Word, role: str, latin: bool) -> int:
    if role == LAST:
        return (word.surname - word.first - (word.patronymic == 3)) - 5 * word.initial
    if role == FIRST:
        return 2 * (word.first or word.initial) - 2 * (word.patronymic == 3)
    if word.initial:
        return 2
    return word.patronymic or (0 if latin else -1)


def _tokens(text: str) -> tuple[list[str], Message | None]:
    """Words of a name with salutations dropped, ``И.И.`` split, ``Гейдар оглы`` joined."""
    note = None
    comments = _BRACKETS.findall(text)
    if comments:
        text = _BRACKETS.sub(" ", text)
        note = deferred("normalise.name.left_out", comments=", ".join(c.strip() for c in comments))
    words = [w for w in _GLUED_DOT.sub(". ", text.replace(",", " ")).split() if fold(w).rstrip(".") not in SALUTATIONS]
    out: list[str] = []
    for w in words:
        if out and fold(w) in (MALE_PATRONYMIC_WORDS | FEMALE_PATRONYMIC_WORDS):
            out[-1] = f"{out[-1]} {w}"
        else:
            out.append(w)
    return out, note


def _assemble(
    last: _Word | None,
    first: _Word | None,
    middle: _Word | None,
    issue: Message | None,
    written: list[_Word] | None = None,
) -> PersonName:
    """The parts as a PersonName; displayed surname first, or in the ``written`` order."""
    parts = [last, first, middle]
    full = " ".join(p.text for p in written or parts if p) or None
    key = " ".join(p.key.replace(".", "") for p in parts if p) or None
    initials = any(p.initial for p in (first, middle) if p)
    gender = middle.gender if middle else None
    return PersonName(
        full, last and last.text, first and first.text, middle and middle.text, gender, key, issue, initials
    )


def _unsplit(text: str, issue: Message) -> PersonName:
    display = _capitalise(" ".join(text.split()))
    return PersonName(display, None, None, None, None, fold(display), issue)


def _parse_full(text: str) -> PersonName:
    tokens, note = _tokens(text)
    if not tokens:
        return _unsplit(text, deferred("normalise.name.nothing_left")) if note else PersonName(None, None, None, None)
    if not all(_NAME_WORD.match(w) for t in tokens for w in t.split()):
        return _unsplit(text, deferred("normalise.name.symbols"))
    if len(tokens) > 3:
        return _unsplit(" ".join(tokens), deferred("normalise.name.too_many_parts"))
    words = [_word(t) for t in tokens]
    latin = all(ch.isascii() for t in tokens for ch in t)
    orders = _ORDERS[(len(words), latin)]
    best = max(orders, key=lambda order: sum(_score(w, r, latin) for w, r in zip(words, order)))
    roles = dict(zip(best, words))
    return _assemble(roles.get(LAST), roles.get(FIRST), roles.get(MIDDLE), note, words if latin else None)


@lru_cache(maxsize=200_000)
def parse_person_name(
    full_name: str | None, last_name: str | None = None, first_name: str | None = None, middle_name: str | None = None
) -> PersonName:
    """Split and clean a person's name, from one ФИО cell or from separate part columns.

    Separate parts win over ``full_name``. A single filled part holding several words
    (the whole ФИО in the "Фамилия" column) and a first-name column holding "Имя
    Отчество" are split as well.
    """
    parts = [cell_text(p) for p in (last_name, first_name, middle_name)]
    filled = [p for p in parts if p]
    if len(filled) == 1 and len(filled[0].split()) > 1:
        return _parse_full(filled[0])
    if not filled:
        text = cell_text(full_name)
        return _parse_full(text) if text else PersonName(None, None, None, None)
    last, first, middle = parts
    if (
        first
        and not middle
        and len(first.split()) == 2
        and (_word(first.split()[1]).patronymic or _INITIAL.match(first.split()[1]))
    ):
        first, middle = first.split()
    return _assemble(*(_word(" ".join(p.split())) if p else None for p in (last, first, middle)), None)


def clean_position(text: str | None) -> str | None:
    """A job title as a person would write it: ``ГЕН. ДИР.`` → ``Генеральный директор``.

    Known abbreviations are expanded (``гл. бух.``, and a first word such as ``зам.`` or
    ``нач.``, whose case is certain); a title in capitals
    is put in sentence case, keeping acronyms (IT, HR, ВЭД); otherwise the writer's case stays.
    """
    text = cell_text(text)
    if text is None:
        return None
    text = " ".join(text.replace("\u00a0", " ").split()).strip(" ,;:-–—\"'«»")
    squashed = _TITLE_NOISE.sub("", fold(text))
    if squashed in POSITION_PHRASES:
        return POSITION_PHRASES[squashed]
    shout = text.isupper()
    words = []
    for i, word in enumerate(_GLUED_DOT.sub(". ", text).split()):
        bare = fold(word).rstrip(".")
        if i == 0 and word.endswith(".") and bare in POSITION_FIRST_WORDS:
            words.append(POSITION_FIRST_WORDS[bare])
        elif shout and bare not in TITLE_ACRONYMS:
            words.append(word.lower())
        else:
            words.append(word)
    out = " ".join(words)
    return out[0].upper() + out[1:] if out else None


def normalise_person_column(
    full_names: pd.Series,
    last_names: pd.Series | None = None,
    first_names: pd.Series | None = None,
    middle_names: pd.Series | None = None,
) -> pd.Series:
    """:func:`parse_person_name` over columns: a Series of :class:`PersonName`."""
    empty = [None] * len(full_names)
    return apply_distinct(
        parse_person_name, full_names, *(c if c is not None else empty for c in (last_names, first_names, middle_names))
    )
