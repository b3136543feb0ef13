"""Constrained deterministic clustering: scored pairs → clusters, in one order-free pass.

Records are numbered in their stable-key order ((source, source key) sorted), so an index
*is* a stable key. Every candidate pair has been scored; the pass applies

1. the reviewers' ``same`` decisions (strongest of all), then
2. the pairs above the merge threshold, strongest evidence first, ties by the two indices,

and each union is allowed only when the two *clusters* obey every hard rule
(``transforms.matching.rules``), a reviewer's ``different`` and the bridge rule. Nothing
depends on the order rows came in, so neither do clusters, golden records or review pairs.

Before the pass, a record whose two best partners are not one company (another INN, a cap,
or their fields' evidence against it) and whose evidence does not clearly prefer one of them —
an INN-less «Альфа» next to two Moscow «Альфа», an INN without KPP next to a head office
and a branch in the same city — is *ambiguous*: its pairs become review pairs. A record that says
which office it is (a «филиал» label, a KPP) is not torn by a partner that says otherwise (``aside``).

The state (``ClusterState``: record → parent, per cluster the facet values) is plain
lists, so it can be stored and extended by a later sync with new records and new pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from transforms.matching.rules import Facet, decisive

DECIDED = -1  # a union made by a reviewer's "same"
KEPT = -2  # a union that keeps a stored cluster together (a sync) with no scored pair between the two
AMBIGUITY_MARGIN = 3.0  # bits: a partner this much weaker than the best is clearly second
MAX_CONTENDERS = 12  # equally good partners checked pairwise (a big true cluster has many)


@dataclass
class ClusterState:
    """Union-find whose roots carry the facet values of their cluster."""

    facets: Sequence[Facet]
    values: dict[str, list]  # facet → per record its value (a root's entry: its cluster's value)
    partial: list[bool] | None = None  # people: only a surname or only a first name
    parent: list[int] = field(default_factory=list)
    full: list[int] = field(default_factory=list)  # per root: records with a full name
    cannot: dict[int, set[int]] = field(default_factory=dict)  # reviewers' "different"
    tagged: dict[int, set[int]] = field(default_factory=dict)  # root → its records with a cannot-link
    original: dict[str, list] = field(default_factory=dict)  # facet → the records' own values

    def __post_init__(self) -> None:
        n = len(next(iter(self.values.values())))
        self.parent = list(range(n))
        self.full = [0 if p else 1 for p in self.partial] if self.partial is not None else [1] * n
        self.original = {f.name: list(self.values[f.name]) for f in self.facets}
        self.values = {f.name: list(self.values[f.name]) for f in self.facets}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)
        for x in (a, b):
            self.tagged.setdefault(self.find(x), set()).add(x)

    def clash(self, a: int, b: int) -> str | None:
        """The rule that forbids one cluster for ``a``'s and ``b``'s clusters, or None."""
        ra, rb = self.find(a), self.find(b)
        ta, tb = self.tagged.get(ra), self.tagged.get(rb)
        if ta and tb and any(self.cannot[x] & tb for x in ta):
            return "decision"
        for f in self.facets:
            x, y = self.values[f.name][ra], self.values[f.name][rb]
            if x is not None and y is not None and f.clash(x, y):
                return f.name
        if self.partial is not None and (self.partial[a] or self.partial[b]) and self.full[ra] and self.full[rb]:
            return "bridge"
        return None

    def record_clash(self, a: int, b: int) -> str | None:
        """A decisive clash of the two records' own values (they are different, not a question)."""
        if b in self.cannot.get(a, ()):
            return "decision"
        for f in self.facets:
            x, y = self.original[f.name][a], self.original[f.name][b]
            if x is not None and y is not None and f.clash(x, y) and decisive(f.name, x, y):
                return f.name
        return None

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.parent[rb] = ra
        for f in self.facets:
            column = self.values[f.name]
            x, y = column[ra], column[rb]
            column[ra] = y if x is None else x if y is None else f.combine(x, y)
        self.full[ra] += self.full[rb]
        if rb in self.tagged:
            self.tagged.setdefault(ra, set()).update(self.tagged.pop(rb))

    def labels(self) -> np.ndarray:
        """Cluster number per record: clusters numbered by their first record (stable-key order)."""
        roots = np.fromiter((self.find(i) for i in range(len(self.parent))), dtype=np.int64, count=len(self.parent))
        _, first = np.unique(roots, return_index=True)
        order = np.argsort(first, kind="stable")
        number = np.empty(len(first), dtype=np.int64)
        number[order] = np.arange(len(first))
        return number[np.searchsorted(np.unique(roots), roots)]


