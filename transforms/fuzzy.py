"""Fuzzy candidate pairs: records that may be one company or person although no exact key says so.

Comparing every record with every other is quadratic, so records are first put
into *blocks* that a true duplicate very probably shares: the rarest words of
the name, cut to their first and last three letters (so one typo in a word
still meets its twin by the other end), a shared phone or email, the same
company for people. Within a block, names are compared with rapidfuzz; every
pair above the review threshold gets a score (0–100) and the reasons behind it.

A pair is merged automatically only when the names are nearly equal *and*
something else agrees (a phone, an email, the city, the company); everything
else above the review threshold goes to a person. Pure: no I/O.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

MAX_BLOCK = 400  # a block this large is a common word, not evidence: its records meet in rarer blocks
MAX_SHARED = 30  # a phone/email on more records than this is a switchboard or a shared mailbox
BLOCK_WORDS = 2  # rarest words of a name used for blocking
CITY_PENALTY = 10
CHANNEL_BONUS = 5
REVIEW_MARGIN = 10  # a pair sharing a phone or email is reviewed from this far below the threshold
SURNAME_SIMILARITY = 80
# Mailboxes that many unrelated people share; a shared one says nothing about identity.
ROLE_MAILBOXES = frozenset({"info", "office", "sales", "mail", "admin", "buh", "zakaz", "order", "orders",
                            "secretary", "reception", "support", "hello", "contact", "contacts", "post"})


@dataclass(frozen=True)
class Thresholds:
    review: int  # score from which a pair goes to review
    auto_merge: int  # score from which a corroborated pair merges without review


@dataclass(frozen=True)
class Candidate:
    a: int
    b: int
    score: int
    reasons: tuple[str, ...]
    auto: bool


def name_score(a: str, b: str) -> int:
    """How alike two name keys are (0–100): plain edit similarity or the same words in another order."""
    return int(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)))


def _affix_blocks(words: list[tuple[int, str]], length: int) -> dict[str, list[int]]:
    """Block records by the first and last ``length`` letters of their rare words; split a block too
    common to compare («^стр», «ект$» at 100k) by longer affixes, down to whole words."""
    blocks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, w in words:
        if len(w) <= length + 1:
            blocks[w].append((i, w))
        else:
            blocks["^" + w[:length]].append((i, w))
            blocks[w[-length:] + "$"].append((i, w))
    out: dict[str, list[int]] = {}
    for token, members in blocks.items():
        if len(members) > MAX_BLOCK and not (token[0] != "^" and token[-1] != "$"):
            out |= _affix_blocks(members, length + 1)
        else:
            out[token] = sorted({i for i, _ in members})
    return out


def _word_blocks(keys: list[str | None]) -> dict[str, list[int]]:
    """Blocks from the rarest words of each name (``^ром`` and ``шка$`` for «ромашка») and the whole key."""
    words = [k.split() if k else [] for k in keys]
    frequency = Counter(w for ws in words for w in set(ws))
    rare = [(i, w) for i, ws in enumerate(words) for w in sorted(set(ws), key=lambda w: (frequency[w], w))[:BLOCK_WORDS]]
    blocks = _affix_blocks(rare, 3)
    for i, key in enumerate(keys):
        if key:
            blocks.setdefault("=" + key, []).append(i)
    return blocks


def channel_values(phones: list, emails: list, *, mobile_only: bool = False) -> list[set[str]]:
    """Per record: its valid phones and personal emails (role mailboxes like info@ left out).

    For people only mobile numbers count: colleagues share the office line.
    """
    out = []
    for ps, es in zip(phones, emails):
        values = {p.e164 for p in ps if p.e164 and (not mobile_only or p.kind == "mobile")}
        values |= {e.email for e in es if e.email and e.email.split("@")[0] not in ROLE_MAILBOXES}
        out.append(values)
    return out


def _channel_blocks(values: list[set[str]]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, vs in enumerate(values):
        for v in vs:
            blocks["@" + v].append(i)
    return {k: v for k, v in blocks.items() if len(v) <= MAX_SHARED}


def _similar_pairs(members: list[int], keys: list[str | None], cutoff: int) -> Iterable[tuple[int, int, int]]:
    """(a, b, name score) for members whose names score at least ``cutoff``; rapidfuzz does the n² in C++."""
    named = [i for i in members if keys[i]]
    if len(named) < 2:
        return
    names = [keys[i] for i in named]
    scores = np.maximum(process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8),
                        process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                                      dtype=np.uint8))
    rows, cols = np.nonzero(np.triu(scores, k=1))
    for r, c in zip(rows.tolist(), cols.tolist()):
        yield named[r], named[c], int(scores[r, c])


def candidate_pairs(keys: list[str | None], channels: list[set[str]], cutoff: int,
                    extra_blocks: dict[str, list[int]] | None = None) -> dict[tuple[int, int], int]:
    """Every pair sharing a block: (a, b) → name score (-1 when they only share a phone/email)."""
    pairs: dict[tuple[int, int], int] = {}
    blocks = {**_word_blocks(keys), **(extra_blocks or {})}
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            for a, b, score in _similar_pairs(members, keys, cutoff):
                pairs[(min(a, b), max(a, b))] = score
    for members in _channel_blocks(channels).values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                pair = (min(a, b), max(a, b))
                if pair not in pairs:
                    pairs[pair] = name_score(keys[a], keys[b]) if keys[a] and keys[b] else -1
    return pairs


def evaluate(pairs: dict[tuple[int, int], int], judge: Callable[[int, int, int], Candidate | None]) -> list[Candidate]:
    """The pairs worth acting on, best first, each judged by the entity's own rules."""
    found = [c for (a, b), score in pairs.items() if (c := judge(a, b, score)) is not None]
    return sorted(found, key=lambda c: (-c.auto, -c.score, c.a, c.b))


