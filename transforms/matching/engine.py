"""One matching run, the same for companies and people: block, score, cluster, explain.

1. records in a content order (``stable_order``), so nothing depends on row order;
2. candidate pairs from the entity's blocking rules;
3. comparison levels per pair, u measured on random pairs, m and λ by EM, the pair's
   match weight with term frequencies, its probability;
4. the entity's *caps* (a pair that may be reviewed but not merged automatically, or
   not even reviewed);
5. one deterministic clustering pass under the hard rules, then one review pair per pair
   of clusters;
6. every merge and every review pair explained field by field, in the client's language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from transforms.matching.blocking import BlockReport, Candidates
from transforms.matching.clusters import (
    DECIDED,
    ClusterState,
    Outcome,
    Scored,
    cluster,
    review_edges,
)
from transforms.matching.comparisons import Comparison, PairView, gammas
from transforms.matching.model import Model, probability
from transforms.matching.rules import Facet
from vocabulary.fields import SOURCE, SOURCE_KEY
from vocabulary.messages import text
from vocabulary.pairs import LINK_COLUMNS, Record, pair_key

CLUSTER = "cluster"
WEIGHTS = "weights"  # per-field match weights (bits) of a link or review pair: its explanation as data


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities (0–1): from ``review`` a pair goes to a person, from ``auto_merge`` it merges."""

    review: float
    auto_merge: float


@dataclass
class Matched:
    frame: pd.DataFrame  # the records (stable-key order) with a ``cluster`` column
    links: pd.DataFrame  # LINK_COLUMNS + weights: one row per merge, with its explanation
    review: pd.DataFrame  # LINK_COLUMNS + weights: pairs awaiting a reviewer's decision
    ignored_decisions: list[str] = field(default_factory=list)  # "same" decisions a hard rule refused
    stats: dict = field(default_factory=dict)  # blocking, model and rule counts, for metadata and benchmarks
    model: Model | None = None  # what the run learnt (or was given), for the matching index
    splits: list[str] = field(default_factory=list)  # stored clusters a hard rule split (a sync)
    index: dict = field(default_factory=dict)  # the matching index's rows and model entry (index.py)


def cluster_of(matched: pd.DataFrame) -> dict[Record, int]:
    """(source, source_key) → cluster, for records that went through a matcher."""
    return dict(zip(zip(matched[SOURCE], matched[SOURCE_KEY]), matched[CLUSTER]))


def stable_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The records in the one order every result is computed in: by source, then by what the record
    says (a hash of its canonical fields), then by key — so a file whose rows are keyed by their
    position (``Клиенты!12``) or whose mixed rows carry another person gives the same result in any order."""
    fields = [c for c in frame.columns if not c.startswith("_") and c != CLUSTER]
    rows = frame[fields].itertuples(index=False, name=None)
    content = [hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest() for row in rows]
    order = frame.assign(_content=content).sort_values([SOURCE, "_content", SOURCE_KEY], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


@dataclass
class Caps:
    """What the probability alone may not decide, per candidate pair (an entity's ``caps``)."""

    may_merge: np.ndarray  # bool: no cap keeps the pair from merging automatically
    may_review: np.ndarray  # bool: worth a reviewer's look at all
    notes: Callable[[int], list[str]]  # pair → the caps' extra reasons, for its explanation
    settled: np.ndarray  # bool: the identifiers alone say one entity
    no_rival: np.ndarray  # bool: the records say two entities (other names), or cannot say which: never a rival
    # per side (left, right): for that side's record the other is no rival (it says which one it is itself)
    aside: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class Entity:
    """What differs between companies and people."""

    name: str  # "company" | "contact"
    comparisons: tuple[Comparison, ...]
    facets: Sequence[Facet]
    shown: dict[str, Callable[[int, int], str]]  # comparison field → the two values, as a reader sees them
    # (view, gammas, pairs worth a look) → the caps; costly checks need only be made on the pairs worth a look
    caps: Callable[[PairView, np.ndarray, np.ndarray], Caps]
    exact_values: dict[str, list]  # features whose u is the exact collision chance
    # EM sessions: (blocking rules whose pairs are used, comparisons whose m is learnt on them)
    sessions: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()


def show_pair(features: dict, name: str) -> Callable[[int, int], str]:
    """How an explanation shows two records' values of a feature: «a», or «a» / «b»."""
    column = features[name]
    return lambda a, b: f"«{column[a]}»" if column[a] == column[b] else f"«{column[a]}» / «{column[b]}»"


def show_shared(features: dict, name: str) -> Callable[[int, int], str]:
    """The values two records share of a multi-valued feature (their phones, e-mails)."""
    values = features[f"{name}_values"]
    return lambda a, b: ", ".join(sorted(set(values[a]) & set(values[b]))[:2])


def level_mask(comparisons: tuple[Comparison, ...]) -> Callable[..., np.ndarray]:
    """``mask(g, field, *levels)``: the pairs whose comparison of ``field`` is at one of ``levels``."""
    column = {c.field: i for i, c in enumerate(comparisons)}
    index = {c.field: {lv.name: i for i, lv in enumerate(c.levels)} for c in comparisons}

    def mask(g: np.ndarray, field: str, *levels: str) -> np.ndarray:
        return np.isin(g[:, column[field]], [index[field][lv] for lv in levels])

    return mask


def _empty_links() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*LINK_COLUMNS, WEIGHTS)})


