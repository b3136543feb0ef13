"""Property-based tests (hypothesis) of phone parsing invariants.

The last test reaches into ``_classify``: the precompiled stand-in for phonenumbers'
``number_type`` must keep giving the library's answers, whatever the metadata version.
"""

from __future__ import annotations

import re

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType

from transforms.phones import _KINDS, _classify, parse_phones

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
FORMATS = (
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.RFC3966,
)
REGIONS = ("RU", "KZ", "BY", "UZ", "UA", "GB", "ZZ")
FAST = settings(max_examples=150, deadline=None)

national_9xx = st.text("0123456789", min_size=9, max_size=9).map(lambda rest: "9" + rest)


def _valid_ru_mobile(national: str) -> phonenumbers.PhoneNumber:
    number = phonenumbers.parse("+7" + national)
    assume(phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE)
    return number


@st.composite
def scrambled(draw: st.DrawFn, national: str) -> str:
    """The national number behind 8 / +7 / 7 with random spaces, brackets, dashes and dots."""
    prefix = draw(st.sampled_from(["8", "+7", "7", "+7 ", "8 ", "+ 7", "8-", "+7("]))
    out = []
    for digit in national:
        out.append(draw(st.sampled_from(["", "", "", " ", "-", ".", "(", ")", " - "])))
        out.append(digit)
    return prefix + "".join(out)


@FAST
@given(national_9xx, st.sampled_from(FORMATS), st.sampled_from(["RU", "KZ"]))
def test_ru_mobile_in_any_library_format_round_trips(national, fmt, region):
    number = _valid_ru_mobile(national)
    (phone,) = parse_phones(phonenumbers.format_number(number, fmt), region)
    assert phone.e164 == "+7" + national and phone.kind == "mobile"


@FAST
@given(national_9xx.flatmap(lambda n: st.tuples(st.just(n), scrambled(n))))
def test_ru_mobile_with_any_spacing_and_prefix_round_trips(case):
    national, cell = case
    _valid_ru_mobile(national)
    (phone,) = parse_phones(cell, "RU")
    assert phone.e164 == "+7" + national, cell
    assert phone.raw == cell.strip()


@FAST
@given(
    st.sampled_from(["RU", "KZ", "BY", "UZ", "UA", "DE", "GB", "US"]),
    st.sampled_from([phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]),
    st.text("0123456789", min_size=4, max_size=4),
)
def test_national_format_of_any_valid_number_round_trips(region, kind, last_digits):
    """The region's example number with other last digits, written the way locals write it."""
    example = phonenumbers.example_number_for_type(region, kind)
    nsn = phonenumbers.national_significant_number(example)
    number = phonenumbers.parse(f"+{example.country_code}{nsn[:-4]}{last_digits}")
    assume(phonenumbers.is_valid_number(number))
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert [p.e164 for p in parse_phones(national, region)] == [expected]


@FAST
@given(st.sampled_from(["RU", "KZ"]), st.text("0123456789", min_size=10, max_size=11))
def test_bare_digits_agree_with_phonenumbers(region, digits):
    """The +7 shortcut and the habits never contradict the library on what it calls valid."""
    (phone,) = parse_phones(digits, region)
    try:
        reference = phonenumbers.parse(digits, region)
        expected = (
            phonenumbers.format_number(reference, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_valid_number(reference)
            else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    if expected:
        assert phone.e164 == expected
    elif phone.e164:  # only the habits on top of the library: 00 / 8-10 prefixes, 7 or 8 before +7 numbers,
        # or a number of the right length the plan does not list (flagged)
        assert (
            phone.unverified
            or digits.startswith(("00", "810"))
            or (len(digits) == 11 and digits[0] in "78" and phone.e164 == "+7" + digits[1:])
        ), (digits, phone)


@FAST
@given(
    st.text(max_size=60),
    st.sampled_from(REGIONS),
    st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["Москва", "Новосибирск"])),
)
def test_any_text_parses_without_raising_and_keeps_invariants(cell, region, city):
    for phone in parse_phones(cell, region, city):
        assert phone.raw and phone.raw in cell
        if phone.e164 is None:
            assert phone.issue and not phone.inferred
        else:
            assert E164.match(phone.e164)
            assert [p.e164 for p in parse_phones(phone.e164, region)] == [phone.e164]


@FAST
@given(st.lists(st.text("0123456789 ()-+", min_size=5, max_size=20), min_size=1, max_size=4), st.sampled_from(REGIONS))
def test_separators_split_cells_into_numbers(parts, region):
    cells = [p for p in parts if any(c.isdigit() for c in p)]
    assume(cells)
    joined = parse_phones("; ".join(cells), region)
    assert len(joined) >= len(cells)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.sampled_from(
        [
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
        ]
    ),
    st.text("0123456789", max_size=4),
    st.integers(-2, 1),
)
def test_compiled_numbering_plans_agree_with_phonenumbers(region, kind, last_digits, length_change):
    """The precompiled validity/type check gives the library's answers, valid or not."""
    example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    assume(example is not None)
    nsn = phonenumbers.national_significant_number(example)
    nsn = (nsn[: len(nsn) - len(last_digits)] + last_digits + "5" * max(length_change, 0))[: len(nsn) + length_change]
    assume(nsn and not nsn.startswith("0"))
    number = phonenumbers.PhoneNumber(country_code=example.country_code, national_number=int(nsn))
    expected_type = phonenumbers.number_type(number)
    country, got_type = _classify(example.country_code, nsn)
    assert (got_type == PhoneNumberType.UNKNOWN) == (expected_type == PhoneNumberType.UNKNOWN)
    if expected_type != PhoneNumberType.UNKNOWN:
        assert country == phonenumbers.region_code_for_number(number)
        assert _KINDS.get(got_type, "other") == _KINDS.get(expected_type, "other")
