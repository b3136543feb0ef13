"""INN, KPP, OGRN/OGRNIP: normalise and verify checksums; invalid values flagged.

Cells are cleaned first: a label (``ИНН:``), spaces, dashes and dots inside the number,
Excel float damage (``7707083893.0``). ``value`` is set only for a valid identifier;
otherwise ``issue`` says why in a short phrase and ``raw`` keeps the text. An INN that
Excel stored as a number loses its leading zero; it is repaired only when the zero
makes the checksum right (``repaired=True``, with a ``note``).

Checksums: INN 10 — weights 2 4 10 3 5 9 4 6 8, mod 11 mod 10; INN 12 — two check
digits with weights 7 2 4 10 3 5 9 4 6 8 and 3 7 2 4 10 3 5 9 4 6 8; OGRN 13 — first
twelve digits mod 11 mod 10; OGRNIP 15 — first fourteen digits mod 13 mod 10 (computed
here: python-stdnum forgets the final mod 10 and rejects valid numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.cells import cell_text, digits_lost, excel_number
from transforms.company_names import legal_form_kind, parse_company_name
from vocabulary.messages import Message, deferred


@dataclass(frozen=True)
class Identifier:
    value: str | None  # canonical digits, only when valid
    raw: str | None  # as in the source
    issue: Message | None = None  # why ``value`` is None although ``raw`` is not empty
    kind: str | None = None  # inn: legal | individual; ogrn: ogrn | ogrnip; kpp: kpp
    repaired: bool = False  # a leading zero lost in Excel was restored (checksum-proven)
    note: Message | None = None  # what was done to a valid value, or what else the cell held


_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_SEPARATORS = re.compile(r"[\s\-‐‑–—.]")
_INN_WITH_KPP = re.compile(r"^(\d{10})\s*[/\\|]\s*(\d{4}[\dA-Z]{2}\d{3})$")
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
# Cyrillic capitals that look like the Latin letters a KPP may hold in positions 5-6.
_CYRILLIC_AS_LATIN = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
# Labels written in front of the number in the same cell: "ИНН: 7707083893".
_INN_LABEL, _KPP_LABEL, _OGRN_LABEL = (
    re.compile(rf"^(?:{words})\s*[:№#]?\s*", re.IGNORECASE)
    for words in ("ИНН|INN", "КПП|KPP", "ОГРНИП|ОГРН|OGRNIP|OGRN")
)


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(w * int(d) for w, d in zip(weights, digits)) % 11 % 10)


def inn_checksum_ok(digits: str) -> bool:
    """Whether a 10- or 12-digit string has the INN check digit(s) right."""
    if len(digits) == 10:
        return digits[9] == _check_digit(digits, _INN10_WEIGHTS)
    if len(digits) == 12:
        return digits[10] == _check_digit(digits, _INN12_WEIGHTS_1) and digits[11] == _check_digit(
            digits, _INN12_WEIGHTS_2
        )
    return False


def ogrn_checksum_ok(digits: str) -> bool:
    """Whether a 13-digit OGRN or 15-digit OGRNIP has its check digit right."""
    if len(digits) == 13:
        return int(digits[:12]) % 11 % 10 == int(digits[12])
    if len(digits) == 15:
        return int(digits[:14]) % 13 % 10 == int(digits[14])
    return False


def _clean(raw: object, label: re.Pattern[str]) -> tuple[str | None, str | None, Message | None]:
    """(text as received, the number without label and separators, issue) of an identifier cell."""
    text = cell_text(raw)
    if text is None:
        return None, None, None
    excel = excel_number(text)
    if excel is not None:
        digits, complete = excel
        if not complete:
            return text, None, digits_lost(text)
        return text, digits, None
    return text, _SEPARATORS.sub("", label.sub("", text)), None


@lru_cache(maxsize=200_000)
def normalise_inn(raw: str | None) -> Identifier:
    """A 10-digit (legal entity) or 12-digit (individual) INN with its checksum."""
    text, number, issue = _clean(raw, _INN_LABEL)
    if text is None or issue:
        return Identifier(None, text, issue)
    pair = _INN_WITH_KPP.match(number)
    note = None
    if pair:
        number, note = pair.group(1), deferred("normalise.id.inn.kpp_in_cell", kpp=pair.group(2))
    if not number.isdigit():
        return Identifier(None, text, deferred("normalise.id.inn.digits_only"))
    if set(number) == {"0"}:
        return Identifier(None, text, deferred("normalise.id.inn.placeholder"))
    if len(number) in (9, 11) and inn_checksum_ok("0" + number):
        restored = deferred("normalise.id.inn.zero_restored")
        return Identifier("0" + number, text, None, _inn_kind("0" + number), True, restored)
    if len(number) not in (10, 12):
        return Identifier(None, text, deferred("normalise.id.inn.length", n=len(number)))
    if not inn_checksum_ok(number):
        return Identifier(None, text, deferred("normalise.id.inn.checksum"))
    return Identifier(number, text, None, _inn_kind(number), note=note)


def _inn_kind(inn: str) -> str:
    return "legal" if len(inn) == 10 else "individual"


@lru_cache(maxsize=200_000)
def normalise_kpp(raw: str | None) -> Identifier:
    """A KPP: nine characters ``NNNNXXNNN``, where ``XX`` are digits or capital Latin letters."""
    text, number, issue = _clean(raw, _KPP_LABEL)
    if text is None or issue:
        return Identifier(None, text, issue)
    number = number[:4] + number[4:6].upper().translate(_CYRILLIC_AS_LATIN) + number[6:]
    if len(number) == 8 and number.isdigit():
        return Identifier(None, text, deferred("normalise.id.kpp.eight_digits"))
    if not _KPP.match(number):
        return Identifier(None, text, deferred("normalise.id.kpp.format"))
    if number.startswith("0000"):
        return Identifier(None, text, deferred("normalise.id.kpp.no_office"))
    return Identifier(number, text, None, "kpp")


@lru_cache(maxsize=200_000)
def normalise_ogrn(raw: str | None) -> Identifier:
    """An OGRN (13 digits, starts with 1 or 5) or OGRNIP (15 digits, starts with 3)."""
    text, number, issue = _clean(raw, _OGRN_LABEL)
    if text is None or issue:
        return Identifier(None, text, issue)
    if not number.isdigit():
        return Identifier(None, text, deferred("normalise.id.ogrn.digits_only"))
    if len(number) not in (13, 15):
        return Identifier(None, text, deferred("normalise.id.ogrn.length", n=len(number)))
    kind = "ogrn" if len(number) == 13 else "ogrnip"
    if kind == "ogrn" and number[0] not in "15":
        return Identifier(None, text, deferred("normalise.id.ogrn.first_digit"))
    if kind == "ogrnip" and number[0] != "3":
        return Identifier(None, text, deferred("normalise.id.ogrnip.first_digit"))
    if not ogrn_checksum_ok(number):
        return Identifier(None, text, deferred(f"normalise.id.{kind}.checksum"))
    return Identifier(number, text, None, kind)


def company_type(inn: str | None, legal_form: str | None = None, declared: str | None = None) -> str | None:
    """legal | entrepreneur | person: the one rule for every source.

    Evidence, strongest first:

    1. the legal form the company writes in its name (``ИП`` → entrepreneur, ``ООО`` → legal);
    2. a type the source declares (1C's ``ЮридическоеФизическоеЛицо``) of ``entrepreneur``;
    3. a 12-digit INN: only individuals have one, and an individual in a counterparty list who has
       an INN is an ИП — so a record declared ``legal`` or ``person`` with it is an entrepreneur
       (БП files an ИП as ФизическоеЛицо; an ИП filed as ЮридическоеЛицо is the commonest slip);
    4. the declared type;
    5. a 10-digit INN: a legal entity.

    "person" is never guessed: only a source can declare it.
    """
    kind = legal_form_kind(legal_form)
    if kind:
        return kind
    if declared == "entrepreneur" or _inn_digits(inn) == 12:
        return "entrepreneur"
    if declared:
        return declared
    return "legal" if _inn_digits(inn) == 10 else None


def declared_company_type(inn: str | None, declared: str | None, *names: str | None) -> str | None:
    """``company_type`` of a record whose source declares a type (1C), the legal form read from its names."""
    form = next((f for name in names if (f := parse_company_name(name).legal_form)), None)
    return company_type(inn, form, declared)


def _inn_digits(inn: str | None) -> int:
    """How many digits the INN has: a valid one's, else the cell's digits (a mistyped INN keeps its length)."""
    identifier = normalise_inn(inn)
    return len(identifier.value or re.sub(r"\D", "", identifier.raw or ""))
