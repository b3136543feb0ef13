"""Blocking rules: which pairs of records are worth scoring at all.

Comparing every record with every other is quadratic, so a pair is scored only when the
two records share a *block*: an exact key (INN, name key, its transliteration, a phone,
a personal e-mail, a company for people) or, for typos, an affix of a rare word of the
name (``^ром`` / ``шка$`` for «ромашка», so one typo still meets its twin by the other
end), where names are compared in C++ (rapidfuzz) and only alike pairs are kept.

No block is dropped. A block larger than its limit — a common name at a million
records, an office switchboard — falls back to the *sorted neighbourhood* method: its
records are sorted (by name, by the reversed name for suffix blocks) and each is paired
with its next ``WINDOW`` neighbours. Such blocks are counted in ``BlockReport``.
All of it is vectorised: pairs come from numpy index arithmetic, not Python loops over pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

MAX_EXACT_BLOCK = 64  # all pairs of a block up to this size; larger: sorted neighbourhood
WINDOW = 12  # neighbours each record of an oversized block is paired with
FUZZY_WINDOW = 6  # the same for rare-word blocks (each record sits in up to four of them)
SMALL_FUZZY_BLOCK = 24  # fuzzy blocks up to this size: all pairs, filtered by name similarity afterwards
MAX_FUZZY_BLOCK = 400  # fuzzy blocks up to this size: compared in C++; larger: sorted neighbourhood
RARE_WORDS = 2  # rarest words of a name that make its fuzzy blocks
AFFIX = 3
SCORED_AT_ONCE = 1_000_000  # candidate pairs whose names are compared in one go (two lists of their names)


@dataclass
class BlockReport:
    """What blocking did: pairs per rule, and blocks too large to compare in full."""

    pairs: Counter = field(default_factory=Counter)
    oversized: Counter = field(default_factory=Counter)  # rule → blocks that fell back to sorted neighbourhood
    oversized_records: Counter = field(default_factory=Counter)


def _groups(codes: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(order, position in group, group size, group start) for records sorted by block code then rank."""
    order = np.lexsort((rank, codes))
    sorted_codes = codes[order]
    new = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    start = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    size = np.diff(np.r_[start, len(codes)])
    position = np.arange(len(codes)) - start[group]
    return order, position, size[group], start


