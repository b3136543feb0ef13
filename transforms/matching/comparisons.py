"""Comparison levels, declared per field: how alike two records are, field by field.

Each ``Comparison`` puts a pair into one of its ``Level``s (tried in order, the last one
catches the rest) or into *null* when a side has no value — a null field weighs nothing.
A level carries the model's prior m- and u-probabilities (used until the client's own
data say otherwise, ``transforms.matching.model``), whether a term frequency adjusts it
(``tf``: a shared «Ромашка» or a business-centre switchboard weighs less than a rare
name or a personal mobile) and whether it keeps a pair out of automatic merges
(``review_only``: an INN one digit off, an entrepreneur written with initials).

The levels' ``when`` functions take a ``PairView``: both sides of every candidate pair
as numpy arrays, with similarity scores computed once in C++ (rapidfuzz ``cpdist``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

Mask = np.ndarray
SIMILARITY_FLOOR = 80  # below this, names are simply different: rapidfuzz stops early


@dataclass(frozen=True)
class Level:
    name: str  # message key suffix: matching.level.<name>
    when: Callable[[PairView], Mask]
    m: float  # prior P(level | same entity)
    u: float  # prior P(level | different entities)
    tf: str | None = None  # feature whose value frequency replaces u for this pair
    review_only: bool = False


@dataclass(frozen=True)
class Comparison:
    field: str  # message key suffix: matching.field.<field>
    null: Callable[[PairView], Mask]
    levels: tuple[Level, ...]


def always(v: PairView) -> Mask:
    return np.ones(v.size, dtype=bool)


class PairView:
    """Left and right values of every candidate pair, and their similarities, computed once."""

    def __init__(self, features: dict[str, object], a: np.ndarray, b: np.ndarray) -> None:
        self.features, self.a, self.b = features, a, b
        self.size = len(a)
        self._cache: dict[tuple, object] = {}

    def _memo(self, key: tuple, make: Callable[[], object]) -> object:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def forget(self, keep: tuple[str, ...] = ()) -> None:
        """Drop the per-pair arrays computed so far (a few of them per field: gigabytes at a million records),
        but for those of the kinds in ``keep`` (``"shared"``: the term frequencies' costly ones)."""
        self._cache = {key: value for key, value in self._cache.items() if key[0] in keep}

    def _record(self, kind: str, name: str, make: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """A per-record array derived from feature ``name``, computed once for every view of these features."""
        key = f"__{kind}__{name}"
        if key not in self.features:
            self.features[key] = make(np.asarray(self.features[name]))
        return self.features[key]

    def codes(self, name: str) -> np.ndarray:
        """Per record an integer per distinct value (-1: none): equality of ints, not of Python objects."""

        def make(values: np.ndarray) -> np.ndarray:
            if values.dtype != object:
                return np.where(_present(values), values, -1).astype(np.int64)
            return pd.factorize(pd.Series(values, dtype=object).replace("", None), use_na_sentinel=True)[0]

        return self._record("codes", name, make)

    def left(self, name: str) -> np.ndarray:
        return self._memo(("l", name), lambda: np.asarray(self.features[name])[self.a])

    def right(self, name: str) -> np.ndarray:
        return self._memo(("r", name), lambda: np.asarray(self.features[name])[self.b])

    def known(self, name: str) -> Mask:
        def make() -> Mask:
            present = self._record("present", name, _present)
            return present[self.a] & present[self.b]

        return self._memo(("k", name), make)

    def missing(self, name: str) -> Mask:
        return ~self.known(name)

    def equal(self, name: str) -> Mask:
        def make() -> Mask:
            codes = self.codes(name)
            return self.known(name) & (codes[self.a] == codes[self.b])

        return self._memo(("eq", name), make)

    def _texts(self, name: str) -> tuple[np.ndarray, np.ndarray, Mask]:
        known = self.known(name)
        text = self._record("text", name, lambda v: np.where(_present(v), v, "").astype(object))
        return np.where(known, text[self.a], ""), np.where(known, text[self.b], ""), known

    def similarity(self, name: str) -> np.ndarray:
        """0–100: the better of plain edit similarity and the same words in another order (below 80: 0)."""

        def make() -> np.ndarray:
            left, right, known = self._texts(name)
            if not known.any():
                return np.zeros(self.size, dtype=np.float32)
            score = np.zeros(self.size, dtype=np.float32)  # what cpdist gives: 32 bits, per pair
            at = np.flatnonzero(known & ~self.equal(name))
            lefts, rights = left[at].tolist(), right[at].tolist()
            score[at] = np.maximum(
                process.cpdist(lefts, rights, scorer=fuzz.ratio, score_cutoff=SIMILARITY_FLOOR, workers=-1),
                process.cpdist(lefts, rights, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILARITY_FLOOR, workers=-1),
            )
            score[self.equal(name)] = 100.0
            return score

        return self._memo(("sim", name), make)

    def typo(self, name: str) -> Mask:
        """One edit (a transposition counts as one) apart, in a word long enough for that to mean a typo."""

        def make() -> Mask:
            left, right, known = self._texts(name)
            lengths = self._record(
                "len",
                name,
                lambda v: np.fromiter(
                    (len(x) if isinstance(x, str) else 0 for x in v.tolist()), dtype=np.int64, count=len(v)
                ),
            )
            long = np.minimum(lengths[self.a], lengths[self.b]) >= 5
            at = np.flatnonzero(known & long)
            out = np.zeros(self.size, dtype=bool)
            if len(at):
                distance = process.cpdist(left[at].tolist(), right[at].tolist(), scorer=OSA.distance, workers=-1)
                out[at] = distance <= 1
            return out

        return self._memo(("typo", name), make)

    def initial(self, name: str) -> Mask:
        """One side is an initial of the other (``а`` / ``андрей``)."""

        def make() -> Mask:
            first = self._record(
                "first",
                name,
                lambda v: pd.factorize(
                    pd.Series([x[0] if isinstance(x, str) and x else None for x in v.tolist()], dtype=object)
                )[0],
            )
            single = self._record(
                "single",
                name,
                lambda v: np.fromiter(
                    (isinstance(x, str) and len(x) == 1 for x in v.tolist()), dtype=bool, count=len(v)
                ),
            )
            return self.known(name) & (single[self.a] | single[self.b]) & (first[self.a] == first[self.b])

        return self._memo(("ini", name), make)

    def shared(self, name: str) -> tuple[Mask, np.ndarray, np.ndarray]:
        """For multi-valued features (matrix ``name`` of value ids, 0 = empty; ``name_tf``; ``name_flag``):
        (a value is shared, the rarest shared value's frequency, that value's flag)."""

        def make() -> tuple[Mask, np.ndarray, np.ndarray]:
            ids, tf, flag = (np.asarray(self.features[f]) for f in (name, f"{name}_tf", f"{name}_flag"))
            la, lb = ids[self.a], ids[self.b]
            best = np.full(self.size, np.inf)
            best_flag = np.zeros(self.size, dtype=bool)
            for i in range(ids.shape[1]):
                for j in range(ids.shape[1]):
                    hit = (la[:, i] == lb[:, j]) & (la[:, i] != 0)
                    value_tf = tf[self.a, i]
                    better = hit & (value_tf < best)
                    best = np.where(better, value_tf, best)
                    best_flag = np.where(better, flag[self.a, i], best_flag)
            return np.isfinite(best), np.where(np.isfinite(best), best, 1.0), best_flag

        return self._memo(("shared", name), make)

    def tf(self, name: str) -> np.ndarray:
        """Per pair, how common the compared value is: ``name_tf`` of the left record (or of the shared value)."""
        if f"{name}_flag" in self.features:
            return self.shared(name)[1]
        return self.left(f"{name}_tf").astype(float)

    @cached_property
    def none(self) -> Mask:
        return np.zeros(self.size, dtype=bool)


def _present(values: np.ndarray) -> Mask:
    if values.ndim == 2:  # a matrix of value ids: any slot filled
        return (values != 0).any(axis=1)
    if values.dtype == object:
        return np.fromiter((v is not None and v != "" for v in values.tolist()), dtype=bool, count=len(values))
    return values != 0


def name_levels(key: str, translit: str) -> tuple[Level, ...]:
    """Name similarity levels on the matching key, with the transliterated key as a level of its own."""
    return (
        Level("exact", lambda v: v.equal(key), 0.60, 1e-4, tf=key),
        Level("translit", lambda v: v.equal(translit), 0.05, 2e-5),
        Level("typo", lambda v: v.typo(key), 0.06, 5e-5),
        Level("similar_95", lambda v: np.maximum(v.similarity(key), v.similarity(translit)) >= 95, 0.12, 1e-4),
        Level("similar_88", lambda v: np.maximum(v.similarity(key), v.similarity(translit)) >= 88, 0.08, 6e-4),
        Level("similar_80", lambda v: np.maximum(v.similarity(key), v.similarity(translit)) >= 80, 0.05, 3e-3),
        Level("different", always, 0.10, 0.99),
    )


def _shared(name: str, flagged: bool) -> Callable[[PairView], Mask]:
    return lambda v: v.shared(name)[0] & (v.shared(name)[2] == flagged)


def _inn_region(v: PairView) -> tuple[Mask, Mask]:
    """(known, agree): one record's tax region (``features._tax_region``: its KPP's, else its INN's) against
    the other's city region, when only one says it."""
    li, ri = v.left("tax_region"), v.right("tax_region")
    lc, rc = v.left("city_region"), v.right("city_region")
    one = (li > 0) ^ (ri > 0)
    inn_side = np.where(li > 0, li, ri)
    city_side = np.where(li > 0, rc, lc)
    known = one & (city_side > 0)
    return known, known & (inn_side == city_side)


COMPANY_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "name",
        lambda v: v.missing("key"),
        (
            *name_levels("key", "tkey")[:2],
            Level(
                "initials",
                lambda v: (
                    v.equal("person_last")
                    & v.initial("person_first")
                    & ~(v.known("person_middle") & ~v.initial("person_middle") & ~v.equal("person_middle"))
                ),
                0.03,
                1e-5,
                review_only=True,
            ),
            *name_levels("key", "tkey")[2:],
        ),
    ),
    Comparison(
        "inn",
        lambda v: v.missing("inn"),
        (
            Level("equal", lambda v: v.equal("inn"), 0.55, 1e-6, tf="inn"),
            Level("typo", lambda v: v.typo("inn"), 0.005, 1e-5, review_only=True),
            Level("different", always, 0.02, 0.999),
        ),
    ),
    Comparison(
        "kpp",
        lambda v: v.missing("kpp"),
        (
            Level("equal", lambda v: v.equal("kpp"), 0.90, 1e-3, tf="kpp"),
            Level("different", always, 0.10, 0.999),
        ),
    ),
    Comparison(
        "ogrn",
        lambda v: v.missing("ogrn"),
        (
            Level("equal", lambda v: v.equal("ogrn"), 0.95, 1e-6, tf="ogrn"),
            Level("different", always, 0.05, 0.999),
        ),
    ),
    Comparison(
        "phone",
        lambda v: v.missing("phone"),
        (
            Level("shared_mobile", _shared("phone", True), 0.20, 1e-6, tf="phone"),
            Level("shared_landline", _shared("phone", False), 0.35, 3e-6, tf="phone"),
            Level("different", always, 0.45, 0.999),
        ),
    ),
    Comparison(
        "email",
        lambda v: v.missing("email"),
        (
            Level("shared_personal", _shared("email", False), 0.25, 1e-6, tf="email"),
            Level("shared_role", _shared("email", True), 0.02, 1e-6, tf="email"),
            Level("different", always, 0.73, 0.999),
        ),
    ),
    Comparison(
        "people",
        lambda v: v.missing("person"),
        (
            Level("shared_person", _shared("person", False), 0.20, 1e-6, tf="person"),
            Level("different", always, 0.80, 0.999),
        ),
    ),
    Comparison(
        "form",
        lambda v: v.missing("form"),
        (
            Level("equal", lambda v: v.equal("form"), 0.93, 0.55),
            Level("related", lambda v: v.equal("form_family"), 0.05, 0.10),
            Level("different", always, 0.02, 0.35),
        ),
    ),
    Comparison(
        "domain",
        lambda v: v.missing("domain"),
        (
            Level("equal", lambda v: v.equal("domain"), 0.40, 1e-5, tf="domain"),
            Level("different", always, 0.60, 0.9999),
        ),
    ),
    Comparison(
        "city",
        lambda v: v.missing("place"),
        (
            Level("equal", lambda v: v.equal("place"), 0.90, 0.08, tf="place"),
            Level("different", always, 0.05, 0.92),
        ),
    ),
    Comparison(
        "address",
        lambda v: v.missing("address"),
        (
            Level("equal", lambda v: v.equal("address"), 0.40, 1e-5, tf="address"),
            Level("similar_90", lambda v: v.similarity("address") >= 90, 0.25, 1e-4),
            Level("different", always, 0.35, 0.9999),
        ),
    ),
    Comparison(
        "inn_region",
        lambda v: ~_inn_region(v)[0],
        (
            Level("equal", lambda v: _inn_region(v)[1], 0.90, 0.15),
            Level("different", always, 0.10, 0.85),
        ),
    ),
)

