"""Group source records that are the same real company / person, with reasons.

Four stages, each recorded as edges with a reason so a consultant sees *why*
two records became one:

1. reviewers' decisions: ``same`` joins a pair, ``different`` forbids it for good;
2. exact keys: INN+KPP, equal name keys (same or unknown city), a shared phone
   or email backed by a similar name;
3. fuzzy pairs (``transforms.fuzzy``): nearly equal names with corroboration
   merge; the rest above the review threshold become review pairs.

Two guards hold for every merge except a reviewer's: records with different
INNs, or the same INN and different KPPs (branches), never end up in one
cluster; nor do two records a reviewer called ``different``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from transforms.area_codes import city_of_number, find_city
from transforms.cells import fold
from vocabulary.fields import SOURCE, SOURCE_KEY
from vocabulary.pairs import LINK_COLUMNS, Record, pair_key
from transforms.fuzzy import (
    REVIEW_MARGIN,
    Candidate, Thresholds, candidate_pairs, channel_values, company_judge, contact_judge, evaluate, name_score,
    numbers_differ,
)

CLUSTER = "cluster"
NAME_SIMILARITY = 85  # default name score (fuzzy.name_score) for phone/email-backed merges
DEFAULT_THRESHOLDS = Thresholds(review=90, auto_merge=95)
MAX_NAMESAKES = 20  # entrepreneurs sharing a surname compared by initials


@dataclass
class _Clusters:
    """Union-find whose clusters carry identity facts, so conflicting merges are refused."""

    parent: list[int]
    ident: list[set[tuple[str, str | None]]]  # {(inn, kpp)} of the cluster's records
    cities: list[set[str]]
    edges: list[tuple[int, int, str, int]] = field(default_factory=list)
    # "different" decisions: record → records it must never share a cluster with
    cannot: dict[int, set[int]] = field(default_factory=dict)
    tagged: dict[int, set[int]] = field(default_factory=dict)  # root → its records that have a cannot-link

    def forbid(self, a: int, b: int) -> None:
        self.cannot.setdefault(a, set()).add(b)
        self.cannot.setdefault(b, set()).add(a)
        for x in (a, b):
            self.tagged.setdefault(self.find(x), set()).add(x)

    def allowed(self, a: int, b: int) -> bool:
        """False when a reviewer said some record of one cluster is not some record of the other."""
        ta, tb = self.tagged.get(self.find(a)), self.tagged.get(self.find(b))
        return not (ta and tb and any(self.cannot[x] & tb for x in ta))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int, *, same_city: bool = False) -> bool:
        if not self.allowed(a, b):
            return False
        ra, rb = self.find(a), self.find(b)
        inns_a = {inn for inn, _ in self.ident[ra]}
        inns_b = {inn for inn, _ in self.ident[rb]}
        if inns_a and inns_b and inns_a != inns_b:
            return False
        kpps = {k for _, k in self.ident[ra] | self.ident[rb] if k}
        if len(kpps) > 1:
            return False
        return not same_city or not self.cities[ra] or not self.cities[rb] or bool(self.cities[ra] & self.cities[rb])

    def union(self, a: int, b: int, reason: str, score: int = 100) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.allowed(a, b):
            return False
        self.parent[rb] = ra
        self.ident[ra] |= self.ident[rb]
        self.cities[ra] |= self.cities[rb]
        if rb in self.tagged:
            self.tagged.setdefault(ra, set()).update(self.tagged.pop(rb))
        self.edges.append((a, b, reason, score))
        return True

    def labels(self) -> list[int]:
        roots = [self.find(i) for i in range(len(self.parent))]
        numbering: dict[int, int] = {}
        return [numbering.setdefault(r, len(numbering)) for r in roots]


@dataclass
class Matched:
    frame: pd.DataFrame  # the records with a ``cluster`` column
    links: pd.DataFrame  # LINK_COLUMNS: one row per merge, with its reason
    review: pd.DataFrame  # LINK_COLUMNS: candidate pairs awaiting a reviewer's decision
    ignored_decisions: list[str] = field(default_factory=list)  # "same" decisions the guards refused


def cluster_of(matched: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(source, source_key) → cluster, for records that went through a matcher."""
    return dict(zip(zip(matched[SOURCE], matched[SOURCE_KEY]), matched[CLUSTER]))


