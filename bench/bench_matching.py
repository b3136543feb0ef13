"""Company matching speed and quality: 20k and 100k records with planted duplicates and traps.

The data imitate a client base merged from three sources (an old CRM, 1C accounting, site
orders): Russian-speaking companies and entrepreneurs named from a vocabulary of roots
(«Стройтехмонтаж», «Меридиан Трейд», «Ladoga Trade», ИП Иванов Иван Иванович), written with
their legal form the ways people write it (``ООО "X"``, ``X ООО``, ``Общество с ограниченной
ответственностью «X»``), with checksum-valid INNs, KPPs, phones of their city and emails.

Every true company has one record; 20% more records are planted duplicates of true
companies, as another source or another manager writes them: another form spelling, quotes
and case, sometimes a typo, joined or split words, initials of an entrepreneur, the Latin
name in Cyrillic letters, and — from the source's habits — a missing INN, the phone in
another format, the city missing or written ``г. Москва``. Some true companies are planted
as traps next to another one: the same name in another city, a near-identical name with
another INN, namesake entrepreneurs, branches (same INN, another KPP), numbered siblings
(«СМУ-1» / «СМУ-2»), sister companies sharing the holding's phone.

The ground truth travels with the records (``truth_*`` columns pass through normalisation
untouched). Normalisation runs in one child process and is timed apart; ``match_companies``
runs in another, so its time and peak memory (``ru_maxrss``: interpreter, pandas, the
normalised frame and matching) are its own. Quality is computed after the peak is read:
over record pairs (precision and recall of merges, recall counting review pairs), the
review queue, branches merged, and per planted kind what was missed or wrongly merged,
with examples written to ``workdir/matching_quality_<size>.json``.
"""

from __future__ import annotations

import json
import os
import random
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from bench import measure_in_child
from transforms.company_names import parse_company_name
from vocabulary.fields import COMPANY_FIELDS

TARGET_SECONDS_100K = 60
SIZES = (("20k", 16_000, 4_000), ("100k", 80_000, 20_000))  # (label, true companies, planted duplicates)
GENERATOR_VERSION = 3  # part of the cached file names: bump when the generator changes
SOURCES = ("crm", "buh_1c", "site")
EXAMPLES = 3
T = TypeVar("T")

_NORMALISE_CHILD = """
import json, sys
from bench.bench_matching import normalise_child
print(json.dumps(normalise_child(sys.argv[1], sys.argv[2])))
"""
_MATCH_CHILD = """
import json, sys
from bench.bench_matching import match_child
print(json.dumps(match_child(sys.argv[1], sys.argv[2])))
"""

# ---------------------------------------------------------------- vocabulary

# City, weight, INN/KPP region code, phone area codes (national, without the trunk 8).
_CITIES = [
    ("Москва", 28, "77", ("495", "499")),
    ("Санкт-Петербург", 14, "78", ("812",)),
    ("Новосибирск", 4, "54", ("383",)),
    ("Екатеринбург", 5, "66", ("343",)),
    ("Казань", 4, "16", ("843",)),
    ("Нижний Новгород", 3, "52", ("831",)),
    ("Челябинск", 3, "74", ("351",)),
    ("Самара", 3, "63", ("846",)),
    ("Омск", 2, "55", ("3812",)),
    ("Ростов-на-Дону", 3, "61", ("863",)),
    ("Уфа", 3, "02", ("347",)),
    ("Красноярск", 2, "24", ("391",)),
    ("Воронеж", 2, "36", ("473",)),
    ("Пермь", 2, "59", ("342",)),
    ("Волгоград", 2, "34", ("8442",)),
    ("Краснодар", 3, "23", ("861",)),
    ("Тюмень", 2, "72", ("3452",)),
    ("Ярославль", 1, "76", ("4852",)),
    ("Тверь", 1, "69", ("4822",)),
    ("Калининград", 1, "39", ("4012",)),
]
_CITY_INFO = {c: (region, codes) for c, _, region, codes in _CITIES}
# How 1C addresses and managers write some cities: to the matcher these are other strings.
_CITY_SPELLINGS = {
    "Москва": ["г. Москва", "г Москва", "МОСКВА"],
    "Санкт-Петербург": ["СПб", "г. Санкт-Петербург"],
    "Екатеринбург": ["г. Екатеринбург"],
    "Нижний Новгород": ["Н. Новгород"],
    "Ростов-на-Дону": ["Ростов на Дону"],
}
_FOUR_DIGIT_CODES = frozenset(code for _, _, _, codes in _CITIES for code in codes if len(code) == 4)
_MOBILE_CODES = (
    "900",
    "903",
    "905",
    "906",
    "909",
    "910",
    "912",
    "915",
    "916",
    "917",
    "919",
    "921",
    "925",
    "926",
    "929",
    "950",
    "951",
    "952",
    "960",
    "961",
    "977",
    "981",
    "985",
    "999",
)
_STREETS = (
    "ул. Ленина",
    "ул. Гагарина",
    "пр-т Мира",
    "ул. Советская",
    "ул. Промышленная",
    "ш. Энтузиастов",
    "ул. Садовая",
    "наб. Обводного канала",
    "ул. Заводская",
    "пер. Строителей",
    "ул. Кирова",
)