CONTACT_COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "last_name",
        lambda v: v.missing("last"),
        (
            Level("exact", lambda v: v.equal("last"), 0.88, 4e-3, tf="last"),
            Level("translit", lambda v: v.equal("tlast"), 0.03, 1e-4),
            Level("typo", lambda v: v.typo("last"), 0.05, 2e-4),
            Level("similar_80", lambda v: v.similarity("last") >= 80, 0.02, 1e-3),
            Level("different", always, 0.02, 0.99),
        ),
    ),
    Comparison(
        "first_name",
        lambda v: v.missing("first"),
        (
            Level("exact", lambda v: v.equal("first"), 0.80, 0.03, tf="first"),
            Level("initial", lambda v: v.initial("first"), 0.10, 0.06),
            Level("translit", lambda v: v.equal("tfirst") | v.typo("first"), 0.05, 1e-3),
            Level("different", always, 0.05, 0.90),
        ),
    ),
    Comparison(
        "middle_name",
        lambda v: v.missing("middle"),
        (
            Level("exact", lambda v: v.equal("middle"), 0.85, 0.03, tf="middle"),
            Level("initial", lambda v: v.initial("middle"), 0.10, 0.05),
            Level("typo", lambda v: v.equal("tmiddle") | v.typo("middle"), 0.03, 1e-3),
            Level("different", always, 0.02, 0.90),
        ),
    ),
    Comparison(
        "company",
        lambda v: v.missing("company"),
        (
            Level("equal", lambda v: v.equal("company"), 0.75, 1e-4, tf="company"),
            Level("same_name", lambda v: v.equal("company_key"), 0.08, 1e-3, tf="company_key"),
            Level("alike_name", lambda v: v.typo("company_key") | (v.similarity("company_key") >= 90), 0.03, 1e-3),
            Level("different", always, 0.14, 0.999),
        ),
    ),
    Comparison(
        "phone",
        lambda v: v.missing("phone"),
        (
            Level("shared_mobile", _shared("phone", True), 0.40, 1e-6, tf="phone"),
            Level("shared_landline", _shared("phone", False), 0.25, 1e-5, tf="phone"),
            Level("different", always, 0.35, 0.99),
        ),
    ),
    Comparison(
        "email",
        lambda v: v.missing("email"),
        (
            Level("shared_personal", _shared("email", False), 0.45, 1e-6, tf="email"),
            Level("shared_role", _shared("email", True), 0.10, 1e-5, tf="email"),
            Level("different", always, 0.45, 0.99),
        ),
    ),
)


def gammas(comparisons: tuple[Comparison, ...], view: PairView) -> np.ndarray:
    """(pairs × comparisons) level index per pair; -1 where a side has no value."""
    out = np.full((view.size, len(comparisons)), -1, dtype=np.int8)
    for c, comparison in enumerate(comparisons):
        open_ = ~comparison.null(view)
        for index, level in enumerate(comparison.levels):
            if not open_.any():
                break
            hit = open_ & level.when(view)
            out[hit, c] = index
            open_ &= ~hit
    return out
