"""The Fellegi–Sunter model: how much each field's agreement says that two records are one.

For every comparison level the model knows *m* (how often a true duplicate pair is at
that level) and *u* (how often two unrelated records are). The match weight of a pair
is ``log2(λ/(1-λ)) + Σ log2(m/u)`` over its fields, its match probability
``1 / (1 + 2^-weight)``.

* **u** is measured on the client's data: for exact levels, the exact chance that two
  random records agree (Σ count·(count-1) over values); for the others, on 100,000 random
  pairs of records drawn with a fixed seed.
* **m** and the share of duplicates **λ** are estimated by expectation–maximisation on
  the candidate pairs (the u-probabilities held fixed), starting from the priors of
  ``comparisons.py``; the priors count as ``PRIOR_PAIRS`` pseudo-pairs, so a small file
  stays close to them and a large one speaks for itself.
* **Term frequencies**: on a level with ``tf``, u is replaced by how common the very
  value is: a shared «Ромашка», a business-centre switchboard or ``info@`` weighs
  little, a rare name, a personal mobile or e-mail a lot.

The result is deterministic for a given set of records (sorted, seeded), whatever order
they came in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.matching.comparisons import Comparison, PairView, gammas

PRIOR_PAIRS = 200.0  # weight of the prior m/λ, in pairs
PRIOR_RECORDS = 10_000.0  # weight of the prior u, in records (exact levels and term frequencies)
PRIOR_SAMPLE = 10_000.0  # weight of the prior u, in sampled pairs (other levels)
SAMPLE_PAIRS = 100_000
EM_ROUNDS = 12
PRIOR_LAMBDA = 0.1
PRIOR_DUPLICATES = 0.1  # duplicate pairs per record before the data speak
SEED = 20261202
MIN_P = 1e-7


def smoothed_tf(count: int | np.ndarray, total: float, prior_u: float) -> np.ndarray:
    """How likely an *unrelated* record has a value that ``count`` (a number or an array) of ``total``
    records have, smoothed towards ``prior_u``. The pair's own two records are no evidence of how common
    their value is: a name only they bear is rare, not one in ``total / 2`` (leave-pair-out)."""
    return (np.maximum(np.asarray(count, dtype=np.float64) - 2, 0) + PRIOR_RECORDS * prior_u) / (total + PRIOR_RECORDS)


def value_tf(values: list, prior_u: float) -> np.ndarray:
    """Per record: how likely an unrelated record has its value (``smoothed_tf``); 1 for no value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    present = codes >= 0
    counts = np.bincount(codes[present], minlength=len(uniques))
    out = np.ones(len(codes))
    out[present] = smoothed_tf(counts[codes[present]], int(present.sum()), prior_u)
    return out


def collision_u(values: list, prior_u: float) -> float:
    """The chance that two random records (both with a value) agree, smoothed towards ``prior_u``."""
    counts: dict = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    n = sum(counts.values())
    exact = sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)) if n > 1 else prior_u
    return (n * exact + PRIOR_RECORDS * prior_u) / (n + PRIOR_RECORDS)


