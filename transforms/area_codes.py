"""Cities → country and telephone area codes; country names → ISO regions.

Used to complete a local number (``913-05-27``) from the record's city — only when the
city has a single area code — and to read the country of a record from its country or
city column. The tables are compact text: ``REGION CODES Name|Alias|...``; codes are
national (without the trunk ``8``), several separated by commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from transforms.cells import fold

_CITIES = """
RU 495,499 Москва|Мск|Moscow
RU 812 Санкт-Петербург|Петербург|СПб|С-Пб|С.-Петербург|Питер|Saint Petersburg|St. Petersburg
RU 383 Новосибирск
RU 343 Екатеринбург|Екб
RU 843 Казань
RU 831 Нижний Новгород|Н. Новгород|Н.Новгород
RU 351 Челябинск
RU 846 Самара
RU 3812 Омск
RU 863 Ростов-на-Дону|Ростов на Дону
RU 347 Уфа
RU 391 Красноярск
RU 473 Воронеж
RU 342 Пермь
RU 8442 Волгоград
RU 861 Краснодар
RU 8452 Саратов
RU 3452 Тюмень
RU 8482 Тольятти
RU 3412 Ижевск
RU 3852 Барнаул
RU 8422 Ульяновск
RU 3952 Иркутск
RU 4212 Хабаровск
RU 4852 Ярославль
RU 423 Владивосток
RU 8722 Махачкала
RU 3822 Томск
RU 3532 Оренбург
RU 3842 Кемерово
RU 3843 Новокузнецк
RU 4912 Рязань
RU 8512 Астрахань
RU 8552 Набережные Челны
RU 8412 Пенза
RU 4742 Липецк
RU 8332 Киров
RU 8352 Чебоксары
RU 4872 Тула
RU 4012 Калининград
RU 4712 Курск
RU 8652 Ставрополь
RU 3012 Улан-Удэ
RU 862 Сочи
RU 4822 Тверь
RU 3519 Магнитогорск
RU 4932 Иваново
RU 4832 Брянск
RU 4722 Белгород
RU 3462 Сургут
RU 4922 Владимир
RU 8182 Архангельск
RU 3022 Чита
RU 4842 Калуга
RU 4812 Смоленск
RU 3522 Курган
RU 8202 Череповец
RU 4862 Орёл|Орел
RU 8342 Саранск
RU 8172 Вологда
RU 8672 Владикавказ
RU 4112 Якутск
RU 8152 Мурманск
RU 4752 Тамбов
RU 8712 Грозный
RU 8142 Петрозаводск
RU 4942 Кострома
RU 3466 Нижневартовск
RU 8617 Новороссийск
RU 8362 Йошкар-Ола
RU 8212 Сыктывкар
RU 8662 Нальчик
RU 4162 Благовещенск
RU 8162 Великий Новгород|Новгород
RU 8112 Псков
RU 4242 Южно-Сахалинск
RU 4152 Петропавловск-Камчатский
RU 3902 Абакан
RU 8772 Майкоп
RU 4132 Магадан
RU 8782 Черкесск
RU 84722 Элиста
RU 39422 Кызыл
RU 38822 Горно-Алтайск
RU 34922 Салехард
RU 3467 Ханты-Мансийск
RU 42622 Биробиджан
RU 3652 Симферополь
RU 8692 Севастополь
KZ 7172 Астана|Нур-Султан|Astana
KZ 727 Алматы|Алма-Ата|Almaty
KZ 7252 Шымкент|Чимкент
KZ 7212 Караганда|Караганды
KZ 7132 Актобе
KZ 7182 Павлодар
KZ 7232 Усть-Каменогорск|Оскемен
KZ 7222 Семей|Семипалатинск
KZ 7122 Атырау
KZ 7142 Костанай
KZ 7242 Кызылорда
KZ 7112 Уральск|Орал
KZ 7152 Петропавловск|Петропавл
KZ 7292 Актау
KZ 7262 Тараз
BY 17 Минск|Minsk
BY 232 Гомель
BY 222 Могилёв|Могилев
BY 212 Витебск
BY 152 Гродно
BY 162 Брест
UZ 71,78 Ташкент|Tashkent
UZ 66 Самарканд
KG 312 Бишкек
AM 10 Ереван
GE 32 Тбилиси
AZ 12 Баку
"""

_COUNTRIES = """
RU Россия|РФ|Российская Федерация|Russia|Russian Federation
KZ Казахстан|Республика Казахстан|РК|Kazakhstan
BY Беларусь|Белоруссия|Республика Беларусь|РБ|Belarus
UZ Узбекистан|Uzbekistan
KG Киргизия|Кыргызстан|Kyrgyzstan
TJ Таджикистан|Tajikistan
TM Туркменистан|Turkmenistan
AM Армения|Armenia
AZ Азербайджан|Azerbaijan
GE Грузия|Georgia
MD Молдова|Молдавия|Moldova
UA Украина|Ukraine
"""

# Words around a city name in a city or address cell: "г. Москва", "Москва г", "город Москва".
_CITY_NOISE = re.compile(r"\b(?:г|гор|город|пгт|пос|п|с|д|дер|city)\b\.?", re.IGNORECASE)


@dataclass(frozen=True)
class City:
    """A city of the table: its name as written there, country and national area codes."""

    name: str
    region: str
    codes: tuple[str, ...]


def _key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace(".", " ").split())


def _load_cities() -> dict[str, City]:
    table: dict[str, City] = {}
    for line in _CITIES.strip().splitlines():
        region, codes, names = line.split(" ", 2)
        aliases = names.split("|")
        city = City(aliases[0], region, tuple(codes.split(",")))
        table.update({_key(alias): city for alias in aliases})
    return table


def _load_countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _COUNTRIES.strip().splitlines():
        region, names = line.split(" ", 1)
        table.update({_key(name): region for name in names.split("|")})
    return table


_CITY_TABLE = _load_cities()
_COUNTRY_TABLE = _load_countries()
# "+7495" → Москва: the national area codes with their country calling code, for fixed-line numbers.
_CITY_BY_PREFIX = {
    f"+{phonenumbers.country_code_for_region(c.region)}{code}": c for c in set(_CITY_TABLE.values()) for code in c.codes
}
_PREFIX_LENGTHS = sorted({len(p) for p in _CITY_BY_PREFIX}, reverse=True)


def city_of_number(e164: str | None) -> City | None:
    """The city a fixed-line number's area code belongs to (``+73422…`` → Пермь); None when unknown."""
    if not e164:
        return None
    return next((city for n in _PREFIX_LENGTHS if (city := _CITY_BY_PREFIX.get(e164[:n]))), None)


@lru_cache(maxsize=20_000)
def find_city(text: str | None) -> City | None:
    """The known city named in a city or address cell (``"г. Новосибирск, ул. Ленина, 1"``)."""
    if not text:
        return None
    for part in str(text).split(","):
        city = _CITY_TABLE.get(_key(_CITY_NOISE.sub(" ", part)))
        if city:
            return city
    return None


@lru_cache(maxsize=2_000)
def country_region(text: str | None) -> str | None:
    """ISO region of a country cell: ``"Казахстан"`` → ``"KZ"``; an ISO code passes through."""
    if not text or not str(text).strip():
        return None
    text = str(text).strip()
    if text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    return _COUNTRY_TABLE.get(_key(text))