_ROOTS = (
    "Строй Техно Пром Агро Энерго Авто Мед Транс Инвест Торг Снаб Сиб Урал Волга Нефте Газ Инфо Софт Лес "
    "Металл Хим Евро Север Юг Альфа Дон Кама Эко Гидро Электро Тепло Спец Гео Фарм Био Полимер Бетон Кабель "
    "Мега Профи Вент Стекло Пласт Рос Нева Балт Азия Тех Комп Мост Руд Уголь Зерно Молоко"
).split()
_TAILS = (
    "сервис торг снаб монтаж проект систем ресурс групп трейд комплект маркет лайн холдинг логистик строй "
    "тех инвест пром сбыт контракт импорт экспорт плюс вест ком стиль мир дом центр капитал альянс оптторг "
    "индустрия развитие"
).split()
_MADE_UP = (
    "Ладога Ромашка Меридиан Вектор Альфа Бета Гамма Омега Орион Сириус Атлант Гранит Кристалл Лотос "
    "Радуга Восход Рассвет Заря Берёзка Русь Фаворит Престиж Лидер Олимп Титан Аврора Эверест Магистраль "
    "Импульс Прогресс Союз Сфера Горизонт Квант Базис Стимул Феникс Янтарь Малахит Ирбис Сапфир Триада "
    "Аспект Парус Маяк Волна Ника Дельта Норд Веста Алмаз Бриз Зенит Легион Гарант Аргус Каскад Континент "
    "Полюс Спектр Статус Форвард Элита Эталон Юпитер Ёлочка Солнечный Октава Вертикаль Пилот Ангара "
    "Селена Тайга Ока Исеть Кедр Хронос Модуль Нефрит"
).split()
_WORDS = (
    "Строй Сервис Торг Инвест Групп Трейд Плюс Центр Логистик Девелопмент Консалт Медиа Авто Агро Моторс "
    "Маркет Снаб Проект Эксперт Тех Систем Пром Транс Ойл Фуд Мебель Дизайн Принт Клининг Охрана Энерго "
    "Комплект Монтаж Ресурс Альянс Капитал"
).split()
_EXTRAS = [
    ("", 70),
    ("-М", 4),
    (" Плюс", 4),
    ("-2000", 2),
    (" СПб", 2),
    ("-Сибирь", 2),
    (" Юг", 2),
    ("+", 1),
    (" и К", 2),
    ("-Урал", 2),
    (" Про", 2),
    ("-Д", 2),
    (" XXI", 1),
]
# Latin names as clients write them, with the Cyrillic spelling the same company gets elsewhere.
_LATIN_ROOTS = [
    ("Ladoga", "Ладога"),
    ("Meridian", "Меридиан"),
    ("Vector", "Вектор"),
    ("Alfa", "Альфа"),
    ("Orion", "Орион"),
    ("Sirius", "Сириус"),
    ("Atlant", "Атлант"),
    ("Granit", "Гранит"),
    ("Neva", "Нева"),
    ("Volga", "Волга"),
    ("Ural", "Урал"),
    ("Nord", "Норд"),
    ("Techno", "Техно"),
    ("Prom", "Пром"),
    ("Stroy", "Строй"),
    ("Energo", "Энерго"),
    ("Euro", "Евро"),
    ("Baltic", "Балтик"),
    ("Delta", "Дельта"),
    ("Nova", "Нова"),
    ("Vita", "Вита"),
    ("Mega", "Мега"),
    ("Profi", "Профи"),
    ("Sfera", "Сфера"),
    ("Titan", "Титан"),
    ("Zenit", "Зенит"),
    ("Kedr", "Кедр"),
    ("Avrora", "Аврора"),
]
_LATIN_WORDS = [
    ("Trade", "Трейд"),
    ("Group", "Групп"),
    ("Service", "Сервис"),
    ("Logistics", "Логистикс"),
    ("Systems", "Системс"),
    ("Invest", "Инвест"),
    ("Consulting", "Консалтинг"),
    ("Development", "Девелопмент"),
    ("Solutions", "Солюшнс"),
    ("Technologies", "Текнолоджис"),
    ("Engineering", "Инжиниринг"),
    ("Capital", "Капитал"),
    ("Media", "Медиа"),
    ("Import", "Импорт"),
    ("Holding", "Холдинг"),
    ("Motors", "Моторс"),
    ("Food", "Фуд"),
    ("Pro", "Про"),
    ("Lab", "Лаб"),
    ("Line", "Лайн"),
]
_LATIN_EXTRAS = [("", ""), ("", ""), ("", ""), (" Rus", " Рус"), (" Plus", " Плюс"), (" SPb", " СПб")]
_SIBLING_WORDS = ("Логистик", "Трейд", "Сервис", "Строй", "Девелопмент", "Управление", "Снаб", "Проект")

