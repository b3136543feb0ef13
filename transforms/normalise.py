"""Apply the value normalisers to whole record frames.

Each scalar normaliser is pure and cached; here it is called once per distinct
input, so a column of a million repeated cells costs what its distinct values
cost. Invalid values are never loaded as valid: they are cleared from the
canonical column, kept in the record's payload and listed in ``_issues``.

Every normaliser runs under a guard: a value one of them fails on (a bug, a pathological
input) is kept as written with a warning naming the error, so one bad cell never stops
a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from transforms.cells import apply_distinct, failure
from transforms.company_names import CompanyName, parse_company_name
from transforms.emails import Email, parse_emails
from transforms.identifiers import Identifier, company_type, normalise_inn, normalise_kpp, normalise_ogrn
from transforms.person_names import PersonName, clean_position, parse_person_name
from transforms.phones import Phone, parse_phones
from vocabulary.fields import ISSUES, REF_INN, REF_ROW, SOURCE, SOURCE_KEY
from vocabulary.messages import Message, deferred, text

# How clients write the company type in their own columns.
_TYPE_WORDS = {
    "юр": "legal",
    "юл": "legal",
    "ооо": "legal",
    "legal": "legal",
    "company": "legal",
    "ип": "entrepreneur",
    "индивидуальный": "entrepreneur",
    "entrepreneur": "entrepreneur",
    "физ": "person",
    "фл": "person",
    "частное": "person",
    "person": "person",
}


Fallback = Callable[[str | None, Message], Any]  # (the value as written, why it failed) → the normaliser's result


def _written(values: tuple[Any, ...]) -> str | None:
    """Cells as written, joined (a name given in parts): what a failed normaliser keeps."""
    return " ".join(str(v).strip() for v in values if v is not None and not _missing(v)).strip() or None


def _each(fn: Callable[..., Any], *columns: list, fallback: Fallback, values: int = 1) -> list:
    """``fn`` over the rows of ``columns``, once per distinct row (exports repeat values a lot).

    A row ``fn`` raises on gets ``fallback(value, issue)``: the value columns (``values``
    of them, the rest are context such as the region) kept as written, flagged with the error.
    """

    def guarded(args: tuple[Any, ...], exc: Exception) -> Any:
        return fallback(_written(args[:values]), deferred("bad_input.value_failed", error=failure(exc)))

    return apply_distinct(fn, *columns, on_error=guarded).tolist() if columns[0] else []


def _cleaned(fn: Callable[[str | None], str | None], column: list, issues: list[list[str]], field: str) -> list:
    """A text cleaner over a column; a value it fails on stays as written, with a warning on its record."""
    failed: dict[str | None, Message] = {}

    def as_written(value: str | None, issue: Message) -> str | None:
        failed[value] = issue
        return value

    out = _each(fn, column, fallback=as_written)
    if failed:
        for bag, value in zip(issues, column):
            written = _written((value,))
            if written in failed:
                bag.append(_warning(field, written, failed[written]))
    return out


def _warning(field: str, value: object, issue: Message) -> str:
    """A record's warning about one of its values: the field, the value as written, why."""
    return text("normalise.warning", field=text(f"field.{field}"), value=value, issue=issue)


def _phone_failed(value: str | None, issue: Message) -> tuple[Phone, ...]:
    return (Phone(value or "", None, issue=issue),)


def _email_failed(value: str | None, issue: Message) -> tuple[Email, ...]:
    return (Email(value or "", None, issue=issue),)


def _company_failed(value: str | None, issue: Message) -> CompanyName:
    return CompanyName(value, None, None, issue)


def _person_failed(value: str | None, issue: Message) -> PersonName:
    return PersonName(value, None, None, None, issue=issue)


def _identifier_failed(value: str | None, issue: Message) -> Identifier:
    return Identifier(None, value, issue)


def _missing(value: object) -> bool:
    return isinstance(value, float) and value != value  # NaN


def _type_word(text: str | None) -> str | None:
    if not text:
        return None
    first = text.strip().lower().replace(".", " ").split()
    return _TYPE_WORDS.get(first[0]) if first else None


def _phone_issues(phones: tuple[Phone, ...]) -> list[str]:
    out = []
    for p in phones:
        if p.unverified:
            out.append(text("normalise.warning.phone_unverified", raw=p.raw, e164=p.e164))
        elif p.issue and p.e164 is None:
            out.append(_warning("phone", p.raw, p.issue))
    return out


def _email_issues(emails: tuple[Email, ...]) -> list[str]:
    field = text("field.email")
    return [
        text("normalise.warning.suggestion", field=field, value=e.raw, issue=e.issue, suggestion=e.suggestion)
        if e.suggestion
        else _warning("email", e.raw, e.issue)
        for e in emails
        if e.issue
    ]


