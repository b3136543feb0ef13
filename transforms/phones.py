"""Phone cells → E.164 numbers with extension, kind and the raw text kept.

A cell may hold several numbers (``,`` ``;`` ``/`` ``|`` new line, "или"), each with an
extension (``доб. 12``, ``доп.12``, ``вн. 12``, ``ext. 12``, ``x12``). Parsing and validity
are phonenumbers' (trunk and international prefixes of the default region included);
on top of it come the habits of Russian-speaking exports:

* ``8 916 …`` / ``7916…`` / ``+8 916 …`` / ``8-10-375 …`` / ``00 44 …`` for +7 and
  international numbers, also when the default region is another one;
* Excel float damage (``79161234567.0``, ``7.9161234567E+10``): accepted when the digits
  survived, flagged when Excel dropped some;
* a local number without area code (``913-05-27``) is completed from the record's city
  when that city has one area code (``inferred=True``), never when it has several;
* a record in another country's city (``8 017 …`` in Минск) is read in that country when
  the default region cannot read it.

Nothing is guessed: a number that stays invalid keeps its text in ``raw``, ``e164`` is
None and ``issue`` says why in plain words. One exception keeps callable numbers: a
number outside the numbering plan phonenumbers knows but of the right length for an
explicitly written country code (``+375 25 …``, ``00 7 727 …``) or a 10-digit +7
number (``8 727 …`` dialled from RU/KZ) gets its E.164 with ``unverified=True`` (plans
gain new ranges faster than the library's metadata); only impossible numbers stay raw.

Every path is bounded: a cell is cut into fragments once, and a fragment too long for
one number is split into glued numbers at most once (the pieces are never split again),
so no input, however long, recurses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import pandas as pd
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from transforms.area_codes import City, country_region, find_city
from transforms.cells import apply_distinct, cell_text, digits_lost, excel_number
from vocabulary.messages import Message, deferred


@dataclass(frozen=True)
class Phone:
    """One number found in a cell.

    ``e164`` is None when the number could not be made valid; then ``issue`` says
    why and ``raw`` keeps the text so nothing is lost. A valid number may carry an
    ``issue`` too, as a note (the area code it was completed with).
    """

    raw: str
    e164: str | None
    extension: str | None = None
    kind: str | None = None  # mobile | fixed | other (toll-free, VoIP, ...); None when the plan cannot tell
    inferred: bool = False  # area code completed from the record's city
    issue: Message | None = None
    country: str | None = None  # ISO region of the number: RU, KZ, BY, ...
    unverified: bool = False  # possible for its country code but outside the known plan (``issue`` = UNVERIFIED)


_SEPARATOR = re.compile(r"[,;/|\n\r]+|\s(?:или|либо|or)\s", re.IGNORECASE)
_EXT_MARK = r"(?:доб(?:авочный)?|доп|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|х|#)"
# An extension at the end of a fragment, not glued to a preceding letter ("факс" is no "x").
_EXTENSION = re.compile(rf"(?<![^\W\d_]){_EXT_MARK}\s*[.:№]?\s*(\d{{1,6}})\s*\)?\s*$", re.IGNORECASE)
_EXTENSION_HINT = re.compile(r"[^\W\d_]|#")
_NON_DIGIT = re.compile(r"[^0-9]")
_DIGIT = re.compile(r"[0-9]")
_FIRST_SIGN = re.compile(r"[+0-9]")

_KINDS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: None,
}
_PLUS7_REGIONS = frozenset({"RU", "KZ"})
# A subscriber number without its area code: 5 to 7 digits (10-digit plans with 3- to 5-digit codes).
_LOCAL_DIGITS = range(5, 8)

NO_DIGITS = deferred("normalise.phone.no_digits")
TOO_SHORT = deferred("normalise.phone.too_short")
TOO_LONG = deferred("normalise.phone.too_long")
LOCAL_NO_CITY = deferred("normalise.phone.local_no_city")
UNVERIFIED = deferred("normalise.phone.unverified")  # the right length for its country code, a range not in the plan
_UNKNOWN_COUNTRY_CODE = deferred("normalise.phone.unknown_country_code")


class _Reading(NamedTuple):
    """What one digit string means in one region: a valid number or why not."""

    e164: str | None
    kind: str | None
    country: str | None
    issue: Message | None


def _split_extension(fragment: str) -> tuple[str, str | None]:
    if not _EXTENSION_HINT.search(fragment):  # most numbers: no letter, no "#"
        return fragment, None
    m = _EXTENSION.search(fragment)
    return (fragment[: m.start()], m.group(1)) if m else (fragment, None)


def _fragments(text: str) -> list[str]:
    """The cell cut at separators; an extension cut off by a comma goes back to its number."""
    if not _SEPARATOR.search(text) or excel_number(text) is not None:  # "7,9161234567E+10": a decimal comma
        return [text]
    spans: list[tuple[int, int]] = []
    start = 0
    for sep in [*_SEPARATOR.finditer(text), None]:
        end = sep.start() if sep else len(text)
        part = text[start:end]
        if part.strip():
            offset = start + len(part) - len(part.lstrip())
            if spans and _EXTENSION.match(part.lstrip("( ")):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((offset, end))
        start = sep.end() if sep else end
    return [text[lo:hi].strip() for lo, hi in spans]


class _Desc(NamedTuple):
    """A number description of the metadata with its pattern compiled once."""

    lengths: frozenset[int]  # empty: whatever the general description allows
    pattern: re.Pattern[str]

    def matches(self, nsn: str) -> bool:
        return (not self.lengths or len(nsn) in self.lengths) and self.pattern.fullmatch(nsn) is not None


class _Plan(NamedTuple):
    """One region's numbering plan, compiled: what phonenumbers' number_type consults."""

    leading_digits: re.Pattern[str] | None
    general: _Desc | None
    # premium, toll-free, shared cost, VoIP, personal, pager, UAN, voicemail: one alternation per length
    special: dict[int, re.Pattern[str]]
    fixed: _Desc | None
    mobile: _Desc | None
    same_fixed_and_mobile: bool


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return _Desc(frozenset(desc.possible_length), re.compile(desc.national_number_pattern))


@cache
def _plan(region: str) -> _Plan:
    m = phonenumbers.PhoneMetadata.metadata_for_region(region)
    descs = [
        d
        for d in (m.premium_rate, m.toll_free, m.shared_cost, m.voip, m.personal_number, m.pager, m.uan, m.voicemail)
        if d is not None and d.national_number_pattern
    ]
    special = {}
    for length in range(1, 18):
        patterns = [d.national_number_pattern for d in descs if not d.possible_length or length in d.possible_length]
        if patterns:
            special[length] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return _Plan(
        re.compile(m.leading_digits) if m.leading_digits else None,
        _desc(m.general_desc),
        special,
        _desc(m.fixed_line),
        _desc(m.mobile),
        bool(m.same_mobile_and_fixed_line_pattern),
    )


def _plan_type(nsn: str, plan: _Plan) -> PhoneNumberType:
    """phonenumbers' ``_number_type_helper`` on a compiled plan (any special type reads as PREMIUM_RATE)."""
    if plan.general is None or not plan.general.matches(nsn):
        return PhoneNumberType.UNKNOWN
    special = plan.special.get(len(nsn))
    if special and special.fullmatch(nsn):
        return PhoneNumberType.PREMIUM_RATE
    if plan.fixed and plan.fixed.matches(nsn):
        if plan.same_fixed_and_mobile or (plan.mobile and plan.mobile.matches(nsn)):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if not plan.same_fixed_and_mobile and plan.mobile and plan.mobile.matches(nsn):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