_SURNAMES = (
    "Иванов Петров Сидоров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров "
    "Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров "
    "Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев "
    "Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоренко "
    "Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков "
    "Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров "
    "Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв "
    "Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков "
    "Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев "
    "Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин "
    "Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев Цветков Левин "
    "Митрофанов Воронов Аксёнов Софронов Мальцев Логинов Горшков Савин Краснов Майоров Демидов Елисеев "
    "Рыбаков Сафонов Плотников Дёмин Хохлов Фадеев Молчанов Игнатов Литвинов Ершов Ушаков Дементьев "
    "Рябов Мухин Калашников Леонтьев Лобанов Кузин Корнеев Евдокимов Бородин Платонов Некрасов Балашов "
    "Бобров Жданов Блинов Игнатьев Коротков Муравьёв Крюков Беляков Богомолов Дроздов Лаврентьев Зуев "
    "Петухов Суворов Васильевский Покровский Черных Шевченко Бондаренко Ткаченко Островский"
).split()
_MALE_NAMES = (
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир Владислав "
    "Геннадий Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл Константин Леонид "
    "Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей Станислав Степан Тимур Фёдор "
    "Юрий Ярослав"
).split()
_FEMALE_NAMES = (
    "Анна Алла Алёна Анастасия Валентина Валерия Вера Виктория Галина Дарья Екатерина Елена Жанна "
    "Зоя Инна Ирина Карина Кристина Ксения Лариса Любовь Людмила Марина Мария Надежда Наталья Нина "
    "Оксана Ольга Полина Светлана Софья Татьяна Юлия Яна"
).split()
_PATRONYMICS = [
    tuple(p.split("/"))
    for p in (
        "Иванович/Ивановна Петрович/Петровна Александрович/Александровна Степанович/Степановна Фёдорович/Фёдоровна "
        "Романович/Романовна Борисович/Борисовна Глебович/Глебовна Максимович/Максимовна Павлович/Павловна "
        "Олегович/Олеговна Владимирович/Владимировна Денисович/Денисовна Антонович/Антоновна Игоревич/Игоревна "
        "Кириллович/Кирилловна Вадимович/Вадимовна Владиславович/Владиславовна Тимурович/Тимуровна "
        "Станиславович/Станиславовна Леонидович/Леонидовна Викторович/Викторовна Михайлович/Михайловна "
        "Русланович/Руслановна Сергеевич/Сергеевна Андреевич/Андреевна Алексеевич/Алексеевна "
        "Николаевич/Николаевна Юрьевич/Юрьевна Дмитриевич/Дмитриевна Евгеньевич/Евгеньевна Васильевич/Васильевна "
        "Григорьевич/Григорьевна Геннадьевич/Геннадьевна Валерьевич/Валерьевна Ильич/Ильинична"
    ).split()
]

_FORMS = [("ООО", 78), ("АО", 8), ("ЗАО", 5), ("ОАО", 2), ("ПАО", 1), ("МУП", 1)]
_LONG_FORMS = {
    "ООО": "Общество с ограниченной ответственностью",
    "АО": "Акционерное общество",
    "ЗАО": "Закрытое акционерное общество",
    "ОАО": "Открытое акционерное общество",
    "ПАО": "Публичное акционерное общество",
    "МУП": "Муниципальное унитарное предприятие",
    "ИП": "Индивидуальный предприниматель",
}
_QUOTES = [(('"', '"'), 40), (("«", "»"), 25), (("", ""), 20), (("“", "”"), 5), (('""', '""'), 5), (("'", "'"), 5)]
_KEYBOARD_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_TRANSLIT = {
    **dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщыэюя",
            "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch y e yu ya".split(),
        )
    ),
    "ъ": "",
    "ь": "",
}


# ---------------------------------------------------------------- the true companies


@dataclass
class Company:
    """One real company or entrepreneur; every record of it is rendered from these facts."""

    id: int
    kind: str  # legal | entrepreneur
    form: str  # ООО, АО, ИП, ...
    name: str  # bare name: «Стройтехмонтаж», «Иванов Иван Иванович»
    city: str
    inn: str | None
    kpp: str | None
    phones: list[str]  # national numbers, 10 digits
    emails: list[str]
    cyrillic: str | None = None  # the Cyrillic spelling of a Latin name
    entity: int = -1  # the legal entity: a branch shares its head office's
    planted: str = ""  # the trap this company was made as ("" for an ordinary one)
    twin: int = -1  # the company it was made to resemble
    always_inn: bool = False  # every record carries the INN (traps that only an INN tells apart)


_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = ((7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(w * int(d) for w, d in zip(weights, digits)) % 11 % 10)


class _Registry:
    """What must be unique across true companies: INNs, phones, email stems and name keys."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.name_keys: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def claim_name(self, name: str) -> bool:
        """Whether no company has this name's matching key yet (and now this one has)."""
        key = parse_company_name(name).match_key
        if key in self.name_keys:
            return False
        self.name_keys.add(key)
        return True

    def inn(self, region: str, individual: bool) -> str:
        """A checksum-valid INN: region, inspection, serial, check digit(s)."""

        def make() -> str:
            body = (
                region
                + f"{self.rng.randrange(1, 50):02d}"
                + "".join(self.rng.choices("0123456789", k=6 if individual else 5))
            )
            if not individual:
                return body + _check_digit(body, _INN10_WEIGHTS)
            body += _check_digit(body, _INN12_WEIGHTS[0])
            return body + _check_digit(body, _INN12_WEIGHTS[1])

        return self._fresh(make)

    def phone(self, city: str, mobile: bool) -> str:
        codes = _MOBILE_CODES if mobile else _CITY_INFO[city][1]

        def make() -> str:
            code = self.rng.choice(codes)
            return code + str(self.rng.randrange(2, 10)) + "".join(self.rng.choices("0123456789", k=9 - len(code)))

        return self._fresh(make)

    def emails(self, kind: str, name: str, city: str) -> list[str]:
        """A free-mail box or a domain of the company's own (with a role and a personal mailbox)."""
        rng, stem = self.rng, _translit(name.split()[0] if kind == "entrepreneur" else name)[:20] or "firma"
        if kind == "entrepreneur" or rng.random() < 0.3:
            domain = rng.choice(["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru"])
            box = self._fresh(
                lambda: stem + rng.choice(["", "-" + _translit(city)[:3], str(rng.randrange(1, 999))]) + f"@{domain}"
            )
            return [box]
        domain = self._fresh(
            lambda: f"{stem}{rng.choice(['', '', '-' + _translit(city)[:3], str(rng.randrange(9))])}.ru"
        )
        return [
            f"{rng.choice(['info', 'office', 'sales', 'zakaz'])}@{domain}",
            f"{_translit(rng.choice(_SURNAMES))}@{domain}",
        ]


def _translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum())


