"""Attach each contact to the company record it refers to, or say why it cannot be.

A mixed row's contact points at the company from the same row. A contacts-only
source refers by company key (same source first, then any other source), by
INN (the head office when branches share it; one mistyped digit or two swapped
digits still find a unique company), or by name — the matching key with legal
forms and branch labels removed, an entrepreneur's initials agreeing with his
full name, or a name at least ``NAME_SIMILARITY`` alike to exactly one company (of the names
sharing a word's first or last letters: a look-up never scans every company).

A reference that matches nothing *creates* the company from what it says (name,
INN) with a warning: a person is never quarantined because their company is not
found elsewhere. Only a reference to a company that is itself quarantined holds
the contact back with it. A contact with no reference at all is loaded without a company.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pandas as pd
from rapidfuzz import fuzz, process

from transforms.company_names import parse_company_name
from transforms.identifiers import normalise_inn
from transforms.matching.blocking import affixes
from transforms.matching.engine import stable_order
from transforms.matching.features import branch_label
from transforms.normalise import as_frame, normalise_companies
from vocabulary.digests import payload_json
from vocabulary.fields import (
    COMPANY_FIELDS,
    COMPANY_RECORD,
    CREATED_KEY_PREFIX,
    EXTRA,
    ISSUES,
    ORIGIN,
    PAYLOAD,
    REF_INN,
    REF_KEY,
    REF_NAME,
    REF_ROW,
    SOURCE,
    SOURCE_KEY,
)
from vocabulary.frames import frame_rows
from vocabulary.messages import text
from vocabulary.rejects import reject_record, rejects_frame

NAME_SIMILARITY = 85  # a referenced name this alike (0-100) to exactly one company's name is that company
MAX_AFFIX_KEYS = 2_000  # names sharing a word's affix: more, and the affix alone does not narrow the search
MAX_TYPO_SEARCH = 50_000  # INNs: above this, a mistyped INN is not looked for (the index would be too big)


Record = tuple[str, str]


def _memo(found: dict[str, Record | None], value: str, find: Callable[[str], Record | None]) -> Record | None:
    if value not in found:
        found[value] = find(value)
    return found[value]


class _Index:
    """Look-ups of company records by key, INN and name key."""

    def __init__(self, companies: pd.DataFrame) -> None:
        self.records: set[Record] = set()
        self.by_key: dict[str, list[Record]] = defaultdict(list)
        self.by_inn: dict[str, list[tuple[Record, str | None]]] = defaultdict(list)
        self.by_name: dict[str, list[Record]] = defaultdict(list)
        for src, key, inn, kpp, name_key in zip(
            companies[SOURCE], companies[SOURCE_KEY], companies["inn"], companies["kpp"], companies["name_key"]
        ):
            rec = (src, key)
            self.records.add(rec)
            self.by_key[key].append(rec)
            if inn:
                self.by_inn[inn].append((rec, kpp))
            if name_key:
                self.by_name[branch_label(name_key)[0]].append(rec)
        self.keys = sorted(self.by_name)
        self.by_surname: dict[str, list[str]] = defaultdict(list)
        # a fuzzy look-up compares a name with the names sharing a word's first or last letters, not with all
        self.by_affix: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            self.by_surname[key.split()[0]].append(key)
            for token in {t for word in key.split() for t in affixes(word)}:
                self.by_affix[token].append(key)
        # many contacts name the same company: each INN and name is looked up once. Plain dicts, not
        # functools.cache of a bound method: that would tie the index to itself in a cycle, and its
        # lists (millions at 1M records) would wait for the cyclic garbage collector after the stage.
        self._inn_found: dict[str, Record | None] = {}
        self._name_found: dict[str, Record | None] = {}
        self._one_off: dict[tuple[int, int, str], list[str]] | None = None

    def find(self, source: str, ref_row: object, key: str | None, inn: str | None, name: str | None) -> Record | None:
        if isinstance(ref_row, tuple):
            return ref_row if ref_row in self.records else None
        if key:
            same = [r for r in self.by_key.get(key, []) if r[0] == source]
            other = self.by_key.get(key, [])
            if same or len(other) == 1:
                return (same or other)[0]
        if inn:
            found = _memo(self._inn_found, inn, self._find_inn)
            if found:
                return found
        return _memo(self._name_found, name, self._find_name) if name else None

    def _find_inn(self, inn: str) -> Record | None:
        candidates = self.by_inn.get(inn)
        if not candidates:  # one digit mistyped or two swapped: only when that finds exactly one INN
            near = self._near_inns(inn) if len(self.by_inn) <= MAX_TYPO_SEARCH else []
            if len(near) != 1:
                return None
            candidates = self.by_inn[near[0]]
        head = [r for r, kpp in candidates if not kpp or kpp[4:6] == "01"]
        return (head or [r for r, _ in candidates])[0]

    def _near_inns(self, inn: str) -> list[str]:
        """Known INNs one substituted digit or one swap of neighbours away (OSA distance 1)."""
        if self._one_off is None:  # (length, position, the INN without that digit) → INNs
            self._one_off = defaultdict(list)
            for other in self.by_inn:
                for i in range(len(other)):
                    self._one_off[(len(other), i, other[:i] + other[i + 1 :])].append(other)
        dropped = ((len(inn), i, inn[:i] + inn[i + 1 :]) for i in range(len(inn)))
        near = {other for key in dropped for other in self._one_off.get(key, ())}
        near |= {
            swapped
            for i in range(len(inn) - 1)
            if (swapped := inn[:i] + inn[i + 1] + inn[i] + inn[i + 2 :]) in self.by_inn
        }
        near.discard(inn)
        return sorted(near)

    def _find_name(self, name: str) -> Record | None:
        key = branch_label(parse_company_name(name).match_key)[0]
        if not key:
            return None
        if key in self.by_name:
            return self.by_name[key][0]
        words = key.split()
        if len(words) >= 2 and all(len(w) == 1 for w in words[1:]):  # «ип акимов р н» ~ «акимов роман николаевич»
            people = [
                k
                for k in self.by_surname.get(words[0], ())
                if len(k.split()) == len(words) and all(p[0] == w for p, w in zip(k.split()[1:], words[1:]))
            ]
            if len(people) == 1:
                return self.by_name[people[0]][0]
        found = sorted((self.by_affix.get(t, []) for t in {t for w in words for t in affixes(w)}), key=len)
        rare = [keys for keys in found if len(keys) <= MAX_AFFIX_KEYS] or found[:1]  # «^стр»: not on its own
        candidates = sorted({k for keys in rare for k in keys})
        best = process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY, limit=2)
        if len(best) == 1 or (len(best) == 2 and best[0][1] > best[1][1]):
            return self.by_name[best[0][0]][0]
        return None


def _describe_ref(key: str | None, inn: str | None, name: str | None) -> str:
    parts = [text("validation.ref.key", key=key) if key else "", text("validation.ref.inn", inn=inn) if inn else ""]
    return ", ".join(p for p in [*parts, repr(name) if name else ""] if p)


def attach_companies(
    contacts: pd.DataFrame, valid_companies: pd.DataFrame, all_companies: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(contacts with ``company_record`` set, quarantine rows, companies created from unresolved references)."""
    if contacts.empty:
        return contacts.assign(**{COMPANY_RECORD: pd.Series(dtype=object)}), rejects_frame([]), valid_companies.iloc[:0]
    # records in content order: which of several same-named records is found must not depend on row order
    valid = _Index(stable_order(valid_companies))
    # no company quarantined: the same index (and its look-ups already made), not a second one of the same rows
    everything = valid if len(all_companies) == len(valid_companies) else _Index(stable_order(all_companies))
    found: list[Record | None] = []
    bad: list[dict] = []
    created: dict[Record, dict] = {}
    for row in frame_rows(contacts):
        refs = (row[REF_ROW], row[REF_KEY], row[REF_INN], row[REF_NAME])
        record = valid.find(row[SOURCE], *refs)
        if record is None and any(refs):
            quarantined = everything.find(row[SOURCE], *refs)
            if quarantined:
                bad.append(
                    reject_record(
                        row,
                        "contact",
                        [text("validation.ref.company_quarantined", company=_origin(all_companies, quarantined))],
                    )
                )
            elif not isinstance(refs[0], tuple):
                record = _reference_company(row, created)
        found.append(record)
    out = contacts.assign(**{COMPANY_RECORD: pd.Series(found, index=contacts.index, dtype=object)})
    bad_keys = {(b["source"], b["source_key"]) for b in bad}
    keep = [(s, k) not in bad_keys for s, k in zip(out[SOURCE], out[SOURCE_KEY])]
    return out[keep], rejects_frame(bad), _created_frame(list(created.values()), valid_companies)


