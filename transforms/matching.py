"""Group source records that are the same real company / person, with reasons.

This is the exact-key matcher: INN+KPP, equal name keys (same or unknown city),
a shared phone or email backed by a similar name. Two guards hold for every
merge: records with different INNs, or the same INN and different KPPs
(branches), never end up in one cluster. Every merge is an edge with a reason
so a consultant can see *why* two records became one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from transforms.cells import fold
from transforms.fields import SOURCE, SOURCE_KEY

CLUSTER = "cluster"
LINK_COLUMNS = ("entity", "left_source", "left_key", "right_source", "right_key", "score", "reasons")
NAME_SIMILARITY = 85  # default rapidfuzz token_set_ratio on name keys, for phone/email-backed merges


@dataclass
class _Clusters:
    """Union-find whose clusters carry identity facts, so conflicting merges are refused."""

    parent: list[int]
    ident: list[set[tuple[str, str | None]]]  # {(inn, kpp)} of the cluster's records
    cities: list[set[str]]
    edges: list[tuple[int, int, str, int]] = field(default_factory=list)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int, *, same_city: bool) -> bool:
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
        if ra == rb:
            return False
        self.parent[rb] = ra
        self.ident[ra] |= self.ident[rb]
        self.cities[ra] |= self.cities[rb]
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


def match_companies(companies: pd.DataFrame, name_similarity: int = NAME_SIMILARITY) -> Matched:
    """Cluster company records; branches (same INN, other KPP) stay apart."""
    frame = companies.reset_index(drop=True)
    n = len(frame)
    inns, kpps = list(frame["inn"]), list(frame["kpp"])
    uf = _Clusters(list(range(n)), [{(inn, kpp)} if inn else set() for inn, kpp in zip(inns, kpps)],
                   [{c.lower()} if c else set() for c in frame["city"]])
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
    for name_key, members in _groups(list(frame["name_key"])).items():
        for i in members[1:]:
            if uf.compatible(members[0], i, same_city=True):
                uf.union(members[0], i, f"same name '{name_key}'")
    _join_on_contacts(frame, uf, "phones", "e164", "phone", name_similarity)
    _join_on_contacts(frame, uf, "emails", "email", "email", name_similarity)
    return Matched(frame.assign(**{CLUSTER: uf.labels()}), _links(frame, uf, "company"))


def _join_on_contacts(frame: pd.DataFrame, uf: _Clusters, column: str, attr: str, label: str,
                      name_similarity: int) -> None:
    """Merge records sharing a phone/email when their names are also alike."""
    values = [[getattr(v, attr) for v in items if getattr(v, attr)] for items in frame[column]]
    names = list(frame["name_key"])
    for value, members in _groups(values).items():
        for i in members[1:]:
            a = members[0]
            score = int(fuzz.token_set_ratio(names[a] or "", names[i] or ""))
            if score >= name_similarity and uf.compatible(a, i, same_city=False):
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


def match_contacts(contacts: pd.DataFrame, company_cluster_of: dict[tuple[str, str], int]) -> Matched:
    """Cluster contact records: same email or phone with agreeing names, or same name at one company."""
    frame = contacts.reset_index(drop=True)
    n = len(frame)
    uf = _Clusters(list(range(n)), [set() for _ in range(n)], [set() for _ in range(n)])
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
                if uf.find(a) != uf.find(i) and _names_agree(names[a], names[i]):
                    uf.union(a, i, "same name at the same company")
                    break
    return Matched(frame.assign(**{CLUSTER: uf.labels()}), _links(frame, uf, "contact"))