def _weighted(rng: random.Random, table: list[tuple[T, int]]) -> T:
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def _legal_name(rng: random.Random) -> tuple[str, str | None]:
    """(bare name, its Cyrillic spelling when the name is Latin)."""
    r = rng.random()
    if r < 0.04:
        (lat, cyr), (wl, wc), (el, ec) = rng.choice(_LATIN_ROOTS), rng.choice(_LATIN_WORDS), rng.choice(_LATIN_EXTRAS)
        return f"{lat} {wl}{el}", f"{cyr} {wc}{ec}"
    if r < 0.55:
        first, second = rng.sample(_ROOTS, 2)
        name = first + (second.lower() if rng.random() < 0.6 else "") + rng.choice(_TAILS)
    elif r < 0.62:
        name = rng.choice(_MADE_UP)
    else:
        name = rng.choice(_MADE_UP) + rng.choice([" ", " ", "-"]) + rng.choice(_WORDS)
    name += _weighted(rng, _EXTRAS)
    if rng.random() < 0.05:
        name = "ТД " + name
    return name, None


def _person(rng: random.Random) -> str:
    surname = rng.choice(_SURNAMES)
    male, female = rng.choice(_PATRONYMICS)
    if rng.random() < 0.7:
        return f"{surname} {rng.choice(_MALE_NAMES)} {male}"
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        surname += "а"
    elif surname.endswith("ский"):
        surname = surname[:-2] + "ая"
    return f"{surname} {rng.choice(_FEMALE_NAMES)} {female}"


def _company(rng: random.Random, ids: _Registry, cid: int) -> Company:
    """An ordinary company or entrepreneur whose name key no other ordinary company has."""
    city = _weighted(rng, [(c, w) for c, w, _, _ in _CITIES])
    entrepreneur = rng.random() < 0.15
    while True:
        name, cyrillic = (_person(rng), None) if entrepreneur else _legal_name(rng)
        if ids.claim_name(name):
            break
    form = "ИП" if entrepreneur else _weighted(rng, _FORMS)
    region = _CITY_INFO[city][0]
    inn = ids.inn(region, entrepreneur) if rng.random() < 0.85 else None
    kpp = f"{region}{inn[2:4]}01001" if inn and not entrepreneur else None
    phones = [ids.phone(city, mobile=entrepreneur or rng.random() < 0.25)]
    if rng.random() < 0.35:
        phones.append(ids.phone(city, mobile=rng.random() < 0.6))
    kind = "entrepreneur" if entrepreneur else "legal"
    return Company(cid, kind, form, name, city, inn, kpp, phones, ids.emails(kind, name, city), cyrillic, cid)


def _other_city(rng: random.Random, city: str) -> str:
    return _weighted(rng, [(c, w) for c, w, _, _ in _CITIES if c != city])


def _one_letter_off(rng: random.Random, name: str) -> str:
    """Another company's name one letter away: «Вектор» / «Виктор», «Альтаир» / «Альтаир-М»."""
    return _typo(rng, name) if rng.random() < 0.5 else name + rng.choice(["-М", " Плюс", "-2", "+", " Про", "-Д"])


def _plant(rng: random.Random, ids: _Registry, twin: Company, kind: str, next_id: int) -> list[Company]:
    """New companies made as a trap next to ``twin`` (which some kinds change: a number, a forced INN).

    A near-identical or sister name is one no other company has, so that a wrong merge
    next to a trap is counted against that trap, not against a company of the same name.
    """
    twin.planted = f"{kind} (original)"
    made: list[Company] = []

    def new(name: str, city: str, **changes: object) -> Company:
        region = _CITY_INFO[city][0]
        inn = ids.inn(region, twin.kind == "entrepreneur")
        c = Company(
            next_id + len(made),
            twin.kind,
            twin.form,
            name,
            city,
            inn,
            f"{region}{inn[2:4]}01001" if twin.kind == "legal" else None,
            [ids.phone(city, mobile=twin.kind == "entrepreneur")],
            ids.emails(twin.kind, name, city),
            twin.cyrillic if name == twin.name else None,
            next_id + len(made),
            kind,
            twin.id,
        )
        for attr, value in changes.items():
            setattr(c, attr, value)
        made.append(c)
        return c

    if kind == "same name, other city":
        new(twin.name, _other_city(rng, twin.city))
    elif kind == "near-identical name, other INN":
        twin.inn = twin.inn or ids.inn(_CITY_INFO[twin.city][0], False)
        twin.kpp = twin.kpp or f"{_CITY_INFO[twin.city][0]}{twin.inn[2:4]}01001"
        twin.always_inn = True
        name = next(n for n in iter(lambda: _one_letter_off(rng, twin.name), None) if ids.claim_name(n))
        new(name, twin.city if rng.random() < 0.5 else _other_city(rng, twin.city), always_inn=True)
    elif kind == "namesake":
        twin.always_inn = bool(twin.inn)
        new(twin.name, twin.city if rng.random() < 0.4 else _other_city(rng, twin.city), always_inn=bool(twin.inn))
    elif kind == "branch":
        region = _CITY_INFO[twin.city][0]
        twin.inn = twin.inn or ids.inn(region, False)
        twin.kpp, twin.always_inn = f"{region}{twin.inn[2:4]}01001", True
        for n in range(rng.choice([1, 1, 2])):
            city = twin.city if rng.random() < 0.2 else _other_city(rng, twin.city)
            kpp = f"{_CITY_INFO[city][0]}{rng.randrange(1, 50):02d}{rng.choice(['43', '45', '02'])}{n + 1:03d}"
            new(twin.name, city, inn=twin.inn, kpp=kpp, entity=twin.id, always_inn=True)
    elif kind == "numbered sibling":
        numbers = rng.sample(range(1, 12), rng.choice([2, 2, 3]))
        style = rng.choice(["{}-{}", "{} {}", "{} № {}", "{}-{}"])
        base, twin.name, twin.cyrillic = twin.name, style.format(twin.name, numbers[0]), None
        for n in numbers[1:]:
            new(style.format(base, n), twin.city)
    elif kind == "sister sharing the office phone":
        stem = twin.name.split("-")[0].split()[0]
        name = next(
            (n for n in (f"{stem} {w}" for w in rng.sample(_SIBLING_WORDS, len(_SIBLING_WORDS))) if ids.claim_name(n)),
            None,
        )
        if name:  # else every sister name is some other company's already
            new(name, twin.city).phones = [twin.phones[0]]
    return made