def _groups(values: list) -> dict:
    out: dict = {}
    for i, v in enumerate(values):
        for item in (v if isinstance(v, (list, tuple, set)) else [v]):
            if item:
                out.setdefault(item, []).append(i)
    return out


def _links(frame: pd.DataFrame, uf: _Clusters, entity: str) -> pd.DataFrame:
    src, key = list(frame[SOURCE]), list(frame[SOURCE_KEY])
    rows = [(entity, src[a], key[a], src[b], key[b], score, reason) for a, b, reason, score in uf.edges]
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS))


def place_key(city: str | None, address: str | None, phones: tuple = ()) -> str | None:
    """Where a company is: the city column, else the address, else a landline's area code.

    Known cities get one spelling («г Москва», «Москва», «Н. Новгород» → the table's name);
    an unknown one is kept as written.
    """
    known = find_city(city) or find_city(address) or next(
        (c for p in phones if p.kind == "fixed" and (c := city_of_number(p.e164))), None)
    if known is not None:
        return known.name
    return " ".join(city.replace("г.", " ").split()) or None if city else None


def _records(frame: pd.DataFrame) -> list[Record]:
    return list(zip(frame[SOURCE], frame[SOURCE_KEY]))


def _apply_decisions(frame: pd.DataFrame, uf: _Clusters, entity: str, decisions: pd.DataFrame | None) -> tuple[
        set[tuple], list[str]]:
    """Forbid the ``different`` pairs, join the ``same`` ones; (decided pair keys, decisions not applied)."""
    if decisions is None or decisions.empty:
        return set(), []
    index = {rec: i for i, rec in enumerate(_records(frame))}
    mine = decisions[decisions["entity"] == entity].to_dict("records")
    decided = {pair_key(entity, (d["left_source"], d["left_key"]), (d["right_source"], d["right_key"]))
               for d in mine}
    ignored: list[str] = []
    for wanted in ("different", "same"):
        for d in (d for d in mine if d["decision"] == wanted):
            a, b = index.get((d["left_source"], d["left_key"])), index.get((d["right_source"], d["right_key"]))
            if a is None or b is None:
                continue  # one of the records is no longer in its source (or is quarantined)
            if wanted == "different":
                uf.forbid(a, b)
            elif uf.compatible(a, b):
                uf.union(a, b, "a reviewer decided: same")
            elif uf.find(a) != uf.find(b):
                ignored.append(f"{entity} {d['left_source']}:{d['left_key']} = {d['right_source']}:{d['right_key']}: "
                               "not merged, their INN/KPP differ or another decision forbids it")
    return decided, ignored


def _fuzzy_stage(frame: pd.DataFrame, uf: _Clusters, entity: str, candidates: list[Candidate],
                 decided: set[tuple]) -> pd.DataFrame:
    """Merge the corroborated near-duplicates; return the rest as review pairs (one per pair of clusters)."""
    records = _records(frame)
    open_pairs: list[Candidate] = []
    for c in candidates:
        if uf.find(c.a) == uf.find(c.b) or pair_key(entity, records[c.a], records[c.b]) in decided:
            continue
        if not uf.compatible(c.a, c.b):
            continue
        if c.auto:
            uf.union(c.a, c.b, "; ".join(c.reasons), c.score)
        else:
            open_pairs.append(c)
    best: dict[tuple[int, int], Candidate] = {}
    for c in open_pairs:
        roots = tuple(sorted((uf.find(c.a), uf.find(c.b))))
        if roots[0] != roots[1] and uf.compatible(c.a, c.b) and (
                roots not in best or c.score > best[roots].score):
            best[roots] = c
    rows = []
    for c in sorted(best.values(), key=lambda c: (-c.score, c.a, c.b)):
        (ls, lk), (rs, rk) = sorted([records[c.a], records[c.b]])
        rows.append((entity, ls, lk, rs, rk, c.score, "; ".join(c.reasons)))
    return pd.DataFrame(rows, columns=list(LINK_COLUMNS), dtype=object) if rows else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in LINK_COLUMNS})


