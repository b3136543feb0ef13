"""Pandera schemas of normalised company and contact records.

Every length bound of the CRM tables is checked here, so an over-long value
quarantines its record instead of failing the whole load on a strict server.
A row that fails is not loaded: ``validators.quarantine`` turns each failure
case into a plain reason in the current language: ``CHECK_MESSAGES`` gives the message of
each check defined here (its ``error`` stays the English phrase pandera reports and the Dagster
column schema shows), pandera's own checks are worded by their name. Values the normalisers could not make canonical are
already cleared (and flagged) before this point, so a failure here means the
record cannot stand in a CRM at all: no name, nothing to reach the person by.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from vocabulary.fields import COMPANY_TYPES, ORIGIN, SOURCE, SOURCE_KEY

# A check's error text → its message key and values in the catalogue (``vocabulary/messages/validation.py``).
CHECK_MESSAGES: dict[str, tuple[str, dict[str, object]]] = {}


def _worded(error: str, key: str, **values: object) -> str:
    CHECK_MESSAGES[error] = (key, values)
    return error


def _text(max_len: int) -> pa.Check:
    return pa.Check(
        lambda v: isinstance(v, str) and 0 < len(v.strip()) <= max_len,
        element_wise=True,
        error=_worded(f"must be text of 1 to {max_len} characters", "validation.check.text_length", arg=max_len),
    )


def _filled(series: pd.Series) -> pd.Series:
    return series.map(lambda v: bool(v) and not (isinstance(v, float) and pd.isna(v)))


def _has_any(*columns: str, error: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(False, index=df.index)
        for col in columns:
            ok |= _filled(df[col])
        return ok

    return pa.Check(check, error=error)


_PROVENANCE = {
    SOURCE: pa.Column(nullable=False, checks=_text(64)),
    SOURCE_KEY: pa.Column(nullable=False, checks=_text(255)),
    ORIGIN: pa.Column(nullable=False),
}

COMPANY_SCHEMA = pa.DataFrameSchema(
    {
        **_PROVENANCE,
        "name": pa.Column(nullable=False, checks=_text(500)),
        "inn": pa.Column(nullable=True, checks=pa.Check.str_matches(r"^(\d{10}|\d{12})$")),
        "kpp": pa.Column(nullable=True, checks=pa.Check.str_matches(r"^\d{4}[\dA-Z]{2}\d{3}$")),
        "ogrn": pa.Column(nullable=True, checks=pa.Check.str_matches(r"^(\d{13}|\d{15})$")),
        "type": pa.Column(nullable=True, checks=pa.Check.isin(COMPANY_TYPES)),
        "legal_name": pa.Column(nullable=True, checks=_text(500)),
        "address": pa.Column(nullable=True, checks=_text(1000)),
        "city": pa.Column(nullable=True, checks=_text(200)),
        "website": pa.Column(nullable=True, checks=_text(500)),
        "manager": pa.Column(nullable=True, checks=_text(500)),
    },
    checks=[
        pa.Check(
            lambda df: ~_filled(df["name"]) | _filled(df["name_key"]),
            error=_worded("name holds no words besides the legal form", "validation.check.name_only_legal_form"),
        )
    ],
    name="company",
    strict=False,
)

CONTACT_SCHEMA = pa.DataFrameSchema(
    {
        **_PROVENANCE,
        "full_name": pa.Column(nullable=True, checks=_text(500)),
        "last_name": pa.Column(nullable=True, checks=_text(200)),
        "first_name": pa.Column(nullable=True, checks=_text(200)),
        "middle_name": pa.Column(nullable=True, checks=_text(200)),
        "position": pa.Column(nullable=True, checks=_text(500)),
    },
    checks=[
        _has_any(
            "full_name",
            "phones",
            "emails",
            error=_worded("no name, no phone and no email", "validation.check.no_name_phone_email"),
        )
    ],
    name="contact",
    strict=False,
)
