"""Attach each contact to the company record it refers to, or say why it cannot be.

A mixed row's contact points at the company from the same row. A contacts-only
source refers by company key (same source first, then any other source), by
INN (the head office when branches share it), or by name. A contact whose
reference matches nothing is quarantined: a consultant must decide where that
person belongs. A contact with no reference at all is loaded without a company.
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from transforms.company_names import parse_company_name
from vocabulary.fields import COMPANY_RECORD, ORIGIN, REF_INN, REF_KEY, REF_NAME, REF_ROW, SOURCE, SOURCE_KEY
from vocabulary.rejects import empty_rejects, reject_record, rejects_frame

Record = tuple[str, str]


class _Index:
    """Look-ups of company records by key, INN and name key."""

    def __init__(self, companies: pd.DataFrame) -> None:
        self.records: set[Record] = set()
        self.by_key: dict[str, list[Record]] = defaultdict(list)
        self.by_inn: dict[str, list[tuple[Record, str | None]]] = defaultdict(list)
        self.by_name: dict[str, list[Record]] = defaultdict(list)
        for src, key, inn, kpp, name_key in zip(companies[SOURCE], companies[SOURCE_KEY], companies["inn"],
                                                companies["kpp"], companies["name_key"]):
            rec = (src, key)
            self.records.add(rec)
            self.by_key[key].append(rec)
            if inn:
                self.by_inn[inn].append((rec, kpp))
            if name_key:
                self.by_name[name_key].append(rec)

    def find(self, source: str, ref_row: object, key: str | None, inn: str | None,
             name: str | None) -> Record | None:
        if isinstance(ref_row, tuple):
            return ref_row if ref_row in self.records else None
        if key:
            same = [r for r in self.by_key.get(key, []) if r[0] == source]
            other = self.by_key.get(key, [])
            if same or len(other) == 1:
                return (same or other)[0]
        if inn and inn in self.by_inn:
            candidates = self.by_inn[inn]
            head = [r for r, kpp in candidates if not kpp or kpp[4:6] == "01"]
            return (head or [r for r, _ in candidates])[0]
        name_key = parse_company_name(name).match_key if name else None
        if name_key and name_key in self.by_name:
            return self.by_name[name_key][0]
        return None


def _describe_ref(key: str | None, inn: str | None, name: str | None) -> str:
    parts = [f"key {key!r}" if key else "", f"INN {inn}" if inn else "", repr(name) if name else ""]
    return ", ".join(p for p in parts if p)


def attach_companies(contacts: pd.DataFrame, valid_companies: pd.DataFrame,
                     all_companies: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts with ``company_record`` set, quarantine rows for references that fail)."""
    if contacts.empty:
        return contacts.assign(**{COMPANY_RECORD: pd.Series(dtype=object)}), empty_rejects()
    valid, everything = _Index(valid_companies), _Index(all_companies)
    found: list[Record | None] = []
    bad: list[dict] = []
    for row in contacts.to_dict("records"):
        refs = (row[REF_ROW], row[REF_KEY], row[REF_INN], row[REF_NAME])
        record = valid.find(row[SOURCE], *refs)
        found.append(record)
        if record is None and any(refs):
            quarantined = everything.find(row[SOURCE], *refs)
            reason = (f"its company {_origin(all_companies, quarantined)} is quarantined" if quarantined
                      else f"company {_describe_ref(*refs[1:])} not found in any source")
            bad.append(reject_record(row, "contact", [reason]))
    out = contacts.assign(**{COMPANY_RECORD: pd.Series(found, index=contacts.index, dtype=object)})
    bad_keys = {(b["source"], b["source_key"]) for b in bad}
    keep = [(s, k) not in bad_keys for s, k in zip(out[SOURCE], out[SOURCE_KEY])]
    return out[keep], rejects_frame(bad)


def _origin(companies: pd.DataFrame, record: Record) -> str:
    hit = companies[(companies[SOURCE] == record[0]) & (companies[SOURCE_KEY] == record[1])]
    return f"{record[0]} {hit[ORIGIN].iloc[0]}" if len(hit) else f"{record[0]}:{record[1]}"