@dataclass
class Model:
    comparisons: tuple[Comparison, ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    lam: float

    @classmethod
    def prior(cls, comparisons: tuple[Comparison, ...]) -> Model:
        return cls(
            comparisons,
            [np.array([lv.m for lv in c.levels]) for c in comparisons],
            [np.array([lv.u for lv in c.levels]) for c in comparisons],
            PRIOR_LAMBDA,
        )

    def to_dict(self) -> dict:
        """m, u and λ as plain lists, for the matching index (``connectors.crm_db.match_index``)."""
        return {
            "fields": [c.field for c in self.comparisons],
            "m": [m.tolist() for m in self.m],
            "u": [u.tolist() for u in self.u],
            "lambda": self.lam,
        }

    @classmethod
    def from_dict(cls, comparisons: tuple[Comparison, ...], data: dict) -> Model | None:
        """The stored model, or None when it was learnt for other comparisons (the code changed since)."""
        shape = [[c.field, len(c.levels)] for c in comparisons]
        if [[f, len(m)] for f, m in zip(data.get("fields", []), data.get("m", []))] != shape:
            return None
        return cls(comparisons, [np.array(m) for m in data["m"]], [np.array(u) for u in data["u"]], data["lambda"])

    def level_weights(self) -> list[np.ndarray]:
        return [np.log2(np.maximum(m, MIN_P) / np.maximum(u, MIN_P)) for m, u in zip(self.m, self.u)]

    def estimate_u(self, features: dict[str, object], n: int, exact_values: dict[str, list]) -> None:
        """u from random record pairs, exact levels from value counts."""
        rng = np.random.default_rng(SEED)
        size = min(SAMPLE_PAIRS, n * (n - 1) // 2)
        if size > 0:
            a = rng.integers(0, n, size)
            b = rng.integers(0, n - 1, size)
            b = np.where(b >= a, b + 1, b)
            g = gammas(self.comparisons, PairView(features, a, b))
            for c, comparison in enumerate(self.comparisons):
                valid = g[:, c] >= 0
                counts = np.bincount(g[valid, c], minlength=len(comparison.levels))
                prior = np.array([lv.u for lv in comparison.levels])
                self.u[c] = (counts + PRIOR_SAMPLE * prior) / (valid.sum() + PRIOR_SAMPLE)
        for c, comparison in enumerate(self.comparisons):
            for index, level in enumerate(comparison.levels):
                if level.tf and level.tf in exact_values:
                    self.u[c][index] = collision_u(exact_values[level.tf], level.u)

    def _responsibility(self, g: np.ndarray, lam: float, use: set[str] | None = None) -> np.ndarray:
        log_m = np.zeros(len(g))
        log_u = np.zeros(len(g))
        for c, comparison in enumerate(self.comparisons):
            if use is not None and comparison.field not in use:
                continue
            valid = g[:, c] >= 0
            log_m[valid] += np.log(np.maximum(self.m[c], MIN_P))[g[valid, c]]
            log_u[valid] += np.log(np.maximum(self.u[c], MIN_P))[g[valid, c]]
        odds = np.log(lam) + log_m - np.log1p(-lam) - log_u
        return 1.0 / (1.0 + np.exp(-np.clip(odds, -60, 60)))

    def estimate_m(self, g: np.ndarray, learn: set[str]) -> None:
        """Expectation–maximisation of the m of the ``learn`` comparisons on pairs ``g``, u fixed.

        As in splink, a comparison's m is learnt only on pairs that were *not* blocked on that
        field, and the blocking fields take no part in the session's likelihood: pairs found by a
        similar name say nothing about how often duplicates' names agree.
        """
        if not len(g):
            return
        patterns, counts = comparison_patterns(g)  # the same sums over a few thousand distinct rows
        prior_m = [m.copy() for m in self.m]
        lam = PRIOR_LAMBDA
        for _ in range(EM_ROUNDS):
            resp = self._responsibility(patterns, lam, learn) * counts
            for c, comparison in enumerate(self.comparisons):
                if comparison.field not in learn:
                    continue
                valid = patterns[:, c] >= 0
                sums = np.bincount(patterns[valid, c], weights=resp[valid], minlength=len(comparison.levels))
                self.m[c] = (sums + PRIOR_PAIRS * prior_m[c]) / (resp[valid].sum() + PRIOR_PAIRS)
            lam = float((resp.sum() + PRIOR_PAIRS * PRIOR_LAMBDA) / (len(g) + PRIOR_PAIRS))
            lam = min(max(lam, 1e-4), 0.9)

    def estimate_lambda(self, g: np.ndarray, n: int) -> None:
        """λ: the share of matches among *all* pairs of records — the expected matches among the
        candidates over every pair (u is measured on all pairs, so the prior must be too)."""
        pairs = max(n * (n - 1) / 2, 1.0)
        if len(g):
            patterns, counts = comparison_patterns(g)
            expected = float((self._responsibility(patterns, PRIOR_LAMBDA) * counts).sum())
        else:
            expected = 0.0
        trust = n / (n + PRIOR_RECORDS)  # a small file: mostly the prior share of duplicate records
        expected = trust * expected + (1 - trust) * PRIOR_DUPLICATES * n
        self.lam = min(max(expected / pairs, 1e-12), 0.5)

    def _weight_columns(self, g: np.ndarray, view: PairView) -> Iterator[np.ndarray]:
        """Per comparison, each pair's weight in bits (32-bit: explained to two decimals); 0 for a null
        field; term frequencies applied."""
        for c, (comparison, w) in enumerate(zip(self.comparisons, self.level_weights())):
            levels = g[:, c]
            out = np.zeros(len(g), dtype=np.float32)
            valid = levels >= 0
            out[valid] = w[levels[valid]]
            for index, level in enumerate(comparison.levels):
                if level.tf:
                    at = levels == index
                    if at.any():
                        tf = np.maximum(view.tf(level.tf)[at], MIN_P)
                        out[at] = np.log2(max(self.m[c][index], MIN_P) / tf)
            yield out

    def pair_weights(self, g: np.ndarray, view: PairView) -> np.ndarray:
        """(pairs × comparisons) weights: what a pair's explanation shows, for the pairs explained."""
        columns = list(self._weight_columns(g, view))
        return np.stack(columns, axis=1) if columns else np.zeros(g.shape, dtype=np.float32)

    def pair_totals(self, g: np.ndarray, view: PairView) -> np.ndarray:
        """Per pair, the sum of its weights, a comparison at a time: no pairs × comparisons matrix (0.7 GB for
        the company pairs of a million records)."""
        total = np.zeros(len(g))
        for column in self._weight_columns(g, view):
            total += column
        return total

    def prior_weight(self) -> float:
        return float(np.log2(self.lam / (1 - self.lam)))


def probability(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def comparison_patterns(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct rows of the pairs' level matrix, how many pairs have each): the model's sums depend
    on a pair's levels only, and millions of pairs share a few thousand patterns."""
    shifted = g.astype(np.int64) + 1  # null (-1) → 0
    radix = shifted.max(axis=0) + 1 if len(g) else np.ones(g.shape[1], dtype=np.int64)
    if float(np.prod(radix.astype(float))) >= 2**62:
        return np.unique(g, axis=0, return_counts=True)
    code = np.zeros(len(g), dtype=np.int64)
    for c in range(g.shape[1]):
        code = code * radix[c] + shifted[:, c]
    _, first, counts = np.unique(code, return_index=True, return_counts=True)
    return g[first], counts