def _classify(country_code: int, nsn: str) -> tuple[str | None, PhoneNumberType]:
    """(region, type) as phonenumbers' ``region_code_for_number`` and ``number_type`` say.

    The same decisions over patterns compiled once: the library recompiles (through a
    cache) on every check, which made it most of the cost of a million cells. The
    property tests hold the two to the same answers.
    """
    regions = phonenumbers.region_codes_for_country_code(country_code)
    if "001" in regions:  # non-geographic numbers (+800, +882, ...) are rare: ask the library
        num = phonenumbers.PhoneNumber(
            country_code=country_code, national_number=int(nsn), italian_leading_zero=nsn.startswith("0") or None
        )
        return phonenumbers.region_code_for_number(num), phonenumbers.number_type(num)
    for region in regions:
        plan = _plan(region)
        if len(regions) == 1 or (
            plan.leading_digits.match(nsn) if plan.leading_digits else _plan_type(nsn, plan) != PhoneNumberType.UNKNOWN
        ):
            return region, _plan_type(nsn, plan)
    return None, PhoneNumberType.UNKNOWN


def _invalid(num: phonenumbers.PhoneNumber, region: str, plus: bool) -> _Reading:
    """Why a parsed number is not valid, in plain words.

    Without a plus, a short number of the default country is a subscriber number whose
    area code is missing; with a plus it is merely too short.
    """
    nsn = phonenumbers.national_significant_number(num)
    reason = phonenumbers.is_possible_number_with_reason(num)
    local = not plus and len(nsn) in _LOCAL_DIGITS and num.country_code == phonenumbers.country_code_for_region(region)
    if local and reason in (ValidationResult.IS_POSSIBLE_LOCAL_ONLY, ValidationResult.TOO_SHORT):
        return _Reading(None, None, None, LOCAL_NO_CITY)
    if reason in (ValidationResult.TOO_SHORT, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return _Reading(None, None, None, TOO_SHORT)
    if reason == ValidationResult.TOO_LONG:
        return _Reading(None, None, None, TOO_LONG)
    if reason == ValidationResult.INVALID_COUNTRY_CODE:
        return _Reading(None, None, None, _UNKNOWN_COUNTRY_CODE)
    country = phonenumbers.region_code_for_country_code(num.country_code)
    if reason == ValidationResult.INVALID_LENGTH:
        return _Reading(None, None, None, deferred("normalise.phone.wrong_length", country=country))
    return _Reading(None, None, None, deferred("normalise.phone.no_such_code", country=country))


@lru_cache(maxsize=2**19)
def _read(candidate: str, region: str) -> _Reading:
    """``candidate`` is ``+digits`` or national/international ``digits`` dialled from ``region``."""
    plus = candidate.startswith("+")
    nsn = _plus7_national(candidate, region)
    num = None
    if nsn is not None:
        country_code = 7
    else:
        try:
            num = phonenumbers.parse(candidate, region)
        except NumberParseException as exc:
            if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
                issue = _UNKNOWN_COUNTRY_CODE if plus else deferred("normalise.phone.no_country")
            elif exc.error_type == NumberParseException.TOO_LONG:
                issue = TOO_LONG
            else:
                issue = TOO_SHORT
            return _Reading(None, None, None, issue)
        country_code, nsn = num.country_code, phonenumbers.national_significant_number(num)
    country, kind = _classify(country_code, nsn)
    if kind == PhoneNumberType.UNKNOWN:
        return _invalid(num or phonenumbers.PhoneNumber(country_code=7, national_number=int(nsn)), region, plus)
    return _Reading(f"+{country_code}{nsn}", _KINDS.get(kind, "other"), country, None)


def _plus7_national(candidate: str, region: str) -> str | None:
    """The national number of an unmistakable +7 candidate, without the slow generic parser.

    ``+7XXXXXXXXXX`` anywhere; in RU/KZ also ``8XXXXXXXXXX``, ``7XXXXXXXXXX`` and a
    10-digit national number. The property tests check this agrees with phonenumbers.
    """
    digits = candidate.lstrip("+")
    if (
        len(digits) == 11
        and digits[1] not in "01"
        and (digits[0] == "7" if candidate.startswith("+") else region in _PLUS7_REGIONS and digits[0] in "78")
    ):
        return digits[1:]
    if candidate.startswith("+") or region not in _PLUS7_REGIONS:
        return None
    if len(digits) == 10 and digits[0] in "345679":
        return digits
    return None


def _candidates(digits: str, plus: bool) -> list[str]:
    """Readings of the digits beyond the obvious one, for habits the default region lacks."""
    if plus:
        # "+8 916 …": the trunk 8 written after a plus.
        return [digits] if len(digits) == 11 and digits[0] == "8" else []
    out = []
    for prefix in ("00", "810"):  # international prefixes written in any region
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 8:
            out.append("+" + digits[len(prefix) :])
    if (len(digits) == 11 and digits[0] == "7") or len(digits) >= 12:
        out.append("+" + digits)  # a country code written without its plus
    return out


def _fallback(candidate: str, digits: str, plus: bool, region: str, alt_region: str | None) -> _Reading | None:
    """The first valid reading in the record's own country, or through a habit of writing numbers."""
    if alt_region and alt_region != region:
        reading = _read(candidate, alt_region)
        if reading.e164:
            return reading
    return next((r for r in (_read(c, region) for c in _candidates(digits, plus)) if r.e164), None)


def _explicit_candidates(digits: str, plus: bool, region: str) -> list[str]:
    """``+digits`` readings where the writer gave the country: a plus, an international prefix, a +7 trunk."""
    if plus:
        return ["+" + digits]
    out = ["+" + digits[len(prefix) :] for prefix in ("00", "810") if digits.startswith(prefix)]
    if region in _PLUS7_REGIONS and (len(digits) == 10 or (len(digits) == 11 and digits[0] in "78")):
        out.append("+7" + digits[-10:])  # a 10-digit +7 number, with or without its trunk 8 / code 7
    return out


def _possible(digits: str, plus: bool, region: str) -> _Reading | None:
    """An E.164 for a number the plan does not list but its explicit country code allows (see the docstring).

    "Allows" is the length of a fixed-line or mobile number of that country (not of any
    number: short codes and pagers make nearly every length possible somewhere).
    """
    for candidate in _explicit_candidates(digits, plus, region):
        try:
            num = phonenumbers.parse(candidate, None)
        except NumberParseException:
            continue
        nsn = phonenumbers.national_significant_number(num)
        if nsn[:1] in ("", "0") or (num.country_code == 7 and nsn[0] == "1"):
            continue  # no national number of +7 (nor of most plans) starts with 0; +7 1xx is unused
        if any(
            phonenumbers.is_possible_number_for_type_with_reason(num, kind) == ValidationResult.IS_POSSIBLE
            for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE)
        ):
            return _Reading(f"+{num.country_code}{nsn}", None, _country_of(num.country_code, nsn), UNVERIFIED)
    return None


def _country_of(country_code: int, nsn: str) -> str | None:
    """The region of a country code shared by several (+7: RU, KZ) as their leading digits tell."""
    regions = phonenumbers.region_codes_for_country_code(country_code)
    leading = [r for r in regions if r != "001" and (p := _plan(r).leading_digits) is not None and p.match(nsn)]
    return (leading or list(regions) or [None])[0]


@lru_cache(maxsize=200_000)
def _parse_fragment(fragment: str, region: str, alt_region: str | None) -> tuple[Phone, ...]:
    """One fragment of a cell → usually one Phone; two or more when numbers were glued together."""
    phone, digits, too_long = _parse_number(fragment, region, alt_region)
    if phone.e164 is None and (too_long or len(digits) >= 2 * 10):
        glued = _glued_numbers(_split_extension(fragment)[0], region)
        if glued:
            return glued
    return (phone,)


def _parse_number(fragment: str, region: str, alt_region: str | None) -> tuple[Phone, str, bool]:
    """One fragment read as one number: the Phone, its digits, and whether they are too many for one number."""
    body, extension = _split_extension(fragment)
    excel = excel_number(body)
    if excel is not None:
        digits, complete = excel
        plus = False
        if not complete:
            return Phone(fragment, None, extension, issue=digits_lost(body.strip())), "", False
    else:
        digits = _NON_DIGIT.sub("", body)
        sign = _FIRST_SIGN.search(body)
        plus = sign is not None and sign.group() == "+"
    if not digits:
        return Phone(fragment, None, extension, issue=NO_DIGITS), digits, False
    candidate = ("+" if plus else "") + digits
    first = _read(candidate, region)
    valid = first if first.e164 else _fallback(candidate, digits, plus, region, alt_region)
    if valid:
        return Phone(fragment, valid.e164, extension, valid.kind, False, None, valid.country), digits, False
    if first.issue not in (TOO_SHORT, TOO_LONG, LOCAL_NO_CITY) and (possible := _possible(digits, plus, region)):
        return (
            Phone(fragment, possible.e164, extension, None, False, UNVERIFIED, possible.country, unverified=True),
            digits,
            False,
        )
    return Phone(fragment, None, extension, issue=first.issue), digits, first.issue == TOO_LONG


# A text longer than this is no cell of glued numbers (phonenumbers' own parser stops at 250 characters).
_GLUED_MAX_CHARS = 250


def _glued_numbers(text: str, region: str) -> tuple[Phone, ...]:
    """Two or more numbers written one after another with only spaces between them.

    Each piece the matcher finds is read as one number and never split again, so the
    work is bounded whatever the text (the matcher may report the whole text as one
    number with a long extension, which must not send it back here).
    """
    if len(text) > _GLUED_MAX_CHARS:
        return ()
    if text.strip().isdigit():
        return _glued_digits(text.strip(), region)
    found = tuple(
        _parse_number(m.raw_string, region, None)[0]
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    )
    return found if len(found) >= 2 and all(p.e164 for p in found) else ()


def _glued_digits(digits: str, region: str) -> tuple[Phone, ...]:
    """Numbers of one length written with no space at all ("7916123456779161234567"): each must be valid."""
    for size in (11, 10):
        if len(digits) % size == 0 and 2 <= len(digits) // size <= 5:
            parts = [digits[i : i + size] for i in range(0, len(digits), size)]
            readings = [_read(part, region) for part in parts]
            if all(r.e164 for r in readings):
                return tuple(
                    Phone(part, r.e164, None, r.kind, False, None, r.country) for part, r in zip(parts, readings)
                )
    return ()


