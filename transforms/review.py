"""The review workbook's rows: candidate pairs side by side, and the decisions read back (pure).

DESIGN §5 fixes the sheet ``review``: one row per pair with ``entity``,
``left_source``, ``left_key``, ``right_source``, ``right_key``, ``score``,
``reasons``, the two records' main fields side by side, and ``decision``
(``same`` or ``different``, left empty for the reviewer).
"""

from __future__ import annotations

import pandas as pd

from vocabulary.errors import RunFailure
from vocabulary.fields import COMPANY_RECORD, ORIGIN, SOURCE, SOURCE_KEY
from vocabulary.messages import text
from vocabulary.pairs import LINK_COLUMNS

SHEET = "review"
SIDE_FIELDS = ("name", "inn", "kpp", "city", "position", "company", "phones", "emails", "origin")
REVIEW_COLUMNS = (
    *LINK_COLUMNS,
    *(f"{side}_{f}" for f in SIDE_FIELDS for side in ("left", "right")),
    "decision",
    "comment",
)
# What reviewers type: the contract's words first, then what Russian-speaking clients write.
DECISION_WORDS = {
    "same": "same",
    "different": "different",
    "да": "same",
    "дубль": "same",
    "одно и то же": "same",
    "один": "same",
    "тот же": "same",
    "объединить": "same",
    "нет": "different",
    "разные": "different",
    "не дубль": "different",
    "разный": "different",
}
# The review workbook's dropdown on ``decision``: the contract's words, then the Russian a reviewer would pick.
DECISION_CHOICES = ("same", "different", "да", "нет", "дубль", "разные")
KEY_COLUMNS = ("entity", "left_source", "left_key", "right_source", "right_key")


class ReviewFileError(RunFailure):
    """A review workbook that cannot be imported; the message names the row and the problem."""


def _text(items: object) -> str | None:
    if not isinstance(items, (list, tuple)) or not items:
        return None
    values = [getattr(i, "e164", None) or getattr(i, "email", None) or getattr(i, "raw", None) for i in items]
    return ", ".join(v for v in values if v) or None


def _company_side(row: dict) -> dict:
    return {
        "name": row["name"],
        "inn": row["inn"],
        "kpp": row["kpp"],
        "city": row["city"],
        "position": None,
        "company": None,
        "phones": _text(row["phones"]),
        "emails": _text(row["emails"]),
        "origin": row[ORIGIN],
    }


def _contact_side(row: dict, company_names: dict) -> dict:
    return {
        "name": row["full_name"],
        "inn": None,
        "kpp": None,
        "city": None,
        "position": row["position"],
        "company": company_names.get(row[COMPANY_RECORD]),
        "phones": _text(row["phones"]),
        "emails": _text(row["emails"]),
        "origin": row[ORIGIN],
    }


def review_sheet(review: pd.DataFrame, companies: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """The rows of the ``review`` sheet: each pair with both records' main fields side by side."""
    company_names = dict(zip(zip(companies[SOURCE], companies[SOURCE_KEY]), companies["name"]))
    sides = {("company", (r[SOURCE], r[SOURCE_KEY])): _company_side(r) for r in companies.to_dict("records")}
    sides |= {
        ("contact", (r[SOURCE], r[SOURCE_KEY])): _contact_side(r, company_names) for r in contacts.to_dict("records")
    }
    rows = []
    for pair in review.to_dict("records"):
        left = sides.get((pair["entity"], (pair["left_source"], pair["left_key"])), {})
        right = sides.get((pair["entity"], (pair["right_source"], pair["right_key"])), {})
        row = {c: pair[c] for c in LINK_COLUMNS}
        for f in SIDE_FIELDS:
            row[f"left_{f}"], row[f"right_{f}"] = left.get(f), right.get(f)
        rows.append(row | {"decision": None, "comment": None})
    return (
        pd.DataFrame(rows, columns=list(REVIEW_COLUMNS), dtype=object)
        if rows
        else pd.DataFrame({c: pd.Series(dtype=object) for c in REVIEW_COLUMNS})
    )


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric key typed in Excel comes back as 123.0
    return str(value).strip()


def parse_decisions(header: list[object], rows: list[tuple[int, list[object]]], file_name: str) -> list[dict]:
    """Decisions from (row number, cells) under the header; rows with an empty decision are skipped.

    All or nothing: any bad row raises ReviewFileError naming the file, the row and the problem.
    """
    names = [_cell(h).lower() for h in header]
    missing = [c for c in (*KEY_COLUMNS, "decision") if c not in names]
    if missing:
        raise ReviewFileError(text("validation.review.missing_column", file=file_name, sheet=SHEET, column=missing[0]))
    at = {c: names.index(c) for c in (*KEY_COLUMNS, "decision", "comment") if c in names}
    out: list[dict] = []
    for number, cells in rows:
        cells = list(cells) + [None] * (len(names) - len(cells))
        word = _cell(cells[at["decision"]]).lower()
        if not word:
            continue
        decision = DECISION_WORDS.get(" ".join(word.split()))
        if decision is None:
            raise ReviewFileError(text("validation.review.bad_decision", file=file_name, row=number, word=word))
        record = {c: _cell(cells[at[c]]) for c in KEY_COLUMNS}
        if record["entity"] not in ("company", "contact") or not all(record.values()):
            raise ReviewFileError(
                text("validation.review.keys_missing", file=file_name, row=number, columns=", ".join(KEY_COLUMNS))
            )
        comment = _cell(cells[at["comment"]]) if "comment" in at else ""
        out.append(record | {"decision": decision, "comment": comment or None})
    return out