def _reference_company(row: dict, created: dict[Record, dict]) -> Record:
    """The company a contact names but no source holds, made from the reference (one per reference)."""
    key, inn, name = row[REF_KEY], row[REF_INN], row[REF_NAME]
    name_key = parse_company_name(name).match_key if name else None
    record = (row[SOURCE], CREATED_KEY_PREFIX + (normalise_inn(inn).value or inn if inn else name_key or key or ""))
    if record not in created:
        warning = text("validation.ref.company_created", company=_describe_ref(key, inn, name), origin=row[ORIGIN])
        created[record] = {
            SOURCE: record[0],
            SOURCE_KEY: record[1],
            ORIGIN: row[ORIGIN],
            **{f: None for f in COMPANY_FIELDS},
            "name": name or (f"ИНН {inn}" if inn else key),
            "inn": inn,
            EXTRA: {},
            PAYLOAD: payload_json({"reference": _describe_ref(key, inn, name)}),
            ISSUES: [warning],
        }
    return record


def _created_frame(rows: list[dict], like: pd.DataFrame) -> pd.DataFrame:
    if not rows:
        return like.iloc[:0]
    issues = [r.pop(ISSUES) for r in rows]
    frame = normalise_companies(as_frame({k: [r[k] for r in rows] for k in rows[0]}), {r[SOURCE]: "RU" for r in rows})
    frame[ISSUES] = [a + b for a, b in zip(frame[ISSUES], issues)]
    return frame


def _origin(companies: pd.DataFrame, record: Record) -> str:
    hit = companies[(companies[SOURCE] == record[0]) & (companies[SOURCE_KEY] == record[1])]
    return f"{record[0]} {hit[ORIGIN].iloc[0]}" if len(hit) else f"{record[0]}:{record[1]}"
