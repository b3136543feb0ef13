"""Email cells → normalised addresses; typos flagged, never silently changed.

A cell may hold several addresses (``,`` ``;`` ``/`` spaces, new lines), ``mailto:``
links, ``Иван <ivan@mail.ru>`` forms and labels (``e-mail:``). Syntax is checked by
email-validator without DNS (Cyrillic domains such as ``.рф`` are valid). The address
is lower-cased for matching. A domain one or two keystrokes away from a common mail
provider (``gmial.com``, ``mail.r``) gets a ``suggestion`` and an ``issue``; the address
itself is kept as written when its syntax is valid, because the consultant decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from transforms.cells import apply_distinct, cell_text
from vocabulary.messages import Message, deferred


@dataclass(frozen=True)
class Email:
    raw: str
    email: str | None  # normalised (trimmed, lower-cased); None when not a valid address
    issue: Message | None = None
    suggestion: str | None = None  # e.g. "ivan@gmail.com" for "ivan@gmial.com"


# Mail providers clients' contacts use most; a domain close to one of them is a typo.
COMMON_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "mail.ru",
    "yandex.ru",
    "ya.ru",
    "yandex.com",
    "yandex.kz",
    "yandex.by",
    "bk.ru",
    "list.ru",
    "inbox.ru",
    "internet.ru",
    "rambler.ru",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "yahoo.com",
    "protonmail.com",
    "proton.me",
    "ukr.net",
    "tut.by",
    "mail.kz",
    "googlemail.com",
    # real domains next to the ones above, so that they are not taken for typos
    "mail.com",
    "gmx.com",
    "ymail.com",
    "vk.com",
    "vk.ru",
    "ok.ru",
)
_COMMON = frozenset(COMMON_DOMAINS)

_SEPARATOR = re.compile(r"[\s,;/|]+")
_LABEL = re.compile(r"^(?:e-?mail|эл\.?\s*почта|почта|адрес)\s*:\s*", re.IGNORECASE)
_SPACED_AT = re.compile(r"\s*@\s*")
_WRAPPING = "<>()[]{}\"'«»“”„`.,:;"
# email-validator explains a refusal in English sentences: the first pattern that fits names it in ours.
_REFUSALS = tuple(
    (re.compile(pattern, re.IGNORECASE), deferred(f"normalise.email.reason.{key}"))
    for pattern, key in (
        (r"something after the @-sign", "nothing_after_at"),
        (r"something before the @-sign", "nothing_before_at"),
        (r"too long", "too_long"),
        (r"special-use or reserved|should have a period|top-level domain|not valid IDNA|in brackets", "no_domain"),
        (r"period|hyphen", "periods"),
        (r"character", "characters"),
    )
)
_MALFORMED = deferred("normalise.email.reason.malformed")
_TOP_LEVEL_SHORT = deferred("normalise.email.reason.top_level_short")


def _suggest(domain: str) -> str | None:
    """The common domain ``domain`` is a near-miss of, if exactly that is likely.

    OSA distance counts a swap of two letters as one edit (``gmial`` → ``gmail``); short
    domains allow one edit, longer ones two. Two-letter names (``bk.ru``, ``ya.ru``) have
    too many real neighbours (``vk.ru``, ``ok.ru``), so only their top-level domain counts.
    """
    if domain in _COMMON:
        return None
    best = extractOne(domain, COMMON_DOMAINS, scorer=OSA.distance, score_cutoff=2)
    if best is None:
        return None
    candidate, distance, _ = best
    name = candidate.split(".", 1)[0]
    if len(name) <= 2 and name != domain.split(".", 1)[0]:
        return None
    return candidate if distance <= (1 if len(candidate) < 8 else 2) else None


def _address(token: str) -> Email:
    """One address token → Email; ``raw`` keeps the token as it was cut from the cell."""
    raw = token
    token = token.strip(_WRAPPING)
    if token.lower().startswith("mailto:"):
        token = token[len("mailto:") :].split("?", 1)[0]
    if "@" not in token:
        return Email(raw, None, issue=deferred("normalise.email.no_at"))
    local, _, domain = token.rpartition("@")
    domain = domain.lower()
    suggestion = _suggest(domain)
    suggested = f"{local}@{suggestion}".lower() if suggestion else None
    typo = deferred("normalise.email.typo", domain=domain, suggestion=suggestion) if suggestion else None
    try:
        valid = validate_email(token, check_deliverability=False)
    except EmailNotValidError as exc:
        return Email(raw, None, issue=typo or _invalid(_refusal(str(exc))), suggestion=suggested)
    if "." not in domain or len(domain.rsplit(".", 1)[1]) < 2:
        return Email(raw, None, issue=typo or _invalid(_TOP_LEVEL_SHORT), suggestion=suggested)
    return Email(raw, valid.normalized.lower(), issue=typo, suggestion=suggested)


def _refusal(explanation: str) -> Message:
    """email-validator's reason for refusing an address, as one of ours."""
    return next((reason for pattern, reason in _REFUSALS if pattern.search(explanation)), _MALFORMED)


def _invalid(reason: Message) -> Message:
    return deferred("normalise.email.invalid", reason=reason)


@lru_cache(maxsize=200_000)
def parse_emails(cell: str | None) -> tuple[Email, ...]:
    """All addresses in ``cell``; an empty tuple for an empty cell.

    Words without an ``@`` next to addresses are names and labels and are skipped; a
    cell with no ``@`` at all is reported as one invalid value.
    """
    text = cell_text(cell)
    if text is None:
        return ()
    text = _SPACED_AT.sub("@", _LABEL.sub("", text))
    addresses = [t for t in _SEPARATOR.split(text) if "@" in t]
    return tuple(_address(t) for t in addresses or [text])


def normalise_email_column(cells: pd.Series) -> pd.Series:
    """:func:`parse_emails` over a column: a Series of tuples of :class:`Email`."""
    return apply_distinct(parse_emails, cells)
