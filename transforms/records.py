"""A source table + its column mapping → canonical company and contact records.

Pure: no I/O. Every non-empty row becomes a record or a reject with a reason;
nothing is dropped silently. Multi-value fields (phone, email) from several
columns are joined with newlines, to be split by the normalisers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from transforms.cells import failure
from transforms.column_mapping import ColumnMapping, find_column
from transforms.tables import ROW_COLUMN, SourceTable
from vocabulary.digests import payload_json
from vocabulary.fields import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    EXTRA,
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
from vocabulary.rejects import reject, rejects_frame

CONTACT_REFS = {"key": REF_KEY, "inn": REF_INN, "name": REF_NAME}
# What makes a mixed row's contact a person: without one of these, no contact is made.
PERSON_FIELDS = ("full_name", "last_name", "first_name", "middle_name", "position")


@dataclass
class SourceRecords:
    companies: pd.DataFrame
    contacts: pd.DataFrame
    rejects: pd.DataFrame  # QUARANTINE_COLUMNS


def _clean(value: object) -> str | None:
    """Trimmed text or None; NUL characters (PostgreSQL refuses them in text) are removed."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def _field(payload: dict[str, str], columns: list[str]) -> str | None:
    """The cleaned values of ``columns`` (``payload``: a row's non-empty cleaned cells), one per line."""
    values = [payload[c] for c in columns if c in payload]
    return "\n".join(dict.fromkeys(values)) or None


def record_key_column(mapping: ColumnMapping, key_column: str | None) -> str | None:
    """The column holding the records' keys: the config's ``key:``, else the one mapped to ``key``."""
    own = mapping.company if mapping.entity != "contacts" else mapping.contact
    return key_column or (own.get("key") or [None])[0]


