"""The value normalisers: why a phone, e-mail, name, company name, INN, KPP or OGRN was not taken as valid.

A normaliser returns these as ``Message`` values (rendered when shown: its results are cached
across runs and languages); ``normalise.warning*`` put them on a record as its warnings.
"""

from vocabulary.messages._tables import entries

_PHONE = {
    "no_digits": ("нет цифр — это не номер телефона", "no digits; not a phone number"),
    "too_short": ("слишком мало цифр для номера телефона", "too short for a phone number"),
    "too_long": ("слишком много цифр для одного номера телефона", "too long for a phone number"),
    "unknown_country_code": ("неизвестный код страны", "unknown country code"),
    "no_country": (
        "нет кода страны, а страна по умолчанию не задана (default_region)",
        "no country code and no default region",
    ),
    "wrong_length": ("неверное число цифр для номера {country}", "wrong number of digits for a {country} number"),
    "no_such_code": (
        "в номерах {country} нет такого кода города или оператора",
        "not a valid {country} number (no such area or operator code)",
    ),
    "local_no_city": (
        "местный номер без кода города, а города в записи нет — дополнить нечем",
        "local number without area code; no city to complete it",
    ),
    "local_unknown_city": (
        "местный номер без кода города; код города {city} неизвестен",
        "local number without area code; no known area code for city {city}",
    ),
    "local_several_codes": (
        "местный номер без кода города; у города {city} несколько кодов — какой из них, неясно",
        "local number without area code; city {city} has several area codes",
    ),
    "local_does_not_fit": (
        "местный номер не подходит к коду {code} города {city}",
        "local number does not fit area code {code} of {city}",
    ),
    "area_code_inferred": ("код города дополнен по городу {city}", "area code inferred from city {city}"),
    "unverified": ("не проверен", "unverified"),
}

# why email-validator refused an address, in our words (transforms.emails maps its English messages)
_EMAIL = {
    "no_at": ("нет знака @ — это не адрес e-mail", "no @ sign; not an email address"),
    "typo": ("домен {domain} похож на опечатку в {suggestion}", "domain {domain} looks like a typo of {suggestion}"),
    "invalid": ("неверный адрес: {reason}", "not a valid email: {reason}"),
    "reason.nothing_after_at": ("после @ ничего нет", "nothing after the @ sign"),
    "reason.nothing_before_at": ("перед @ ничего нет", "nothing before the @ sign"),
    "reason.periods": (
        "точка или дефис в начале, в конце или два знака подряд",
        "a period or hyphen at the start or end, or two in a row",
    ),
    "reason.no_domain": (
        "после @ нет настоящего домена (вида mail.ru)",
        "no real domain after the @ sign (such as mail.ru)",
    ),
    "reason.top_level_short": (
        "зона домена (после последней точки) короче двух букв",
        "the top-level domain is too short",
    ),
    "reason.characters": ("недопустимые символы в адресе", "invalid characters in the address"),
    "reason.too_long": ("адрес слишком длинный", "the address is too long"),
    "reason.malformed": ("адрес записан не по правилам", "the address is malformed"),
}

_NAME = {
    "left_out": ("не вошло в имя: {comments}", "left out of the name: {comments}"),
    "nothing_left": (
        "после удаления пометок в скобках от имени ничего не осталось",
        "no name left after removing comments",
    ),
    "symbols": (
        "в имени есть цифры или знаки — оставлено как написано",
        "name contains digits or symbols; kept as written",
    ),
    "too_many_parts": (
        "в имени больше трёх слов — оставлено как написано",
        "name has more than three parts; kept as written",
    ),
}

_COMPANY = {
    "only_legal_form": (
        "кроме организационно-правовой формы, названия нет",
        "no name besides the legal form",
    ),
    "no_letters": ("в названии компании нет букв", "company name has no letters"),
}

_IDENTIFIER = {
    "excel_digits_lost": (
        "Excel сохранил число как {value} и потерял цифры; возьмите номер из оригинала",
        "digits lost to Excel number format ({value}); take the number from the original",
    ),
    "inn.digits_only": ("ИНН должен состоять только из цифр", "INN must hold digits only"),
    "inn.placeholder": ("ИНН-заглушка (одни нули)", "INN is a placeholder (all zeros)"),
    "inn.length": ("в ИНН должно быть 10 или 12 цифр, а не {n}", "INN must have 10 or 12 digits, not {n}"),
    "inn.checksum": ("контрольная цифра ИНН не сходится", "INN checksum does not match"),
    "inn.kpp_in_cell": ("в той же ячейке был КПП {kpp}", "KPP {kpp} was in the same cell"),
    "inn.zero_restored": ("восстановлен ведущий ноль (Excel его потерял)", "leading zero restored (lost in Excel)"),
    "kpp.eight_digits": (
        "в КПП 8 цифр — вероятно, Excel потерял ведущий ноль",
        "KPP has 8 digits; a leading zero may have been lost (Excel)",
    ),
    "kpp.format": (
        "КПП — 9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры",
        "KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits",
    ),
    "kpp.no_office": (
        "в КПП нет кода налоговой (начинается с 0000)",
        "KPP has no tax office code (starts with 0000)",
    ),
    "ogrn.digits_only": ("ОГРН должен состоять только из цифр", "OGRN must hold digits only"),
    "ogrn.length": (
        "в ОГРН должно быть 13 цифр (в ОГРНИП 15), а не {n}",
        "OGRN must have 13 digits (OGRNIP 15), not {n}",
    ),
    "ogrn.first_digit": ("ОГРН начинается с 1 или 5", "OGRN must start with 1 or 5"),
    "ogrnip.first_digit": ("ОГРНИП начинается с 3", "OGRNIP must start with 3"),
    "ogrn.checksum": ("контрольная цифра ОГРН не сходится", "OGRN checksum does not match"),
    "ogrnip.checksum": ("контрольная цифра ОГРНИП не сходится", "OGRNIP checksum does not match"),
}

MESSAGES = {
    **entries("normalise.phone", _PHONE),
    **entries("normalise.email", _EMAIL),
    **entries("normalise.name", _NAME),
    **entries("normalise.company", _COMPANY),
    **entries("normalise.id", _IDENTIFIER),
    # a record's warning about one of its values: "<field> '<value as written>': <why>"
    "normalise.warning": {"ru": "{field} {value!r}: {issue}", "en": "{field} {value!r}: {issue}"},
    "normalise.warning.no_value": {"ru": "{field}: {issue}", "en": "{field}: {issue}"},
    "normalise.warning.suggestion": {
        "ru": "{field} {value!r}: {issue} (возможно, имелось в виду {suggestion})",
        "en": "{field} {value!r}: {issue} (did you mean {suggestion}?)",
    },
    "normalise.warning.phone_unverified": {
        "ru": "телефон {raw!r}: {e164} — верная длина для кода страны, но такого диапазона нет в известном "
        "плане нумерации (не проверен)",
        "en": "phone {raw!r}: {e164} has the right length for its country code but a range the known numbering "
        "plan does not list (unverified)",
    },
}