def as_frame(columns: dict[str, list]) -> pd.DataFrame:
    """A frame of plain Python values (None stays None; pandas 3 would turn it into NaN)."""
    return pd.DataFrame(columns, dtype=object)


def _column(frame: pd.DataFrame, name: str) -> list:
    return [None if _missing(v) else v for v in frame[name]]


def _channels(cols: dict[str, list], issues: list[list[str]], regions: list[str], cities: list) -> None:
    """Split phone and email cells into Phone/Email tuples; their problems become warnings."""
    cols["phones"] = _each(parse_phones, cols.pop("phone"), regions, cities, fallback=_phone_failed)
    cols["emails"] = _each(parse_emails, cols.pop("email"), fallback=_email_failed)
    for bag, phones, emails in zip(issues, cols["phones"], cols["emails"]):
        bag.extend(_phone_issues(phones) + _email_issues(emails))


def normalise_companies(frame: pd.DataFrame, regions: Mapping[str, str]) -> pd.DataFrame:
    """Canonical company records → normalised ones (see the README for every column)."""
    cols = {c: _column(frame, c) for c in frame.columns}
    issues: list[list[str]] = [[] for _ in range(len(frame))]
    names = _each(
        parse_company_name,
        [n if n is not None else lg for n, lg in zip(cols["name"], cols["legal_name"])],
        fallback=_company_failed,
    )
    legal = _each(parse_company_name, cols["legal_name"], fallback=_company_failed)
    for bag, name, written in zip(issues, names, cols["name"]):
        if name.issue:
            bag.append(_warning("name", written, name.issue))
    cols["name"] = [n.display for n in names]
    cols["legal_name"] = [n.display for n in legal]
    cols["name_key"] = [n.match_key or lg.match_key for n, lg in zip(names, legal)]
    cols["legal_form"] = [n.legal_form or lg.legal_form for n, lg in zip(names, legal)]
    for field, fn in (("inn", normalise_inn), ("kpp", normalise_kpp), ("ogrn", normalise_ogrn)):
        ids = _each(fn, cols[field], fallback=_identifier_failed)
        cols[field] = [i.value for i in ids]
        for bag, i in zip(issues, ids):
            if i.issue:
                bag.append(_warning(field, i.raw, i.issue))
    cols["type"] = [
        _type_word(t) or company_type(inn, form) for t, inn, form in zip(cols["type"], cols["inn"], cols["legal_form"])
    ]
    for col in ("address", "city", "website", "manager", "note"):
        cols[col] = _cleaned(_squash, cols[col], issues, col)
    places = [city or address for city, address in zip(cols["city"], cols["address"])]  # the city may be in the address
    _channels(cols, issues, [regions[s] for s in cols[SOURCE]], places)
    cols[ISSUES] = issues
    return as_frame(cols)


def normalise_contacts(frame: pd.DataFrame, companies: pd.DataFrame, regions: Mapping[str, str]) -> pd.DataFrame:
    """Canonical contact records → normalised ones; a mixed row's city helps its phones."""
    cols = {c: _column(frame, c) for c in frame.columns}
    issues: list[list[str]] = [[] for _ in range(len(frame))]
    names = _each(
        parse_person_name,
        cols["full_name"],
        cols["last_name"],
        cols["first_name"],
        cols["middle_name"],
        fallback=_person_failed,
        values=4,
    )
    for attr in ("full_name", "last_name", "first_name", "middle_name", "gender"):
        cols[attr] = [getattr(n, attr) for n in names]
    cols["name_key"] = [n.match_key for n in names]
    for bag, n in zip(issues, names):
        if n.issue:
            bag.append(text("normalise.warning.no_value", field=text("field.full_name"), issue=n.issue))
    cols["position"] = _cleaned(clean_position, cols["position"], issues, "position")
    cols["note"] = _cleaned(_squash, cols["note"], issues, "note")
    refs = _each(normalise_inn, cols[REF_INN], fallback=_identifier_failed)
    cols[REF_INN] = [r.value or r.raw for r in refs]
    city_of = {
        key: city or address
        for key, city, address in zip(
            zip(companies[SOURCE], companies[SOURCE_KEY]), companies["city"], companies["address"]
        )
    }
    cities = [city_of.get(ref) if isinstance(ref, tuple) else None for ref in cols[REF_ROW]]
    _channels(cols, issues, [regions[s] for s in cols[SOURCE]], cities)
    cols[ISSUES] = issues
    return as_frame(cols)


def _squash(text: str | None) -> str | None:
    """Trim and collapse runs of spaces inside one line; keep line breaks."""
    if text is None:
        return None
    lines = [" ".join(line.split()) for line in str(text).splitlines()]
    return "\n".join(line for line in lines if line) or None