def _header_word(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def rejected_row_key(header: Sequence[str | None], key_column: str | None, cells: Sequence[str | None]) -> str | None:
    """The key a row the reader rejected holds in the key column, read from its best-effort ``cells``.

    ``header`` is the header row as in the file (one name per position). None when the
    table has no key column, the column is not found, or the row has no value there.
    """
    if key_column is None:
        return None
    names = [_header_word(h) for h in header]
    wanted = _header_word(key_column)
    if wanted not in names:
        return None
    position = names.index(wanted)
    return _clean(cells[position]) if position < len(cells) else None


def table_to_records(
    table: SourceTable, mapping: ColumnMapping, *, source: str, key_column: str | None, label: Callable[[int], str]
) -> SourceRecords:
    """Records of one table; ``label(row)`` names a row for people ("Клиенты!12")."""
    headers = [c for c in table.frame.columns if c != ROW_COLUMN]
    key_column = (
        find_column(key_column, headers, table.groups, text("mapping.key_column"))
        if key_column
        else record_key_column(mapping, None)
    )
    mapped = {c for m in (mapping.company, mapping.contact) for cols in m.values() for c in cols}
    unmapped = [h for h in headers if h not in mapped and h != key_column]

    companies: list[dict] = []
    contacts: list[dict] = []
    rejects: list[dict] = []
    rows = frame_rows(table.frame)
    company_columns = {f: cols for f in COMPANY_FIELDS if (cols := mapping.company.get(f))}
    contact_columns = {f: cols for f in CONTACT_FIELDS if (cols := mapping.contact.get(f))}
    keys = [(_clean(r.get(key_column)) if key_column else None) or label(r[ROW_COLUMN]) for r in rows]
    repeats = {k for k, n in Counter(keys).items() if n > 1}
    seen: Counter[str] = Counter()
    company_by_key: dict[str, dict] = {}
    last_company: dict | None = None

    for row, key in zip(rows, keys):
        origin = label(row[ROW_COLUMN])
        try:
            payload = {h: v for h in headers if (v := _clean(row.get(h)))}
            extra = {h: payload[h] for h in unmapped if h in payload}
            as_read = payload_json(payload)
            base = {SOURCE: source, ORIGIN: origin, EXTRA: extra, PAYLOAD: as_read}
            company = dict.fromkeys(COMPANY_FIELDS) | {f: _field(payload, c) for f, c in company_columns.items()}
            contact = dict.fromkeys(CONTACT_FIELDS) | {f: _field(payload, c) for f, c in contact_columns.items()}
            if mapping.entity == "mixed" and not any(contact.get(f) for f in PERSON_FIELDS):
                # no person on this row: its phone and e-mail are the company's, not a nameless contact's
                for f in ("phone", "email"):
                    company[f] = "\n".join(dict.fromkeys(v for v in (company[f], contact[f]) if v)) or None
                    contact[f] = None
            has_company = any(v for f, v in company.items() if f != "key")
            has_contact = any(v for f, v in contact.items() if f != "key")
            seen[key] += 1

            if mapping.entity == "contacts":
                if not has_contact:
                    rejects.append(reject(source, key, "contact", origin, _nothing_mapped(payload), as_read))
                    continue
                refs = {CONTACT_REFS[f]: company.get(f) for f in CONTACT_REFS}
                contacts.append({**contact, **refs, REF_ROW: None, **base, SOURCE_KEY: key})
                continue

            if has_company:
                if key in company_by_key and mapping.entity == "mixed":
                    previous = company_by_key[key]
                    if any(previous[f] != company[f] for f in COMPANY_FIELDS):
                        rejects.append(
                            reject(
                                source,
                                f"{key}#{seen[key]}",
                                "company",
                                origin,
                                [text("mapping.key_repeats_other_data", key=key, first=previous[ORIGIN])],
                                as_read,
                            )
                        )
                        continue
                    last_company = previous
                elif key in company_by_key:
                    rejects.append(
                        reject(
                            source,
                            f"{key}#{seen[key]}",
                            "company",
                            origin,
                            [text("mapping.key_repeats", key=key, first=company_by_key[key][ORIGIN])],
                            as_read,
                        )
                    )
                    continue
                else:
                    record = {**company, **base, SOURCE_KEY: key}
                    companies.append(record)
                    company_by_key[key] = last_company = record
            elif mapping.entity == "companies" or not has_contact:
                rejects.append(reject(source, key, "company", origin, _nothing_mapped(payload), as_read))
                continue

            if mapping.entity == "mixed" and has_contact:
                contact_key = f"{key}/{seen[key]}" if key in repeats else key
                owner = last_company if not has_company else company_by_key[key]
                if owner is None:
                    rejects.append(
                        reject(
                            source,
                            contact_key,
                            "contact",
                            origin,
                            [text("mapping.contact_without_company")],
                            as_read,
                        )
                    )
                    continue
                contacts.append(
                    {
                        **contact,
                        REF_KEY: None,
                        REF_INN: None,
                        REF_NAME: None,
                        REF_ROW: (source, owner[SOURCE_KEY]),
                        **base,
                        SOURCE_KEY: contact_key,
                    }
                )
        except Exception as exc:  # noqa: BLE001 — a record the mapping fails on is quarantined, not the run
            entity = "contact" if mapping.entity == "contacts" else "company"  # a table row ("row": a file line)
            rejects.append(
                reject(
                    source,
                    key,
                    entity,
                    origin,
                    [text("bad_input.record_failed", error=failure(exc))],
                    payload_json({h: str(row.get(h)) for h in headers if row.get(h) is not None}),
                )
            )

    return SourceRecords(
        _frame(companies, COMPANY_FIELDS),
        _frame(contacts, CONTACT_FIELDS + (REF_KEY, REF_INN, REF_NAME, REF_ROW)),
        rejects_frame(rejects),
    )


def _nothing_mapped(payload: dict[str, str]) -> list[str]:
    if payload:
        return [text("mapping.nothing_recognised_filled", filled=", ".join(payload))]
    return [text("mapping.nothing_recognised")]


def _frame(records: list[dict], fields: tuple[str, ...]) -> pd.DataFrame:
    columns = [SOURCE, SOURCE_KEY, ORIGIN, *fields, EXTRA, PAYLOAD]
    # dtype=object keeps None as None (pandas 3 would infer a str dtype with NaN for missing values)
    return (
        pd.DataFrame(records, columns=columns, dtype=object)
        if records
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )
