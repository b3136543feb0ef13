"""Golden records: one per cluster, field by field from its source records.

Survivorship is chosen per field (``matching.survivorship`` in migration.yaml):

* ``source_priority`` — the first non-empty value in source order (the order of
  ``sources:``), then the matcher's record order;
* ``most_complete`` — the longest value (an address with the house number, the full
  legal name), ties by source order;
* ``most_recent`` — the value of the most recently changed record, when the records carry
  a ``_updated`` time (else as ``source_priority``);
* ``valid`` — a value no warning was raised about (``_issues``), then source order.

Phones and e-mails are the union of all records. ``provenance`` names, per field, the
source record its value came from (``source:key``). A branch (a cluster whose KPP is not
a head-office KPP) points at the head office cluster with the same INN.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from transforms.matching import CLUSTER
from vocabulary.digests import payload_hash
from vocabulary.fields import (
    COMPANY_RECORD,
    EXTRA,
    ISSUES,
    ORIGIN,
    PAYLOAD,
    SOURCE,
    SOURCE_KEY,
)
from vocabulary.fields import (
    CRM_COMPANY_COLUMNS as COMPANY_COLUMNS,
)
from vocabulary.fields import (
    CRM_CONTACT_COLUMNS as CONTACT_COLUMNS,
)
from vocabulary.frames import frame_rows
from vocabulary.members import Member

MEMBERS = "members"
ROWS_AT_ONCE = 50_000  # source records turned into dicts together to make their clusters' golden records


def _clusters(matched: pd.DataFrame, priority: Mapping[str, int]) -> Iterator[tuple[int, list[dict]]]:
    """Records per cluster as plain dicts, best source first (then file order), clusters in order.

    Plain dicts, not pandas groups: iterating 100k small groups of a DataFrame costs minutes. Made about
    ``ROWS_AT_ONCE`` records at a time (whole clusters): a dict per record of a million is a gigabyte.
    """
    if matched.empty:
        return
    clusters = matched[CLUSTER].to_numpy(dtype=np.int64)
    rank = np.fromiter((priority.get(src, len(priority)) for src in matched[SOURCE]), dtype=np.int64)
    order = np.lexsort((np.arange(len(matched)), rank, clusters))  # by cluster, then source, then file order
    ordered = clusters[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # where each cluster begins
    bounds = [*starts[:: max(1, len(starts) * ROWS_AT_ONCE // len(matched))].tolist(), len(matched)]
    for start, end in zip(bounds, bounds[1:]):
        group: list[dict] = []
        for record in frame_rows(matched.take(order[start:end])):
            if group and record[CLUSTER] != group[0][CLUSTER]:
                yield group[0][CLUSTER], group
                group = []
            group.append(record)
        if group:
            yield group[0][CLUSTER], group


SURVIVORSHIP_RULES = ("source_priority", "most_complete", "most_recent", "valid")


def _present(value: object) -> bool:
    return value is not None and value == value and value != ""  # not None, not NaN


def _pick(group: list[dict], col: str, rule: str) -> dict | None:
    """The record whose value of ``col`` survives (``group`` is in source priority order)."""
    filled = [r for r in group if _present(r.get(col))]
    if not filled:
        return None
    if rule == "most_complete":
        return max(filled, key=lambda r: len(str(r[col])))  # max keeps the first of equals: source order
    if rule == "most_recent" and any(_present(r.get("_updated")) for r in filled):
        return max(filled, key=lambda r: str(r.get("_updated") or ""))
    if rule == "valid":
        clean = [r for r in filled if not any(str(i).startswith((f"{col} ", f"{col}:")) for i in r[ISSUES])]
        return (clean or filled)[0]
    return filled[0]


def _survive(group: list[dict], columns: tuple[str, ...], rules: Mapping[str, str]) -> dict:
    if len(group) == 1:  # most clusters: every rule picks the one record's present values
        only = group[0]
        present = [col for col in columns if _present(only.get(col))]
        out = dict.fromkeys(columns) | {col: only[col] for col in present}
        provenance = dict.fromkeys(present, f"{only[SOURCE]}:{only[SOURCE_KEY]}")
    else:
        out, provenance = {}, {}
        for col in columns:
            chosen = _pick(group, col, rules.get(col, "source_priority"))
            out[col] = chosen[col] if chosen else None
            if chosen:
                provenance[col] = f"{chosen[SOURCE]}:{chosen[SOURCE_KEY]}"
    out["provenance"] = provenance
    phones: dict = {}
    emails: dict = {}
    extra: dict = {}
    for r in group:
        for p in r["phones"]:
            phones.setdefault(p.e164 or p.raw, p)
        for e in r["emails"]:
            if e.email:
                emails.setdefault(e.email, e)
        for k, v in r[EXTRA].items():
            extra.setdefault(k, v)
    out["phones"] = [(p.e164, p.extension, p.kind, p.raw) for p in phones.values()]
    out["emails"] = list(emails)
    out["extra"] = extra
    out[ISSUES] = [i for r in group for i in r[ISSUES]]
    out[MEMBERS] = [
        Member(r[SOURCE], r[SOURCE_KEY], r[ORIGIN], payload_hash(r[PAYLOAD]), r[PAYLOAD], r[ISSUES]) for r in group
    ]
    return out


def golden_companies(
    matched: pd.DataFrame, priority: Mapping[str, int], rules: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per company cluster, with ``parent_cluster`` for branches; ``rules``: field → survivorship rule."""
    rows = []
    for cluster, group in _clusters(matched, priority):
        rows.append({CLUSTER: cluster, **_survive(group, COMPANY_COLUMNS, rules or {})})
    golden = pd.DataFrame(
        rows,
        columns=[CLUSTER, *COMPANY_COLUMNS, "phones", "emails", "extra", ISSUES, MEMBERS, "provenance"],
        dtype=object,
    )
    heads: dict[str, list[int]] = {}
    for cluster, inn, kpp in zip(golden[CLUSTER], golden["inn"], golden["kpp"]):
        if inn and (not kpp or kpp[4:6] == "01"):
            heads.setdefault(inn, []).append(cluster)
    golden["parent_cluster"] = pd.Series(
        [
            heads[inn][0] if inn and kpp and kpp[4:6] != "01" and len(heads.get(inn, [])) == 1 else None
            for inn, kpp in zip(golden["inn"], golden["kpp"])
        ],
        index=golden.index,
        dtype=object,
    )
    return golden


def golden_contacts(
    matched: pd.DataFrame,
    company_cluster_of: Mapping[tuple[str, str], int],
    priority: Mapping[str, int],
    rules: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per person; ``company_cluster`` from the highest-priority record, all in ``company_clusters``."""
    rows = []
    for cluster, group in _clusters(matched, priority):
        companies = [company_cluster_of[r[COMPANY_RECORD]] for r in group if isinstance(r[COMPANY_RECORD], tuple)]
        rows.append(
            {
                CLUSTER: cluster,
                **_survive(group, CONTACT_COLUMNS, rules or {}),
                "company_cluster": companies[0] if companies else None,
                "company_clusters": sorted(set(companies)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            CLUSTER,
            *CONTACT_COLUMNS,
            "phones",
            "emails",
            "extra",
            ISSUES,
            MEMBERS,
            "provenance",
            "company_cluster",
            "company_clusters",
        ],
        dtype=object,
    )
