"""Hard rules: what can never be true of one real company or person, whatever the evidence.

A rule is a *facet* of a cluster — a value its records must agree on — checked on every
union of two clusters (not only of two records), so no chain of merges can break it:

companies
    ``inn``   two different valid INNs are two legal persons;
    ``kpp``   the same INN with another KPP is a branch — its own company (``parent_id``);
    ``ogrn``  two different OGRNs;
    ``kind``  an entrepreneur (or a private person) is not a legal entity;
    ``office`` a head office (KPP reason code 01) is not a branch (another code, or «филиал / ОП»);
    ``first``/``middle`` an entrepreneur's first name and patronymic, as for people;
people
    ``first``  different first names (an initial agrees with the names it starts);
    ``middle`` different patronymics;
    ``gender`` opposite genders (from the patronymic, first name or surname form);
    ``listed`` two people one source lists apart under one of its company records: names that are
               not one person's entered twice (``listed_as_one``, ``features._listed``).

A cluster keeps one value per facet (the full name over an initial), so a check is O(1).
A reviewer's ``different`` and the *bridge* rule (a record with only a surname or only
a first name may join one named cluster, never join two) are kept by the clustering
itself (``transforms.matching.clusters``).

Some clashes between two records are *decisive* — the records themselves say they are
different (two INNs, two KPPs, two OGRNs, opposite genders): such a pair is not even a
question. Every other refusal, and every clash between clusters rather than records,
turns strong evidence into a review pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from transforms.person_name_data import FIRST_NAMES

DECISIVE = frozenset({"inn", "kpp", "ogrn", "gender", "decision"})


def _exact_clash(x: object, y: object) -> bool:
    return x != y


def _exact_combine(x: object, y: object) -> object:
    return x


def same_name(x: str, y: str) -> bool:
    """Two spellings of one first name or patronymic: equal, or one typo apart in a long word."""
    return x == y or (min(len(x), len(y)) >= 5 and OSA.distance(x, y) <= 1)


def name_clash(x: str, y: str) -> bool:
    """Whether two first names (or patronymics) cannot be one: «андрей»/«алексей»; «а» agrees with «андрей»."""
    if len(x) == 1 or len(y) == 1:
        return x[0] != y[0]
    return not same_name(x, y)


def name_combine(x: str, y: str) -> str:
    """The cluster keeps the full name over an initial."""
    return y if len(x) == 1 and len(y) > 1 else x


def inn_clash_is_typo(x: str, y: str) -> bool:
    """Two INNs one digit or one transposition apart: maybe one company with a typo — a question."""
    return len(x) == len(y) and OSA.distance(x, y) <= 1


@dataclass(frozen=True)
class Facet:
    """One value a cluster's records must agree on."""

    name: str
    clash: Callable[[object, object], bool] = _exact_clash
    combine: Callable[[object, object], object] = _exact_combine


COMPANY_FACETS = (
    Facet("inn"),
    Facet("kpp"),
    Facet("ogrn"),
    Facet("kind"),
    Facet("office"),
    Facet("first", name_clash, name_combine),
    Facet("middle", name_clash, name_combine),
)


def listed_as_one(x: tuple, y: tuple) -> bool:
    """Whether two (surname, first name, patronymic) one source lists apart under one company may be one
    person entered twice: the same, or the same surname and full first name, the patronymics agreeing.
    An initial or a missing part there is a colleague as often as not."""
    (last_x, first_x, middle_x), (last_y, first_y, middle_y) = x, y
    if x == y:
        return True
    agree = not middle_x or not middle_y or not name_clash(middle_x, middle_y)
    return bool(last_x and last_x == last_y and first_x and len(first_x) > 1 and first_x == first_y and agree)


def listing_clash(x: dict, y: dict) -> bool:
    """Whether two clusters hold two people one source lists apart under one of its company records."""
    return any(not listed_as_one(name, y[listing]) for listing, name in x.items() if listing in y)


def listing_combine(x: dict, y: dict) -> dict:
    return {**y, **x}


CONTACT_FACETS = (
    Facet("first", name_clash, name_combine),
    Facet("middle", name_clash, name_combine),
    Facet("gender"),
    Facet("listed", listing_clash, listing_combine),
)


def decisive(rule: str, x: object, y: object) -> bool:
    """Whether a clash between two records' own values settles that they are different."""
    if rule == "inn":
        return not inn_clash_is_typo(str(x), str(y))
    return rule in DECISIVE


_FEMALE_ENDINGS = ("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")
_MALE_ENDINGS = ("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый", "ий")
_MALE_NAMES_IN_A = frozenset({"илья", "никита", "кузьма", "фома", "лука", "савва", "данила", "гаврила", "фока"})
_UNISEX = frozenset({"саша", "женя", "валя", "шура", "слава", "саня", "тоша"})
_FEMALE_NAMES_IN_SOFT_SIGN = frozenset({"любовь", "нинель", "эсфирь", "юдифь", "рахиль", "ассоль", "адель"})


def person_gender(given: str | None, first: str | None, last: str | None) -> str | None:
    """m | f | None: the patronymic's gender, else the first name's, else the surname form's."""
    if given:
        return given
    if first and first in FIRST_NAMES and first not in _UNISEX:
        female = first in _FEMALE_NAMES_IN_SOFT_SIGN or (first.endswith(("а", "я")) and first not in _MALE_NAMES_IN_A)
        return "f" if female else "m"
    if last and len(last) > 3:
        if last.endswith(_FEMALE_ENDINGS):
            return "f"
        if last.endswith(_MALE_ENDINGS):
            return "m"
    return None