@dataclass
class Scored:
    """Candidate pairs (a < b, record indices) with their match weight and flags."""

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray  # bits
    auto: np.ndarray  # bool: may merge without review
    review: np.ndarray  # bool: worth a reviewer's look when not merged
    plausible: np.ndarray | None = None  # bool: no cap forbids a merge and the fields' evidence is not against it
    strong: np.ndarray | None = None  # bool: the merge threshold is reached, caps aside (not a contradiction)
    settled: np.ndarray | None = None  # bool: the identifiers say one entity (same INN and KPP): never ambiguous
    aside: tuple[np.ndarray, np.ndarray] | None = None  # per side: for that record the other is no rival

    def lookup(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(sorted pair codes, their edge index) to find a pair's edge quickly."""
        code = self.a.astype(np.int64) * n + self.b
        order = np.argsort(code, kind="stable")
        return code[order], order


def demote_ambiguous(scored: Scored, n: int, state: ClusterState) -> np.ndarray:
    """Auto edges of a record whose equally strong partners (caps aside) are not one company."""
    strong = scored.strong if scored.strong is not None else scored.auto
    if not strong.any():
        return np.flatnonzero(strong)
    aside_a, aside_b = scored.aside if scored.aside is not None else (None, None)
    of_a = np.flatnonzero(strong & ~aside_a if aside_a is not None else strong)
    of_b = np.flatnonzero(strong & ~aside_b if aside_b is not None else strong)
    ends = np.concatenate([scored.a[of_a], scored.b[of_b]])
    other = np.concatenate([scored.b[of_a], scored.a[of_b]])
    edge = np.concatenate([of_a, of_b])
    counts = np.bincount(ends, minlength=n)
    busy = counts[ends] >= 2
    ends, other, edge = ends[busy], other[busy], edge[busy]
    if not len(ends):
        return ends
    order = np.lexsort((other, -scored.weight[edge], ends))
    ends, other, edge = ends[order], other[order], edge[order]
    codes, index = scored.lookup(n)
    starts = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
    stops = np.r_[starts[1:], len(ends)]
    demoted: list[int] = []
    for s, e in zip(starts.tolist(), stops.tolist()):
        best_w = scored.weight[edge[s]]
        k = s + 1
        while k < e and best_w - scored.weight[edge[k]] < AMBIGUITY_MARGIN:
            k += 1
        contenders = other[s : min(k, s + MAX_CONTENDERS)].tolist()
        if any(
            not _one_company(y, z, scored, codes, index, n, state)
            for i, y in enumerate(contenders)
            for z in contenders[i + 1 :]
        ):
            settled = scored.settled if scored.settled is not None else np.zeros(len(scored.a), dtype=bool)
            demoted += [x for x in edge[s:k].tolist() if scored.auto[x] and not settled[x]]
    return np.unique(np.array(demoted, dtype=np.int64))


def _one_company(
    y: int, z: int, scored: Scored, codes: np.ndarray, index: np.ndarray, n: int, state: ClusterState
) -> bool:
    """Whether nothing says y and z are different: no decisive clash, and their pair (if scored) plausible."""
    lo, hi = min(y, z), max(y, z)
    if state.record_clash(lo, hi) is not None:
        return False
    code = lo * n + hi
    at = np.searchsorted(codes, code)
    if at < len(codes) and codes[at] == code:
        plausible = scored.plausible if scored.plausible is not None else scored.auto
        return bool(plausible[index[at]])
    return True


@dataclass
class Outcome:
    labels: np.ndarray
    merged: list[tuple[int, int, int]]  # (a, b, edge index, DECIDED or KEPT) per union
    refused: list[tuple[int, str]]  # (edge index, rule) of strong pairs a rule kept apart
    ignored_decisions: list[tuple[int, int, str]]  # "same" decisions a rule refused
    demoted: np.ndarray
    split: list[tuple[int, int, str]] = field(default_factory=list)  # stored clusters a rule now splits


def cluster(
    state: ClusterState, scored: Scored, same: list[tuple[int, int]], kept: Sequence[tuple[int, int]] = ()
) -> Outcome:
    """Apply the decisions, then the clusters as they were (``kept``, a sync), then the merge-worthy
    pairs strongest first, all under the hard rules."""
    n = len(state.parent)
    strong = scored.strong if scored.strong is not None else scored.auto
    for e in np.flatnonzero(strong | scored.auto).tolist():  # the records themselves say they differ: never a
        if state.record_clash(int(scored.a[e]), int(scored.b[e])) is not None:  # merge, nor a rival partner
            scored.auto[e] = False
            strong[e] = False
    demoted = demote_ambiguous(scored, n, state)
    auto = scored.auto.copy()
    auto[demoted] = False
    merged: list[tuple[int, int, int]] = []
    refused: list[tuple[int, str]] = []
    ignored: list[tuple[int, int, str]] = []
    for a, b in sorted(same):
        if state.find(a) == state.find(b):
            continue
        rule = state.clash(a, b)
        if rule is None:
            state.union(a, b)
            merged.append((a, b, DECIDED))
        else:
            ignored.append((a, b, rule))
    split: list[tuple[int, int, str]] = []
    if kept:
        codes, index = scored.lookup(n)
        for a, b in kept:
            if state.find(a) == state.find(b):
                continue
            rule = state.clash(a, b)
            if rule is None:
                state.union(a, b)
                lo, hi = min(a, b), max(a, b)
                at = np.searchsorted(codes, lo * n + hi)
                found = at < len(codes) and codes[at] == lo * n + hi
                merged.append((a, b, int(index[at]) if found else KEPT))
            else:
                split.append((a, b, rule))
    todo = np.flatnonzero(auto)
    todo = todo[np.lexsort((scored.b[todo], scored.a[todo], -scored.weight[todo]))]
    for e, a, b in zip(todo.tolist(), scored.a[todo].tolist(), scored.b[todo].tolist()):
        if state.find(a) == state.find(b):
            continue
        rule = state.clash(a, b)
        if rule is None:
            state.union(a, b)
            merged.append((a, b, e))
        else:
            refused.append((e, rule))
    return Outcome(state.labels(), merged, refused, ignored, demoted, split)


def review_edges(
    state: ClusterState, scored: Scored, outcome: Outcome, labels: np.ndarray, decided: np.ndarray
) -> list[int]:
    """The pairs a person should look at: one per pair of clusters, the strongest, in a stable order.

    Strong pairs left in two clusters — below the merge threshold, ambiguous, or refused by a
    rule that the records themselves do not settle — except pairs a reviewer decided.
    """
    candidates = scored.review & ~decided
    for e, _ in outcome.refused:
        candidates[e] = not decided[e]
    candidates &= labels[scored.a] != labels[scored.b]
    idx = np.flatnonzero(candidates)
    keep = [e for e in idx.tolist() if state.record_clash(int(scored.a[e]), int(scored.b[e])) is None]
    idx = np.array(keep, dtype=np.int64)
    if not len(idx):
        return []
    la, lb = labels[scored.a[idx]], labels[scored.b[idx]]
    lo, hi = np.minimum(la, lb), np.maximum(la, lb)
    order = np.lexsort((scored.b[idx], scored.a[idx], -scored.weight[idx], hi, lo))
    idx, lo, hi = idx[order], lo[order], hi[order]
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
    best = idx[first]
    return best[np.lexsort((scored.b[best], scored.a[best], -scored.weight[best]))].tolist()