def match_companies(companies: pd.DataFrame, name_similarity: int = NAME_SIMILARITY,
                    thresholds: Thresholds = DEFAULT_THRESHOLDS, decisions: pd.DataFrame | None = None) -> Matched:
    """Cluster company records; branches (same INN, other KPP) stay apart."""
    frame = companies.reset_index(drop=True)
    n = len(frame)
    inns, kpps = list(frame["inn"]), list(frame["kpp"])
    places = [place_key(c, a, p) for c, a, p in zip(frame["city"], frame["address"], frame["phones"])]
    uf = _Clusters(list(range(n)), [{(inn, kpp)} if inn else set() for inn, kpp in zip(inns, kpps)],
                   [{p.casefold()} if p else set() for p in places])
    decided, ignored = _apply_decisions(frame, uf, "company", decisions)
    for inn, members in _groups(inns).items():
        with_kpp = [i for i in members if kpps[i]]
        for kpp, same in _groups([kpps[i] for i in with_kpp]).items():
            for i in same[1:]:
                uf.union(with_kpp[same[0]], with_kpp[i], f"same INN {inn} and KPP {kpp}")
        heads = sorted({kpps[i] for i in with_kpp if kpps[i][4:6] == "01"}) or sorted({kpps[i] for i in with_kpp})
        anchor = next((i for i in with_kpp if kpps[i] == heads[0]), None) if len(heads) == 1 else None
        for i in (i for i in members if not kpps[i]):
            if anchor is None:
                anchor = i
            elif uf.find(anchor) != uf.find(i):
                uf.union(anchor, i, f"same INN {inn}" + (f" (head office KPP {heads[0]})" if with_kpp else ""))
    held = _join_on_name(frame, uf, places)
    _join_on_contacts(frame, uf, "phones", "e164", "phone", name_similarity)
    _join_on_contacts(frame, uf, "emails", "email", "email", name_similarity)
    keys, channels = list(frame["name_key"]), channel_values(list(frame["phones"]), list(frame["emails"]))
    judge = company_judge(keys, places, channels, list(frame["type"]), thresholds)
    candidates = evaluate(candidate_pairs(keys, channels, thresholds.review - REVIEW_MARGIN), judge)
    held += _entrepreneurs_by_initials(frame, uf)
    review = _fuzzy_stage(frame, uf, "company", held + candidates, decided)
    return Matched(frame.assign(**{CLUSTER: uf.labels()}), _links(frame, uf, "company"), review, ignored)


def _join_on_name(frame: pd.DataFrame, uf: _Clusters, places: list[str | None]) -> list[Candidate]:
    """Merge records with the same name key where nothing tells them apart; return the doubtful ones for review.

    A record with neither city nor INN merges only when its name belongs to one company;
    with several companies of that name (other cities, other INNs) it is a question, not a
    merge. Entrepreneurs are people: a namesake is too likely, so a name alone never joins them.
    """
    inns, types = list(frame["inn"]), list(frame["type"])
    held: list[Candidate] = []
    for name_key, members in _groups(list(frame["name_key"])).items():
        placed = [i for i in members if places[i] or inns[i]]
        unplaced = [i for i in members if not (places[i] or inns[i])]
        legal = [i for i in placed if types[i] != "entrepreneur"]
        for x, i in enumerate(legal):
            anchor = next((a for a in legal[:x] if uf.find(a) != uf.find(i) and uf.compatible(a, i, same_city=True)),
                          None)
            if anchor is not None:
                uf.union(anchor, i, f"same name '{name_key}'")
        companies = sorted({uf.find(i) for i in placed})
        for i in unplaced:
            if types[i] == "entrepreneur" or len(companies) > 1:
                reason = ("same name, an entrepreneur: a namesake?" if types[i] == "entrepreneur" else
                          f"same name '{name_key}', no city or INN to tell which of {len(companies)} companies")
                held += [Candidate(min(i, c), max(i, c), 100, (reason,), False) for c in companies[:3]]
            elif companies:
                uf.union(companies[0], i, f"same name '{name_key}' (one company of that name)")
            elif i != unplaced[0]:
                uf.union(unplaced[0], i, f"same name '{name_key}'")
    return held


