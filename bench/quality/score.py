"""Judge a clustering of source records against the ground truth: pairwise P/R/F1, hard rules, order.

A clustering is a frame of truth records with a ``cluster`` column (records a tool did not
output get a cluster of their own). Pair counts come from cluster-size contingency tables —
``sum(C(n, 2))`` over predicted clusters, true clusters and their intersections — so 100,000
companies never need a quadratic list of pairs.
"""

from __future__ import annotations

import pandas as pd

TRUE_ID = {"company": "company_id", "contact": "person_id"}


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(frame: pd.DataFrame, entity: str) -> dict:
    """Precision, recall and F1 over record pairs of one entity."""
    true_id = TRUE_ID[entity]
    predicted = _pairs(frame.groupby("cluster").size())
    true = _pairs(frame.groupby(true_id).size())
    hit = _pairs(frame.groupby(["cluster", true_id]).size())
    precision = hit / predicted if predicted else 1.0
    recall = hit / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": len(frame),
        "clusters": int(frame["cluster"].nunique()),
        "true_clusters": int(frame[true_id].nunique()),
        "predicted_pairs": predicted,
        "true_pairs": true,
        "correct_pairs": hit,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _clusters_with(frame: pd.DataFrame, column: str, at_least: int = 2) -> int:
    values = frame[frame[column].astype(bool)]
    return int((values.groupby("cluster")[column].nunique() >= at_least).sum())


def company_violations(frame: pd.DataFrame) -> dict:
    """Clusters (output companies) breaking a hard rule, by rule."""
    legal = frame[frame["company_inn"].astype(bool) & frame["company_kpp"].astype(bool)]
    per_inn = legal.groupby(["cluster", "company_inn"])["company_kpp"].nunique()
    branch_clusters = per_inn[per_inn > 1].index.get_level_values(0).nunique()
    wrong_inn = frame[frame["company_inn"].astype(bool)].groupby("cluster")["company_inn"].nunique()
    return {
        "two_valid_inns_written": _clusters_with(frame, "inn_written"),
        "head_office_and_branch": int(branch_clusters),
        "entrepreneur_and_legal": _clusters_with(frame, "company_type"),
        "two_true_inns": int((wrong_inn > 1).sum()),
    }


def contact_violations(frame: pd.DataFrame) -> dict:
    first = frame.assign(first=frame["first_name"].str.casefold().str.replace("ё", "е"))
    return {"two_first_names": _clusters_with(first, "first")}


def violations(frame: pd.DataFrame, entity: str) -> dict:
    return company_violations(frame) if entity == "company" else contact_violations(frame)


def partition(frame: pd.DataFrame) -> set[frozenset[str]]:
    """The clustering as sets of ``record_id`` — comparable across row orders and source keys."""
    return {frozenset(ids) for ids in frame.groupby("cluster")["record_id"].agg(lambda s: frozenset(s)).tolist()}


def differing_records(a: pd.DataFrame, b: pd.DataFrame) -> int:
    """How many records sit in a cluster that is not identical in both clusterings."""
    pa, pb = partition(a), partition(b)
    return sum(len(c) for c in pa ^ pb) // 2 if pa != pb else 0


def with_singletons(truth: pd.DataFrame, clusters: pd.Series) -> pd.DataFrame:
    """Truth records with their cluster label; records missing from ``clusters`` are singletons."""
    frame = truth.copy()
    labels = frame["record_id"].map(clusters)
    frame["cluster"] = labels.where(labels.notna(), "missing:" + frame["record_id"]).astype(str)
    return frame