# (trap, share of the true companies, whom it is planted next to)
_TRAPS = [
    ("same name, other city", 0.025, "legal"),
    ("near-identical name, other INN", 0.019, "legal"),
    ("namesake", 0.0125, "entrepreneur"),
    ("branch", 0.01, "legal"),
    ("numbered sibling", 0.006, "legal"),
    ("sister sharing the office phone", 0.006, "legal"),
]


def make_companies(rng: random.Random, total: int) -> list[Company]:
    """``total`` true companies, about 9% of them planted as traps (see ``_TRAPS``).

    Ordinary companies have names no other ordinary company has, so that every wrong
    merge of two companies is either a planted trap or a near-identical name by chance.
    """
    ids = _Registry(rng)
    planned = [(kind, round(total * share), whom) for kind, share, whom in _TRAPS]
    # a branch or numbered-sibling trap adds ~1.4 companies: leave them room
    ordinary = total - round(sum(n * (1.4 if k in ("branch", "numbered sibling") else 1) for k, n, _ in planned))
    companies = [_company(rng, ids, i) for i in range(ordinary)]
    pools = {whom: [c for c in companies if c.kind == whom] for whom in ("legal", "entrepreneur")}
    for pool in pools.values():
        rng.shuffle(pool)
    for kind, n, whom in planned:
        for _ in range(min(n, total - len(companies))):
            companies.extend(_plant(rng, ids, pools[whom].pop(), kind, len(companies)))
    while len(companies) < total:
        companies.append(_company(rng, ids, len(companies)))
    return companies[:total]


# ---------------------------------------------------------------- records


def _typo(rng: random.Random, name: str) -> str:
    """One typing error after a word's first letter: a neighbouring key, two letters swapped, or one dropped."""
    spots = [i for i, ch in enumerate(name) if ch.isalpha() and i > 0 and name[i - 1].isalpha()]
    if not spots:
        return name
    i = rng.choice(spots)
    ch, how = name[i], rng.random()
    row = next((r for r in _KEYBOARD_ROWS if ch.lower() in r), None)
    if how < 0.45 and row:
        j = row.index(ch.lower())
        new = row[j - 1] if j and (rng.random() < 0.5 or j == len(row) - 1) else row[j + 1]
        return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1 :]
    if how < 0.75 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != ch:
        return name[:i] + name[i + 1] + ch + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _initials(name: str) -> str:
    last, first, middle = name.split()
    return f"{last} {first[0]}.{middle[0]}."


def _quoted(rng: random.Random, name: str) -> str:
    opening, closing = _weighted(rng, _QUOTES)
    return f"{opening}{name}{closing}"


def _with_form(rng: random.Random, form: str, name: str, source: str) -> str:
    """A name with its legal form, as this source tends to write it."""
    if form == "ИП":
        return rng.choice(
            [
                f"ИП {name}",
                f"ИП {name}",
                f"{name} ИП",
                f"Индивидуальный предприниматель {name}",
                f"ИП {name.upper()}",
                name,
            ]
        )
    if source == "buh_1c" and rng.random() < 0.6:
        return rng.choice([f"{name} {form}", f"{name}, {form}", f"{_quoted(rng, name)} {form}"])
    if source == "site" and rng.random() < 0.3:
        return rng.choice([name, name.lower(), f"{form.lower()} {name.lower()}", f"{form} {name}"])
    r = rng.random()
    if r < 0.08 and form in _LONG_FORMS:
        return f"{_LONG_FORMS[form]} {_quoted(rng, name)}"
    if r < 0.13:
        return f"{form} {_quoted(rng, name.upper())}"
    if r < 0.2:
        return f"{_quoted(rng, name)} {form}"
    return f"{form}{rng.choice([' ', ' ', '  '])}{_quoted(rng, name)}"


def _phone_text(rng: random.Random, nsn: str) -> str:
    """A number as people write it: ``+7 (495) 123-45-67``, ``8 (495) …``, ``84951234567``, ``495 123 45 67``."""
    code = nsn[:4] if nsn[:4] in _FOUR_DIGIT_CODES else nsn[:3]
    a, rest = code, nsn[len(code) :]
    b, c, d = rest[:-4], rest[-4:-2], rest[-2:]
    return rng.choice(
        [
            f"+7 ({a}) {b}-{c}-{d}",
            f"8 ({a}) {b}-{c}-{d}",
            f"8{nsn}",
            f"+7{nsn}",
            f"7{nsn}",
            f"8-{a}-{b}-{c}-{d}",
            f"+7 {a} {b} {c} {d}",
            f"8 {a} {b}{c}{d}",
            f"({a}) {b}-{c}-{d}",
        ]
    )


