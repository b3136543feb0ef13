"""A Latin↔Cyrillic matching key: «Ladoga Trade» and «Ладога Трейд» get the same one.

Cyrillic is romanised letter by letter in the spirit of GOST 7.79 (system B), then both
scripts are folded to a *sound skeleton* that absorbs how clients actually write Latin
names: ``c`` before e/i is ``s`` and otherwise ``k`` (Vector = Вектор), ``x`` is ``ks``
(Alexey = Алексей), ``y``/``j``/``й`` are ``i``, ``kh``/``ch``/``х`` are ``h``
(Techno = Техно), ``oo``/``ou`` are ``u`` (Group = Групп), doubled letters count once and a
final silent ``e`` goes (Service = Сервис). English business words whose Russian
spelling follows the sound, not the letters (Trade = Трейд, Line = Лайн, Consulting =
Консалтинг, Euro = Евро), are taken from a table. The key is for blocking and comparison
only, never shown. A maintained library was considered (``transliterate``, ``cyrtranslit``,
``unidecode``): they romanise, but none folds the two directions to one key.
"""

from __future__ import annotations

import re
from functools import lru_cache

from transforms.cells import fold

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєў",
        "a b v g d e e zh z i i k l m n o p r s t u f h ts ch sh sch _ y _ e yu ya i i e u".split(),
        strict=True,
    )
)
_CYRILLIC = {k: ("" if v == "_" else v) for k, v in _CYRILLIC.items()}

# English business words → one token, with the Russian spellings clients use.
_WORDS = """
trade трейд трэйд
group групп груп
service сервис сервиз
services сервисез сервисиз
line лайн
lines лайнс
consulting консалтинг консультинг
solutions солюшнс солюшенс солюшинс
solution солюшн солюшен
technologies текнолоджис технолоджис технолоджиз
technology текнолоджи технолоджи
engineering инжиниринг инжинеринг
food фуд
foods фудс
plus плюс
euro евро
company компани кампани
international интернешнл интернэшнл
design дизайн
house хаус
home хоум
oil ойл
build билд
energy энерджи
smart смарт
steel стил
star стар
city сити
world ворлд
media медиа
logistics логистикс логистик
""".strip().splitlines()
_CANONICAL = {w: line.split()[0] for line in _WORDS for w in line.split()}

_RULES = [
    (re.compile(p), r)
    for p, r in (
        (r"ph", "f"),
        (r"kh", "h"),
        (r"ch", "h"),
        (r"ck", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"[jy]", "i"),
        (r"oo|ou", "u"),
        (r"ee", "i"),
        (r"(?<=[a-z])e\b", ""),
        (r"([a-z])\1+", r"\1"),
        (r"ts|tz", "c"),
    )
]
_WORD = re.compile(r"[^\W_]+|[&+]")  # «Трейд+» is not «Трейд»


def _romanise(word: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in word)


@lru_cache(maxsize=100_000)
def _skeleton(word: str) -> str:
    word = fold(word)
    if word in _CANONICAL:
        return _CANONICAL[word]
    word = _romanise(word)
    if word in _CANONICAL:
        return _CANONICAL[word]
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=500_000)
def translit_key(text: str | None) -> str | None:
    """The script-free key of a name (``"ladoga trade"`` for both «Ladoga Trade» and «Ладога Трейд»)."""
    if not text:
        return None
    key = " ".join(_skeleton(w) for w in _WORD.findall(text))
    return key or None


def has_latin(text: str | None) -> bool:
    """Whether a name is (partly) written in Latin letters: only then can its twin be in the other script."""
    return bool(text) and any("a" <= ch <= "z" for ch in text.lower())