def _entrepreneurs_by_initials(frame: pd.DataFrame, uf: _Clusters) -> list[Candidate]:
    """«ИП Громов Т. И.» ~ «ИП Громов Тимур Ильич»: the same surname with agreeing initials is a review
    question (edit similarity cannot see it); a phone or email they share has merged them already."""
    keys, types = list(frame["name_key"]), list(frame["type"])
    by_surname: dict[str, list[int]] = {}
    for i, (key, kind) in enumerate(zip(keys, types)):
        if kind == "entrepreneur" and key and len(key.split()) >= 2:
            by_surname.setdefault(key.split()[0], []).append(i)
    held: list[Candidate] = []
    for members in by_surname.values():
        if len(members) > MAX_NAMESAKES:
            continue  # a common surname: initials alone would pair strangers
        parts = {i: tuple((keys[i].split() + [None, None])[:3]) for i in members}
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                initials = any(p and len(p) == 1 for p in (*parts[a][1:], *parts[b][1:]))
                if initials and keys[a] != keys[b] and uf.find(a) != uf.find(b) and _names_agree(parts[a], parts[b]):
                    held.append(Candidate(a, b, 90, (f"same entrepreneur by initials: '{keys[a]}' ~ '{keys[b]}'",),
                                          False))
    return held


def _join_on_contacts(frame: pd.DataFrame, uf: _Clusters, column: str, attr: str, label: str,
                      name_similarity: int) -> None:
    """Merge records sharing a phone/email when their names are also alike."""
    values = [[getattr(v, attr) for v in items if getattr(v, attr)] for items in frame[column]]
    names = list(frame["name_key"])
    for value, members in _groups(values).items():
        for i in members[1:]:
            a = members[0]
            score = name_score(names[a], names[i]) if names[a] and names[i] else 0
            if score >= name_similarity and not numbers_differ(names[a], names[i]) and uf.compatible(a, i):
                uf.union(a, i, f"same {label} {value} and similar name ({score})", score)


def _names_agree(a: tuple, b: tuple) -> bool:
    """Last names equal; first/middle equal or an initial of the other, or unknown."""
    (la, fa, ma), (lb, fb, mb) = a, b
    if not (la and lb) or fold(la) != fold(lb):
        return False
    for x, y in ((fa, fb), (ma, mb)):
        if x and y:
            x, y = fold(x).rstrip("."), fold(y).rstrip(".")
            if not (x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))):
                return False
    return True


def match_contacts(contacts: pd.DataFrame, company_cluster_of: dict[tuple[str, str], int],
                   thresholds: Thresholds = DEFAULT_THRESHOLDS, decisions: pd.DataFrame | None = None) -> Matched:
    """Cluster contact records: same email or phone with agreeing names, or same name at one company."""
    frame = contacts.reset_index(drop=True)
    n = len(frame)
    uf = _Clusters(list(range(n)), [set() for _ in range(n)], [set() for _ in range(n)])
    decided, ignored = _apply_decisions(frame, uf, "contact", decisions)
    names = list(zip(frame["last_name"], frame["first_name"], frame["middle_name"]))
    has_name = [bool(x[0]) for x in names]
    for column, attr, label in (("emails", "email", "email"), ("phones", "e164", "phone")):
        values = [[getattr(v, attr) for v in items if getattr(v, attr)] for items in frame[column]]
        for value, members in _groups(values).items():
            for i in members[1:]:
                a = members[0]
                if (not has_name[a] or not has_name[i]) or _names_agree(names[a], names[i]):
                    agreeing = " and agreeing names" if has_name[a] and has_name[i] else ""
                    uf.union(a, i, f"same {label} {value}{agreeing}")
    companies = [company_cluster_of.get(r) if isinstance(r, tuple) else None for r in frame["company_record"]]
    by_company: dict = {}
    for i, c in enumerate(companies):
        if c is not None and has_name[i]:
            by_company.setdefault(c, []).append(i)
    for members in by_company.values():
        for x, i in enumerate(members):
            for a in members[:x]:
                if uf.find(a) != uf.find(i) and _names_agree(names[a], names[i]) and uf.union(
                        a, i, "same name at the same company"):
                    break
    keys = list(frame["name_key"])
    channels = channel_values(list(frame["phones"]), list(frame["emails"]), mobile_only=True)
    judge = contact_judge(keys, list(frame["gender"]), companies, channels,
                          [all(x) for x in names], thresholds)
    company_blocks = {f"company {c}": members for c, members in by_company.items()}
    candidates = evaluate(candidate_pairs(keys, channels, thresholds.review, company_blocks), judge)
    review = _fuzzy_stage(frame, uf, "contact", candidates, decided)
    return Matched(frame.assign(**{CLUSTER: uf.labels()}), _links(frame, uf, "contact"), review, ignored)