def block_pairs(
    records: np.ndarray,
    keys: list | np.ndarray,
    rank: np.ndarray,
    rule: str,
    report: BlockReport,
    limit: int = MAX_EXACT_BLOCK,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records sharing a key (None: no key); an oversized block by sorted neighbourhood."""
    codes, _ = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    keep = codes >= 0
    records, codes = np.asarray(records)[keep], codes[keep]
    if len(records) < 2:
        return _empty()
    order, position, size, start = _groups(codes, rank[records])
    recs = records[order]
    big = size > limit
    _report(report, rule, size, start, limit)
    reach = np.where(big, WINDOW, size - 1)
    out_a, out_b = [], []
    for k in range(1, int(reach.max(initial=0)) + 1):
        ok = (position + k < size) & (k <= reach)
        idx = np.flatnonzero(ok)
        out_a.append(recs[idx])
        out_b.append(recs[idx + k])
    pairs = _ordered(out_a, out_b)
    report.pairs[rule] += len(pairs[0])
    return pairs


def _report(report: BlockReport, rule: str, size: np.ndarray, start: np.ndarray, limit: int) -> None:
    sizes = size[start]
    over = sizes[sizes > limit]
    if len(over):
        report.oversized[rule] += len(over)
        report.oversized_records[rule] += int(over.sum())


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)


def _ordered(out_a: list[np.ndarray], out_b: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if not out_a:
        return _empty()
    a, b = np.concatenate(out_a).astype(np.int64), np.concatenate(out_b).astype(np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b), np.maximum(a, b)


def _union(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _empty()
    codes = np.concatenate([a * n + b for a, b in parts])
    codes.sort()
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    return codes // n, codes % n


@dataclass
class Candidates:
    """The pairs to score (a < b), and for each blocking rule which of them it found."""

    a: np.ndarray
    b: np.ndarray
    by_rule: dict[str, np.ndarray] = field(default_factory=dict)  # rule → mask over the pairs

    def found_by(self, rules: frozenset[str]) -> np.ndarray:
        mask = np.zeros(len(self.a), dtype=bool)
        for rule in rules & self.by_rule.keys():
            mask |= self.by_rule[rule]
        return mask


def unique_pairs(parts: dict[str, tuple[np.ndarray, np.ndarray]], n: int) -> Candidates:
    """The union of the rules' pair lists, each pair once, sorted (a < b), with each rule's share.

    One sort of all codes: each code's position in the union gives every rule its mask."""
    rules = [rule for rule, (a, _) in parts.items() if len(a)]
    if not rules:
        return Candidates(*_empty())
    codes = np.concatenate([parts[r][0] * n + parts[r][1] for r in rules])
    owner = np.concatenate([np.full(len(parts[r][0]), i, dtype=np.int16) for i, r in enumerate(rules)])
    order = np.argsort(codes, kind="stable")
    codes, owner = codes[order], owner[order]
    first = np.r_[True, codes[1:] != codes[:-1]]
    position = np.cumsum(first) - 1
    union = codes[first]
    masks = {}
    for i, rule in enumerate(rules):
        mask = np.zeros(len(union), dtype=bool)
        mask[position[owner == i]] = True
        masks[rule] = mask
    return Candidates(union // n, union % n, masks)


def rank_of(values: list) -> np.ndarray:
    """Each value's position in sorted order (None last): the sort key of sorted neighbourhood."""
    text = np.array([v if v is not None else "\uffff" for v in values], dtype=object)
    order = np.argsort(text, kind="stable")
    rank = np.empty(len(text), dtype=np.int64)
    rank[order] = np.arange(len(text))
    return rank


def _rare_word_tokens(keys: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """(record, token) for the rare words' affixes of each name (``^ром``, ``шка$``; a short word whole)."""
    words = [k.split() if k else [] for k in keys]
    frequency = Counter(w for ws in words for w in set(ws))
    recs: list[int] = []
    tokens: list[str] = []
    for i, ws in enumerate(words):
        for w in sorted(set(ws), key=lambda w: (frequency[w], w))[:RARE_WORDS]:
            found = affixes(w)
            recs += [i] * len(found)
            tokens += found
    return np.array(recs, dtype=np.int64), tokens


def initial_key(last: str | None, first: str | None) -> str | None:
    """«иванов а»: a surname and a first initial, the key of the surname blocking rules."""
    return f"{last} {first[0]}" if last and first else None


def affixes(word: str) -> list[str]:
    """The fuzzy blocks of one word: its first and last letters (``^ром``, ``шка$``), a short word whole."""
    return [word] if len(word) <= AFFIX + 1 else ["^" + word[:AFFIX], word[-AFFIX:] + "$"]


def fuzzy_pairs(keys: list[str | None], cutoff: int, rule: str, report: BlockReport) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records sharing a rare-word affix whose names are at least ``cutoff`` alike (0–100)."""
    n = len(keys)
    recs, tokens = _rare_word_tokens(keys)
    if len(recs) < 2:
        return _empty()
    codes, uniques = pd.factorize(pd.Series(tokens, dtype=object))
    forward = rank_of(keys)
    backward = rank_of([k[::-1] if k else None for k in keys])
    suffix = np.array([t.endswith("$") for t in uniques], dtype=bool)[codes]
    rank = np.where(suffix, backward[recs], forward[recs])
    order, position, size, start = _groups(codes, rank)
    recs_sorted = recs[order]
    _report(report, rule, size, start, MAX_FUZZY_BLOCK)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    small = size <= SMALL_FUZZY_BLOCK
    big = size > MAX_FUZZY_BLOCK
    reach = np.where(small, size - 1, np.where(big, FUZZY_WINDOW, 0))
    out_a, out_b = [], []
    for k in range(1, int(reach.max(initial=0)) + 1):
        idx = np.flatnonzero((position + k < size) & (k <= reach))
        out_a.append(recs_sorted[idx])
        out_b.append(recs_sorted[idx + k])
    parts.append(_ordered(out_a, out_b))
    middle = np.flatnonzero((size[start] > SMALL_FUZZY_BLOCK) & (size[start] <= MAX_FUZZY_BLOCK))
    sizes = size[start]
    for s in middle.tolist():
        members = recs_sorted[start[s] : start[s] + sizes[s]]
        names = [keys[i] for i in members]
        scores = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
        rows, cols = np.nonzero(np.triu(scores, k=1))
        parts.append((np.minimum(members[rows], members[cols]), np.maximum(members[rows], members[cols])))
    a, b = _union(parts, n)
    a, b = _alike(a, b, keys, cutoff)
    report.pairs[rule] += len(a)
    return a, b


def _alike(a: np.ndarray, b: np.ndarray, keys: list[str | None], cutoff: int) -> tuple[np.ndarray, np.ndarray]:
    if not len(a):
        return a, b
    lengths = np.array([len(k) if k else 0 for k in keys], dtype=np.int64)
    la, lb = lengths[a], lengths[b]
    # edit similarity 2·matches/(la+lb) can reach the cutoff only when the lengths are close
    possible = 200 * np.minimum(la, lb) >= cutoff * (la + lb)
    a, b = a[possible], b[possible]
    keep = np.zeros(len(a), dtype=bool)
    for start in range(0, len(a), SCORED_AT_ONCE):  # in slices: tens of millions of pairs at a million records
        end = start + SCORED_AT_ONCE
        left = [keys[i] for i in a[start:end].tolist()]
        right = [keys[i] for i in b[start:end].tolist()]
        score = np.maximum(
            process.cpdist(left, right, scorer=fuzz.ratio, workers=-1),
            process.cpdist(left, right, scorer=fuzz.token_sort_ratio, workers=-1),
        )
        keep[start:end] = score >= cutoff
    return a[keep], b[keep]


def explode(values: list) -> tuple[np.ndarray, list]:
    """(record, value) for multi-valued cells (a record's phones, e-mails)."""
    recs: list[int] = []
    flat: list = []
    for i, vs in enumerate(values):
        for v in vs:
            recs.append(i)
            flat.append(v)
    return np.array(recs, dtype=np.int64), flat
