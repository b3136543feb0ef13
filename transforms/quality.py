"""Data-quality figures per source: what a consultant reviews before signing off a load."""

from __future__ import annotations

import pandas as pd

from vocabulary.fields import ISSUES, SOURCE

QUALITY_COLUMNS = (
    "source",
    "rows_read",
    "companies",
    "contacts",
    "quarantined",
    "phones",
    "phones_valid_pct",
    "emails",
    "emails_valid_pct",
    "records_with_warnings",
)
FIGURE_COLUMNS = (
    "source",
    "rows_read",
    "companies",
    "contacts",
    "phones",
    "phones_valid",
    "emails",
    "emails_valid",
    "records_with_warnings",
)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def source_figures(rows_read: dict[str, int], companies: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """One row per source: its records, phones and e-mails (valid ones too), records with warnings."""
    out = []
    for source, read in rows_read.items():
        parts = [f[f[SOURCE] == source] for f in (companies, contacts)]
        phones = [p for f in parts for items in f["phones"] for p in items]
        emails = [e for f in parts for items in f["emails"] for e in items]
        warned = sum(int(bool(i)) for f in parts for i in f[ISSUES])
        valid_phones = sum(1 for p in phones if p.e164)
        valid_emails = sum(1 for e in emails if e.email)
        out.append(
            (source, read, len(parts[0]), len(parts[1]), len(phones), valid_phones, len(emails), valid_emails, warned)
        )
    return pd.DataFrame(out, columns=list(FIGURE_COLUMNS))


def quality_by_source(figures: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """One row per source with counts and validity rates of phones and emails (``source_figures``)."""
    held = quarantine["source"].value_counts().to_dict() if not quarantine.empty else {}
    out = figures.assign(
        quarantined=[int(held.get(source, 0)) for source in figures["source"]],
        phones_valid_pct=[_pct(v, n) for v, n in zip(figures["phones_valid"], figures["phones"])],
        emails_valid_pct=[_pct(v, n) for v, n in zip(figures["emails_valid"], figures["emails"])],
    )
    return out[list(QUALITY_COLUMNS)]