def _complete_local(phone: Phone, city: City | None, city_text: str | None) -> Phone:
    """A local number completed with the single area code of the record's city, or why not."""
    if city is None:
        if city_text is None:
            return phone
        return Phone(
            phone.raw,
            None,
            phone.extension,
            issue=deferred("normalise.phone.local_unknown_city", city=city_text),
        )
    if len(city.codes) > 1:
        return Phone(
            phone.raw,
            None,
            phone.extension,
            issue=deferred("normalise.phone.local_several_codes", city=city.name),
        )
    body, _ = _split_extension(phone.raw)
    local = _NON_DIGIT.sub("", body)
    reading = _read(city.codes[0] + local, city.region)
    if reading.e164 is None:
        return Phone(
            phone.raw,
            None,
            phone.extension,
            issue=deferred("normalise.phone.local_does_not_fit", code=city.codes[0], city=city.name),
        )
    return Phone(
        phone.raw,
        reading.e164,
        phone.extension,
        reading.kind,
        inferred=True,
        issue=deferred("normalise.phone.area_code_inferred", city=city.name),
        country=reading.country,
    )


@lru_cache(maxsize=200_000)
def parse_phones(cell: str | None, region: str = "RU", city: str | None = None) -> tuple[Phone, ...]:
    """All numbers in ``cell``; an empty tuple for an empty cell.

    ``region`` is the default country (ISO code or country name, from the config, the
    source or the record's country column); ``city`` is the record's city or address cell, used to
    read numbers of another country and to complete local numbers.
    """
    text = cell_text(cell)
    if text is None:
        return ()
    city_text = cell_text(city)
    home = find_city(city_text)
    start = country_region(region) or "ZZ"  # ZZ: only numbers with a country code can be read
    fragments = _fragments(text)
    with_digits = [f for f in fragments if _DIGIT.search(f)]
    found: list[Phone] = []
    # A fragment without digits is a label ("тел./факс") when others carry numbers.
    for fragment in with_digits or [text]:
        for phone in _parse_fragment(fragment, start, home.region if home else None):
            found.append(_complete_local(phone, home, city_text) if phone.issue == LOCAL_NO_CITY else phone)
    return tuple(found)


def normalise_phone_column(
    cells: pd.Series, region: str | pd.Series = "RU", cities: pd.Series | None = None
) -> pd.Series:
    """:func:`parse_phones` over a column: a Series of tuples of :class:`Phone`.

    ``region`` and ``cities`` are a scalar or a column aligned with ``cells``; each
    distinct (cell, region, city) is parsed once.
    """
    regions = region if isinstance(region, pd.Series) else [region] * len(cells)
    return apply_distinct(parse_phones, cells, regions, [None] * len(cells) if cities is None else cities)