# Per source: P(INN | the company has one), P(KPP | INN), P(phone), P(email), P(city), P(city in its 1C spelling).
_PROFILES = {
    "crm": (0.45, 0.35, 0.9, 0.5, 0.8, 0.05),
    "buh_1c": (0.95, 0.9, 0.5, 0.3, 0.45, 0.3),
    "site": (0.15, 0.1, 0.95, 0.9, 0.6, 0.0),
}


@dataclass
class _Record:
    company: Company
    source: str
    role: str  # base | duplicate
    tags: list[str] = field(default_factory=list)  # the deliberate variations of a duplicate


def _render(rng: random.Random, rec: _Record) -> dict:
    """The source cells of one record of a company, as its source writes them."""
    c, source = rec.company, rec.source
    p_inn, p_kpp, p_phone, p_email, p_city, p_spelling = _PROFILES[source]
    name = c.name
    if "translit" in rec.tags:
        name = c.cyrillic or name
    if "initials" in rec.tags:
        name = _initials(name)
    if "spacing" in rec.tags:
        name = name.replace(" ", "", 1) if " " in name else name.replace("-", "", 1)
    if "typo" in rec.tags:
        name = _typo(rng, name)
    if name.startswith("ТД ") and rng.random() < 0.3:
        name = rng.choice(["Торговый дом ", "Торговый Дом ", "ТОРГОВЫЙ ДОМ "]) + name[3:]
    row: dict = {f: None for f in COMPANY_FIELDS}
    row["name"] = _with_form(rng, c.form, name, source)
    if source == "buh_1c" and c.form in _LONG_FORMS and rng.random() < 0.7:
        row["legal_name"] = f"{_LONG_FORMS[c.form]} {_quoted(rng, name) if c.form != 'ИП' else name}"
    if c.inn and (c.always_inn and rec.role == "base" or rng.random() < p_inn):
        row["inn"] = c.inn
        if c.kpp and (c.always_inn and rec.role == "base" or rng.random() < p_kpp):
            row["kpp"] = c.kpp
    if rng.random() < p_phone:
        numbers = c.phones if rng.random() < 0.3 else [c.phones[0]] if rng.random() < 0.8 else c.phones[-1:]
        row["phone"] = ", ".join(_phone_text(rng, n) for n in numbers)
    if rng.random() < p_email:
        row["email"] = rng.choice(c.emails)
    if rng.random() < p_city:
        row["city"] = (
            rng.choice(_CITY_SPELLINGS[c.city]) if (c.city in _CITY_SPELLINGS and rng.random() < p_spelling) else c.city
        )
    if source == "buh_1c" and rng.random() < 0.7:
        row["address"] = f"г. {c.city}, {rng.choice(_STREETS)}, д. {rng.randrange(1, 120)}"
    return row


def _duplicate_tags(rng: random.Random, c: Company) -> list[str]:
    """Deliberate variations of a planted duplicate (the source's habits add the rest)."""
    tags = []
    if c.cyrillic and rng.random() < 0.4:
        tags.append("translit")
    if c.kind == "entrepreneur" and rng.random() < 0.15:
        tags.append("initials")
    if (" " in c.name or "-" in c.name) and c.kind == "legal" and rng.random() < 0.1:
        tags.append("spacing")
    if rng.random() < 0.25:
        tags.append("typo")
    return tags