_DIGITS = re.compile(r"\d+")


def numbers_differ(a: str, b: str) -> bool:
    """«Школа 12» / «Школа 15», «Клиент 16527» / «Клиент 16575»: a number names another entity."""
    return _DIGITS.findall(a) != _DIGITS.findall(b)


def minor_variant(a: str, b: str) -> bool:
    """«Атлант 1» / «Атлант 10», «Вертикаль Трейд» / «Вертикаль Трейд+»: siblings, not spellings."""
    if numbers_differ(a, b):
        return True
    extra = set(a.split()) ^ set(b.split())
    return any(len(t) <= 2 or not t.isalpha() for t in extra)


def _corroboration(a: int, b: int, places: list[str | None], channels: list[set[str]]) -> tuple[list[str], bool, bool]:
    """(reasons, something agrees, the cities differ) from phones, emails and cities."""
    reasons: list[str] = []
    shared = sorted(channels[a] & channels[b])
    if shared:
        reasons.append(f"same {'email' if '@' in shared[0] else 'phone'} {shared[0]}")
    pa, pb = (p.casefold() if p else None for p in (places[a], places[b]))
    other_city = bool(pa and pb and pa != pb)
    if other_city:
        reasons.append(f"different cities: {places[a]} / {places[b]}")
    elif pa and pa == pb:
        reasons.append(f"same city {places[a]}")
    return reasons, bool(shared) or bool(pa and pa == pb), other_city


def company_judge(keys: list[str | None], places: list[str | None], channels: list[set[str]],
                  types: list[str | None], limits: Thresholds) -> Callable[[int, int, int], Candidate | None]:
    """Rules for two company records (INN/KPP conflicts are refused by the caller's guard).

    A pair is reviewed from ``limits.review``, or from ``REVIEW_MARGIN`` below it when a
    phone or an email agrees (a city alone is weak: Moscow has many «Альфа»); a shared number
    with unlike names is reviewed too. Merging without review needs ``limits.auto_merge``
    and a phone, email or the city agreeing.
    """
    def judge(a: int, b: int, score: int) -> Candidate | None:
        people = types[a] == "entrepreneur" and types[b] == "entrepreneur"
        if people and keys[a] and keys[b] and fuzz.ratio(keys[a].split()[0], keys[b].split()[0]) < SURNAME_SIMILARITY:
            return None  # two entrepreneurs with another surname: Алексеев С. Н. is not Грачёв С. Н.
        evidence, corroborated, other_city = _corroboration(a, b, places, channels)
        shared = any(r.startswith("same phone") or r.startswith("same email") for r in evidence)
        if not shared and keys[a] and keys[b] and numbers_differ(keys[a], keys[b]):
            return None  # numbered names are numbered because they differ: not even a question
        reasons = ([f"names {score}% alike: '{keys[a]}' ~ '{keys[b]}'"] if score >= 0 else []) + evidence
        total = max(score, 0) + (CHANNEL_BONUS if shared else 0) - (CITY_PENALTY if other_city else 0)
        total = min(100, total)
        sibling = bool(keys[a] and keys[b] and minor_variant(keys[a], keys[b]))
        if sibling:
            reasons.append("names differ by a number or a short word: a sister company?")
        auto = total >= limits.auto_merge and corroborated and not other_city and not sibling and not people
        reviewed = total >= limits.review or (shared and total >= limits.review - REVIEW_MARGIN)
        if shared and score < limits.review - REVIEW_MARGIN:
            reasons.append("names differ: a shared number or mailbox, or a renamed company?")
            reviewed = True
        return Candidate(a, b, total, tuple(reasons), auto) if auto or reviewed else None
    return judge


def _gendered_pair(a: str | None, b: str | None) -> bool:
    """Петров / Петрова, Толстой / Толстая: the male and female forms of one surname."""
    if not a or not b or a == b:
        return False
    short, long = sorted((a, b), key=len)
    return long == short + "а" or (short.endswith(("ий", "ый", "ой")) and long == short[:-2] + "ая")


def contact_judge(keys: list[str | None], genders: list[str | None], companies: list[object],
                  channels: list[set[str]], full_names: list[bool],
                  limits: Thresholds) -> Callable[[int, int, int], Candidate | None]:
    """Rules for two people: nearly the same name at the same company, or a shared phone/email."""
    surnames = [k.split()[0] if k else None for k in keys]

    def judge(a: int, b: int, score: int) -> Candidate | None:
        if (genders[a] and genders[b] and genders[a] != genders[b]) or _gendered_pair(surnames[a], surnames[b]):
            return None  # Иванов / Иванова: relatives or colleagues, not one person
        same_company = companies[a] is not None and companies[a] == companies[b]
        shared = sorted(channels[a] & channels[b])
        reasons = [f"names {score}% alike: '{keys[a]}' ~ '{keys[b]}'"] if score >= 0 else []
        if same_company:
            reasons.append("same company")
        if shared:
            reasons.append(f"same {'email' if '@' in shared[0] else 'phone'} {shared[0]}")
        total = max(score, 0)
        auto = total >= limits.auto_merge and bool(same_company or shared)
        namesake = score == 100 and full_names[a] and full_names[b] and not same_company
        if namesake:
            reasons.append("same full name at different companies: one person who moved, or a namesake?")
        if auto or namesake or (total >= limits.review and (same_company or shared)) or shared:
            return Candidate(a, b, total, tuple(reasons), auto)
        return None
    return judge
