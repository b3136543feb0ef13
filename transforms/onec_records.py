"""1C counterparties and contact persons → canonical records (pure, no I/O).

Both 1C readers (OData ``standard.odata`` and CommerceML/EnterpriseData files)
turn what they read into ``OneCEntity`` values already in canonical field names
(DESIGN §4); this module makes the same frames the Excel/CSV path makes, so
everything downstream treats 1C like any other source.

Records marked for deletion in 1C (``DeletionMark``) are not records of the
source any more: the readers leave them out and count them, so the loader
soft-deletes their CRM records like any record gone from its source.
"""

from __future__ import annotations

import pandas as pd

from transforms.records import SourceRecords
from vocabulary.digests import payload_json
from vocabulary.fields import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    EXTRA,
    MULTI_VALUE_FIELDS,
    ORIGIN,
    PAYLOAD,
    REF_INN,
    REF_KEY,
    REF_NAME,
    REF_ROW,
    SOURCE,
    SOURCE_KEY,
)
from vocabulary.messages import text
from vocabulary.onec import OneCData, OneCEntity
from vocabulary.rejects import empty_rejects, reject


def _value(name: str, value: str | list[str] | None) -> str | None:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    texts = list(dict.fromkeys(t for v in values if v is not None and (t := str(v).replace("\x00", "").strip())))
    if not texts:
        return None
    return "\n".join(texts) if name in MULTI_VALUE_FIELDS else " ".join(texts)


def _row(source: str, entity: OneCEntity, names: tuple[str, ...]) -> dict:
    unknown = set(entity.fields) - set(names)
    if unknown:
        raise ValueError(f"not a canonical field: {sorted(unknown)[0]!r}")
    return {
        SOURCE: source,
        SOURCE_KEY: entity.key,
        ORIGIN: entity.origin,
        **{f: _value(f, entity.fields.get(f)) for f in names},
        EXTRA: dict(entity.extra),
        PAYLOAD: payload_json(entity.payload),
    }


def _frame(rows: list[dict], names: tuple[str, ...]) -> pd.DataFrame:
    columns = [SOURCE, SOURCE_KEY, ORIGIN, *names, EXTRA, PAYLOAD]
    return (
        pd.DataFrame(rows, columns=columns, dtype=object)
        if rows
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    )


def onec_records(source: str, data: OneCData) -> SourceRecords:
    """Frames of canonical company and contact records; unusable or repeated records become rejects."""
    rejects = [
        reject(source, origin, "row", origin, [reason], payload_json(payload))
        for origin, reason, payload in data.broken
    ]
    companies: list[dict] = []
    contacts: list[dict] = []
    for entities, names, out, entity_name in (
        (data.companies, COMPANY_FIELDS, companies, "company"),
        (data.contacts, CONTACT_FIELDS, contacts, "contact"),
    ):
        seen: dict[str, str] = {}
        for entity in entities:
            if entity.key in seen:
                repeats = text("mapping.onec.reference_repeats", key=entity.key, first=seen[entity.key])
                rejects.append(
                    reject(
                        source, f"{entity.key}#dup", entity_name, entity.origin, [repeats], payload_json(entity.payload)
                    )
                )
                continue
            seen[entity.key] = entity.origin
            row = _row(source, entity, names)
            if entity_name == "contact":
                row.update(
                    {
                        REF_KEY: entity.company_key,
                        REF_INN: entity.company_ref.get("inn"),
                        REF_NAME: entity.company_ref.get("name"),
                        REF_ROW: None,
                    }
                )
            out.append(row)
    return SourceRecords(
        _frame(companies, COMPANY_FIELDS),
        _frame(contacts, CONTACT_FIELDS + (REF_KEY, REF_INN, REF_NAME, REF_ROW)),
        pd.DataFrame(rejects, columns=list(empty_rejects().columns), dtype=object) if rejects else empty_rejects(),
    )