def make_records(path: Path, true_companies: int, duplicates: int, seed: int) -> Path:
    """Pickle a frame of canonical company records with ``truth_*`` columns; reused when present."""
    if path.exists():
        return path
    rng = random.Random(seed)
    companies = make_companies(rng, true_companies)
    records = [_Record(c, _weighted(rng, [("crm", 45), ("buh_1c", 35), ("site", 20)]), "base") for c in companies]
    targets = rng.sample(companies, duplicates * 3 // 4)
    targets += rng.choices(targets, k=duplicates - len(targets))  # some companies come back two or three times
    for c in targets:
        base_source = records[c.id].source
        source = rng.choice([s for s in SOURCES if s != base_source]) if rng.random() < 0.75 else base_source
        records.append(_Record(c, source, "duplicate", _duplicate_tags(rng, c)))
    rng.shuffle(records)
    counters: Counter[str] = Counter()
    rows = []
    for rec in records:
        counters[rec.source] += 1
        c, cells = rec.company, _render(rng, rec)
        rows.append(
            {
                "_source": rec.source,
                "_source_key": f"{rec.source[0]}{counters[rec.source]}",
                "_origin": f"{rec.source}!{counters[rec.source] + 1}",
                **cells,
                "_extra": {},
                "_payload": "{}",
                "truth_name": cells["name"],
                "truth_id": c.id,
                "truth_entity": c.entity,
                "truth_planted": c.planted,
                "truth_twin": c.twin,
                "truth_role": rec.role,
                "truth_tags": ",".join(rec.tags),
            }
        )
    from transforms.normalise import as_frame

    as_frame({k: [r[k] for r in rows] for k in rows[0]}).to_pickle(path)
    return path


# ---------------------------------------------------------------- child processes


def normalise_child(raw: str, out: str) -> dict:
    """Normalise the raw records (timed apart from matching) and pickle the result for the matcher."""
    from transforms.normalise import normalise_companies

    frame = pd.read_pickle(raw)
    t0 = time.perf_counter()
    normalised = normalise_companies(frame, {s: "RU" for s in SOURCES})
    seconds = time.perf_counter() - t0
    normalised.to_pickle(out)
    return {"seconds": seconds, "rows": len(normalised)}


def match_child(normalised: str, examples_path: str) -> dict:
    """Time ``match_companies``, read the peak memory, then judge the clusters against the truth."""
    from pipelines.config import MatchingConfig
    from transforms.matching import match_companies

    frame = pd.read_pickle(normalised)
    t0 = time.perf_counter()
    matched = match_companies(frame, MatchingConfig().thresholds)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    quality, examples = _quality(matched.frame, matched.links, matched.review)
    Path(examples_path).write_text(json.dumps(examples, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "rows": len(frame),
        **quality,
        "hard_rule_violations": _violations(matched.frame),
        "engine": matched.stats,
    }


def _violations(frame: pd.DataFrame) -> int:
    """Clusters holding two INNs, or one INN with two KPPs: must be zero."""
    bad = 0
    for inns, kpps in (
        frame.groupby("cluster")
        .agg({"inn": lambda s: s.dropna().nunique(), "kpp": lambda s: s.dropna().nunique()})
        .itertuples(index=False)
    ):
        bad += inns > 1 or kpps > 1
    return bad


# ---------------------------------------------------------------- quality


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _show(frame: pd.DataFrame, i: int) -> str:
    """One record as a consultant would see it, with its truth."""
    r = frame.iloc[i]
    phones = ", ".join(p.raw for p in r["phones"])
    bits = [
        f"{r['_source']}:{r['_source_key']}",
        repr(r["truth_name"]),
        f"key={r['name_key']!r}",
        f"city={r['city']!r}",
        f"inn={r['inn']}",
        f"kpp={r['kpp']}",
        f"phone={phones!r}",
    ]
    return " | ".join(bits) + f" [true {r['truth_id']}{' ' + r['truth_tags'] if r['truth_tags'] else ''}]"


def _evidence(frame: pd.DataFrame, a: int, b: int) -> list[str]:
    """What the records of a true pair have in common, as features of the pair."""
    ra, rb = frame.iloc[a], frame.iloc[b]
    inns = [bool(ra["inn"]), bool(rb["inn"])]
    feats = ["INN on both" if all(inns) else "INN on one only" if any(inns) else "no INN"]
    feats.append("same name key" if ra["name_key"] == rb["name_key"] else "name key differs")
    pa, pb = ({p.e164 for p in r["phones"] if p.e164} for r in (ra, rb))
    if pa & pb:
        raws = {p.raw for p in ra["phones"] if p.e164 in pb} | {p.raw for p in rb["phones"] if p.e164 in pa}
        feats.append("same phone" + (" written differently" if len(raws) > 1 else ""))
    else:
        feats.append("no shared phone")
    ea, eb = ({e.email for e in r["emails"] if e.email} for r in (ra, rb))
    if ea & eb:
        feats.append("same email")
    ca, cb = ra["city"], rb["city"]
    feats.append(
        "city on both, same"
        if ca and ca == cb
        else "city spelled differently"
        if ca and cb
        else "city on one only"
        if ca or cb
        else "no city"
    )
    return feats


def _reason_kind(reason: str) -> str:
    for prefix, kind in (
        ("same INN", "same INN"),
        ("same name", "same name key"),
        ("same phone", "shared phone"),
        ("same email", "shared email"),
        ("names", "fuzzy"),
        ("a reviewer", "decision"),
    ):
        if reason.startswith(prefix):
            return kind
    return "other"


def _quality(frame: pd.DataFrame, links: pd.DataFrame, review: pd.DataFrame) -> tuple[dict, dict]:
    index = {rec: i for i, rec in enumerate(zip(frame["_source"], frame["_source_key"]))}
    cluster, truth = frame["cluster"].tolist(), frame["truth_id"].tolist()
    merged = sum(_pairs(n) for n in Counter(cluster).values())
    true = sum(_pairs(n) for n in Counter(truth).values())
    hit = sum(_pairs(n) for n in Counter(zip(cluster, truth)).values())

    review_ends = [
        (index[(r["left_source"], r["left_key"])], index[(r["right_source"], r["right_key"])])
        for r in review.to_dict("records")
    ]
    reviewed = {tuple(sorted((cluster[a], cluster[b]))) for a, b in review_ends}
    by_truth: dict[int, Counter] = defaultdict(Counter)
    for c, t in zip(cluster, truth):
        by_truth[t][c] += 1
    in_review = 0
    for counts in by_truth.values():
        parts = sorted(counts.items())
        for x, (ca, na) in enumerate(parts):
            in_review += sum(na * nb for cb, nb in parts[x + 1 :] if (ca, cb) in reviewed)

    # branches: same INN, both with a KPP, KPPs differ — and, by the truth, different branches of one entity
    branch_pairs = 0
    kpps_by: dict[tuple, Counter] = defaultdict(Counter)
    for c, inn, kpp in zip(cluster, frame["inn"], frame["kpp"]):
        if inn and kpp:
            kpps_by[(c, inn)][kpp] += 1
    for counts in kpps_by.values():
        branch_pairs += _pairs(sum(counts.values())) - sum(_pairs(n) for n in counts.values())
    entity_members: dict[tuple, Counter] = defaultdict(Counter)
    for c, e, t in zip(cluster, frame["truth_entity"], truth):
        entity_members[(c, e)][t] += 1
    branch_entities = sum(
        _pairs(sum(v.values())) - sum(_pairs(n) for n in v.values()) for v in entity_members.values() if len(v) > 1
    )

    # wrong merges, edge by edge: which rule joined two different companies, next to which trap
    planted, twin, entity = (frame[c].tolist() for c in ("truth_planted", "truth_twin", "truth_entity"))
    wrong: Counter[str] = Counter()
    wrong_examples: dict[str, list] = defaultdict(list)
    for e in links.to_dict("records"):
        a, b = index[(e["left_source"], e["left_key"])], index[(e["right_source"], e["right_key"])]
        if truth[a] == truth[b]:
            continue
        related = twin[a] == truth[b] or twin[b] == truth[a] or (twin[a] == twin[b] != -1) or entity[a] == entity[b]
        trap = (
            (planted[a] if planted[a] and "(original)" not in planted[a] else planted[b]).replace(" (original)", "")
            if related
            else "unrelated companies"
        )
        kind = f"{trap} ← {_reason_kind(e['reasons'])}"
        wrong[kind] += 1
        if len(wrong_examples[kind]) < EXAMPLES:
            wrong_examples[kind].append({"a": _show(frame, a), "b": _show(frame, b), "reason": e["reasons"]})

    # planted duplicates, one pair each (the duplicate and its company's first record): found, reviewed, missed
    base_of = {t: i for i, (t, role) in enumerate(zip(truth, frame["truth_role"])) if role == "base"}
    by_feature: dict[str, Counter] = defaultdict(Counter)
    missed_examples: dict[str, list] = defaultdict(list)
    for i, (t, role, tags) in enumerate(zip(truth, frame["truth_role"], frame["truth_tags"])):
        if role != "duplicate":
            continue
        b = base_of[t]
        outcome = (
            "merged"
            if cluster[i] == cluster[b]
            else "review"
            if tuple(sorted((cluster[i], cluster[b]))) in reviewed
            else "missed"
        )
        feats = _evidence(frame, b, i) + [f"variation: {tag}" for tag in tags.split(",") if tag]
        trap = planted[i].replace(" (original)", "")
        feats += [f"company planted as: {trap}"] if trap else []
        for f in feats:
            by_feature[f][outcome] += 1
            by_feature[f]["pairs"] += 1
        if outcome != "merged":
            for f in feats:
                bucket = missed_examples[f"{outcome}: {f}"]
                if len(bucket) < EXAMPLES:
                    bucket.append({"base": _show(frame, b), "duplicate": _show(frame, i), "features": feats})

    review_true = sum(truth[a] == truth[b] for a, b in review_ends)
    bands: dict[str, Counter] = defaultdict(Counter)
    for (a, b), score in zip(review_ends, review["score"]):
        low = min(score, 99) // 5 * 5
        band = f"{low}-{low + 4}" if score >= 80 else "<80 (shared phone/email)"
        bands[band]["pairs"] += 1
        bands[band]["true"] += truth[a] == truth[b]
    recall_by = {
        f: {
            "pairs": c["pairs"],
            "merged": round(c["merged"] / c["pairs"], 3),
            "merged_or_review": round((c["merged"] + c["review"]) / c["pairs"], 3),
        }
        for f, c in sorted(by_feature.items())
    }
    quality = {
        "true_companies": len(by_truth),
        "clusters": len(set(cluster)),
        "true_pairs": true,
        "merged_pairs": merged,
        "precision": round(hit / merged, 4) if merged else None,
        "recall": round(hit / true, 4) if true else None,
        "recall_with_review": round((hit + in_review) / true, 4) if true else None,
        "review_pairs": len(review_ends),
        "review_true_share": round(review_true / len(review_ends), 4) if review_ends else None,
        "review_by_score": {b: dict(c) for b, c in sorted(bands.items())},
        "branch_pairs_merged": branch_pairs,
        "branch_entities_merged": branch_entities,
        "wrong_merge_edges": dict(wrong.most_common()),
        "planted_duplicate_recall": recall_by,
        "merge_reasons": dict(Counter(_reason_kind(r) for r in links["reasons"]).most_common()),
    }
    return quality, {"wrong_merges": wrong_examples, "not_merged": missed_examples, **quality}


# ---------------------------------------------------------------- the benchmark


def run(workdir: Path) -> list[dict]:
    results = []
    only = os.environ.get("BENCH_MATCHING_SIZES")  # e.g. "20k" to run one size
    for label, true_companies, duplicates in SIZES:
        if only and label not in only.split(","):
            continue
        stem = f"matching_{label}_v{GENERATOR_VERSION}"
        raw = make_records(workdir / f"{stem}_raw.pkl", true_companies, duplicates, seed=true_companies)
        normalised = workdir / f"{stem}_normalised.pkl"
        norm = measure_in_child(_NORMALISE_CHILD, str(raw), str(normalised))
        examples = workdir / f"matching_quality_{label}.json"
        m = measure_in_child(_MATCH_CHILD, str(normalised), str(examples))
        results.append(
            {
                "name": f"match_companies {label} records ({true_companies // 1000}k true companies)",
                "rows": m.pop("rows"),
                "seconds": m.pop("seconds"),
                "peak_mb": m.pop("peak_mb"),
                "target_seconds": TARGET_SECONDS_100K if label == "100k" else None,
                "normalise_seconds": round(norm["seconds"], 2),
                **m,
                "examples_file": str(examples),
            }
        )
    return results
