"""Why crm-migrate missed true duplicates: a diagnostic over a finished ``bench.quality`` run.

    python -m bench.quality.misses --data bench/data/quality_2000 [--entity company] [--show 20]

For every true company (person) split over several CRM records, each fragment but the largest
is a *miss*. Misses are counted by the generator's trap on the fragment's records and by what
the run said about them: a review pair to the main fragment (``review``), or nothing
(``silent`` — no candidate, a weak score or a rule's refusal). Wrong merges (two true
entities in one CRM record) are counted the same way. Examples print the records as written.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections import Counter
from pathlib import Path

import pandas as pd

TRUE_ID = {"company": "company_id", "contact": "person_id"}


def _frames(data: Path, entity: str) -> tuple[pd.DataFrame, set[frozenset]]:
    truth = pd.read_csv(data / "truth.csv", dtype=str, keep_default_na=False)
    truth = truth[truth["entity"] == entity]
    with sqlite3.connect(data / "crm.db") as con:
        links = pd.read_sql(
            "select source, source_key, crm_id from source_links where entity = ?", con, params=(entity,)
        )
        pairs = pd.read_sql(
            "select left_source, left_key, right_source, right_key from review_pairs where entity = ?",
            con,
            params=(entity,),
        )
    frame = truth.merge(links.astype(str), on=["source", "source_key"], how="left")
    frame["crm_id"] = frame["crm_id"].fillna("q:" + frame["record_id"])
    reviewed = {
        frozenset({(ls, lk), (rs, rk)})
        for ls, lk, rs, rk in zip(pairs["left_source"], pairs["left_key"], pairs["right_source"], pairs["right_key"])
    }
    return frame, reviewed


def _describe(rows: pd.DataFrame) -> str:
    return " | ".join(
        f"{s}:{k} «{w}» inn={i or '-'} {t}"
        for s, k, w, i, t in rows[["source", "source_key", "as_written", "inn_written", "trap"]].itertuples(
            index=False, name=None
        )
    )


def misses(data: Path, entity: str, show: int) -> None:
    frame, reviewed = _frames(data, entity)
    true_id = TRUE_ID[entity]
    by_kind: Counter = Counter()
    examples: list[str] = []
    for _, group in frame.groupby(true_id):
        sizes = group["crm_id"].value_counts()
        if len(sizes) < 2:
            continue
        main = group[group["crm_id"] == sizes.index[0]]
        main_keys = set(zip(main["source"], main["source_key"]))
        for crm_id in sizes.index[1:]:
            part = group[group["crm_id"] == crm_id]
            keys = set(zip(part["source"], part["source_key"]))
            said = "review" if any(frozenset({a, b}) in reviewed for a in keys for b in main_keys) else "silent"
            trap = ",".join(sorted({t for t in part["trap"] if t})) or "-"
            by_kind[(said, trap)] += len(part)
            if said == "silent" and len(examples) < show:
                examples.append(f"MAIN {_describe(main.head(3))}\n  MISS {_describe(part)}")
    print(f"{entity}: missed records by (what the run said, trap)")
    for (said, trap), n in by_kind.most_common():
        print(f"  {n:6d}  {said:7s} {trap}")
    wrong: Counter = Counter()
    for _, group in frame.groupby("crm_id"):
        ids = group[true_id].value_counts()
        if len(ids) > 1:
            for true in ids.index[1:]:
                wrong[",".join(sorted({t for t in group[group[true_id] == true]["trap"] if t})) or "-"] += 1
    print(f"{entity}: wrong merges (extra true entities in a CRM record) by trap: {dict(wrong.most_common())}")
    for e in examples:
        print(e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--entity", choices=sorted(TRUE_ID), action="append")
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    for entity in args.entity or sorted(TRUE_ID):
        misses(args.data, entity, args.show)


if __name__ == "__main__":
    main()