def _decisions(
    records: list[Record], entity: str, decisions: pd.DataFrame | None
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(same pairs, different pairs) as record indices; decisions on records no longer read are skipped."""
    if decisions is None or decisions.empty:
        return [], []
    index = {rec: i for i, rec in enumerate(records)}
    same, different = [], []
    for d in decisions[decisions["entity"] == entity].to_dict("records"):
        a, b = index.get((d["left_source"], d["left_key"])), index.get((d["right_source"], d["right_key"]))
        if a is not None and b is not None and a != b:
            (same if d["decision"] == "same" else different).append((min(a, b), max(a, b)))
    return same, different


def _signed(weight: float) -> str:
    return f"{weight:+.1f}".replace("-", "−")


def explain(
    entity: Entity, g_row: np.ndarray, w_row: np.ndarray, a: int, b: int, p: float, extra: Sequence[str] = ()
) -> tuple[str, dict[str, float]]:
    """A pair's reasons (probability, then each known field's level, values and weight) and its weights."""
    terms = [text("matching.probability", p=f"{100 * p:.1f}".rstrip("0").rstrip("."))]
    weights: dict[str, float] = {}
    for c, comparison in enumerate(entity.comparisons):
        if g_row[c] < 0:
            continue
        level = comparison.levels[g_row[c]].name
        shown = entity.shown.get(comparison.field)
        values = shown(a, b) if shown else ""
        weights[comparison.field] = round(float(w_row[c]), 2)
        terms.append(
            text(
                "matching.term",
                field=text(f"matching.field.{comparison.field}"),
                level=text(f"matching.level.{level}"),
                values=f" {values}" if values else "",
                weight=_signed(float(w_row[c])),
            )
        )
    return "; ".join([*terms, *extra]), weights


def run(
    entity: Entity,
    frame: pd.DataFrame,
    features: dict[str, object],
    pairs: Candidates,
    report: BlockReport,
    thresholds: Thresholds,
    decisions: pd.DataFrame | None,
    partial: list[bool] | None = None,
    model: Model | None = None,
    kept: Sequence[tuple[int, int]] = (),
) -> Matched:
    """Score ``pairs`` of ``frame`` (stable order), cluster them under the hard rules, explain the result.

    A sync passes the ``model`` the full run learnt (a few records cannot teach one) and the stored
    clusters' unions (``kept``), so the clusters it touches stay as they were unless a rule says otherwise.
    """
    n = len(frame)
    records = list(zip(frame[SOURCE], frame[SOURCE_KEY]))
    a, b = pairs.a, pairs.b
    view = PairView(features, a, b)
    g = gammas(entity.comparisons, view)
    if model is None:
        model = Model.prior(entity.comparisons)
        model.estimate_u(features, n, entity.exact_values)
        for rules, learn in entity.sessions:
            model.estimate_m(g[pairs.found_by(rules)], set(learn))
        model.estimate_lambda(g, n)
    prior = model.prior_weight()
    # the levels are known: of the comparisons' per-pair values only the shared values' frequencies are
    # read again (by the weights); the caps ask for the few others they need anew
    view.forget(keep=("shared",))
    total = model.pair_totals(g, view) + prior
    p = probability(total)
    caps = entity.caps(view, g, p >= thresholds.review)
    view.forget()  # the pairs' values and similarities: what clustering needs is in g and p
    scored = Scored(
        a,
        b,
        total,
        (p >= thresholds.auto_merge) & caps.may_merge,
        (p >= thresholds.review) & caps.may_review,
        (total >= prior) & caps.may_merge,
        (p >= thresholds.auto_merge) & ~caps.no_rival,
        caps.settled,
        caps.aside,
    )

    state = ClusterState(entity.facets, {f.name: features[f.name] for f in entity.facets}, partial)
    same, different = _decisions(records, entity.name, decisions)
    for x, y in different:
        state.forbid(x, y)
    outcome = cluster(state, scored, same, kept)
    labels = outcome.labels
    decided = _decided_mask(a, b, n, same + different)
    reviewed = review_edges(state, scored, outcome, labels, decided)

    # the per-field weights of the pairs explained (merged or for review), from a view of those pairs only
    explained = np.unique(np.array([e for _, _, e in outcome.merged if e >= 0] + list(reviewed), dtype=np.int64))
    w = Explained(explained, model.pair_weights(g[explained], PairView(features, a[explained], b[explained])))
    links = _link_rows(entity, records, outcome, g, w, p, a, b, caps.notes)
    review = _review_rows(entity, records, reviewed, outcome, g, w, p, a, b, caps.notes)
    ignored = _pair_notes("matching.ignored_decision", entity.name, records, outcome.ignored_decisions)
    splits = _pair_notes("matching.split", entity.name, records, outcome.split)
    stats = {
        "pairs_scored": len(a),
        "pairs_by_rule": dict(report.pairs),
        "oversized_blocks": dict(report.oversized),
        "oversized_block_records": dict(report.oversized_records),
        "refused_by_rule": _count(rule for _, rule in outcome.refused),
        "ambiguous_pairs": len(outcome.demoted),
        "lambda": round(model.lam, 4),
        "prior_weight": round(prior, 2),
        "m": {c.field: [round(float(x), 4) for x in m] for c, m in zip(entity.comparisons, model.m)},
        "u": {c.field: [float(f"{x:.3g}") for x in u] for c, u in zip(entity.comparisons, model.u)},
    }
    return Matched(frame.assign(**{CLUSTER: labels}), links, review, ignored, stats, model, splits)


def _pair_notes(key: str, entity: str, records: list[Record], pairs: list[tuple[int, int, str]]) -> list[str]:
    """One line per pair of records and the rule that concerns them (a refused decision, a split)."""
    return [
        text(
            key,
            entity=entity,
            left=f"{records[x][0]}:{records[x][1]}",
            right=f"{records[y][0]}:{records[y][1]}",
            rule=text(f"matching.rule.{rule}"),
        )
        for x, y, rule in pairs
    ]


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def _decided_mask(a: np.ndarray, b: np.ndarray, n: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.zeros(len(a), dtype=bool)
    codes = np.array([x * n + y for x, y in pairs], dtype=np.int64)
    return np.isin(a.astype(np.int64) * n + b, codes)


def _row(entity: str, records: list[Record], x: int, y: int, score: int, reasons: str, weights: dict) -> tuple:
    return (*pair_key(entity, records[x], records[y]), score, reasons, weights)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*LINK_COLUMNS, WEIGHTS], dtype=object) if rows else _empty_links()


@dataclass
class Explained:
    """Per-field weights of some pairs: ``edges`` (sorted pair numbers) and their rows of weights."""

    edges: np.ndarray
    weights: np.ndarray

    def __getitem__(self, e: int) -> np.ndarray:
        return self.weights[np.searchsorted(self.edges, e)]


def _link_rows(
    entity: Entity,
    records: list[Record],
    outcome: Outcome,
    g: np.ndarray,
    w: Explained,
    p: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    extra: Callable[[int], list[str]],
) -> pd.DataFrame:
    rows = []
    for x, y, e in outcome.merged:
        if e < 0:
            reason = text("matching.decided_same" if e == DECIDED else "matching.kept_together")
            rows.append(_row(entity.name, records, x, y, 100, reason, {}))
            continue
        x, y = sorted((x, y), key=records.__getitem__)
        reasons, weights = explain(entity, g[e], w[e], x, y, float(p[e]), extra(e))
        rows.append(_row(entity.name, records, x, y, int(p[e] * 100), reasons, weights))
    return _frame(rows)


def _review_rows(
    entity: Entity,
    records: list[Record],
    reviewed: list[int],
    outcome: Outcome,
    g: np.ndarray,
    w: Explained,
    p: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    extra: Callable[[int], list[str]],
) -> pd.DataFrame:
    refused = dict(outcome.refused)
    ambiguous = set(outcome.demoted.tolist())
    rows = []
    for e in reviewed:
        more = list(extra(e))
        if e in refused:
            more.append(text("matching.refused", rule=text(f"matching.rule.{refused[e]}")))
        if e in ambiguous:
            more.append(text("matching.ambiguous"))
        x, y = sorted((int(a[e]), int(b[e])), key=records.__getitem__)
        reasons, weights = explain(entity, g[e], w[e], x, y, float(p[e]), more)
        rows.append(_row(entity.name, records, x, y, int(p[e] * 100), reasons, weights))
    return _frame(rows)
