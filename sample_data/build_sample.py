#!/usr/bin/env python3
"""Build the sample client base of ООО «ТехноСнаб» for ``make demo`` and the end-to-end tests.

Writes, next to this script:

* ``old_crm.xlsx``        — export of the old CRM (sheet «Клиенты», mixed rows, merged cells,
                             title row, totals row, hidden lookup sheet «Справочник»);
* ``kontragenty_1c.csv``  — counterparties from 1C: cp1251, ``;``, CRLF;
* ``contacts.csv``        — a contacts list saved by Excel: UTF-8 with BOM, ``,``, CRLF;
* ``expected.json``       — the machine-readable answer key;
* ``EXPECTED.md``         — the same answer key for people.

Everything here is fictional: companies, people, phones, addresses. INN/OGRN values are
generated with correct checksums (and checked again independently before writing), so they
look real but are not taken from any register; a coincidence with a real company is possible
only by chance. Deterministic: a fixed seed, no network, fixed timestamps inside the xlsx, so
two runs give byte-identical files.

    .venv/bin/python sample_data/build_sample.py

Edit the tables below, not the generated files.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

OUT = Path(__file__).resolve().parent
SEED = 20261101
FIXED_TS = datetime(2026, 11, 1, 9, 0, 0)  # workbook created/modified, zip entry times
SHEET = "Клиенты"
TITLE = "Выгрузка клиентов на 01.11.2026"

# ---------------------------------------------------------------------------------------------
# Identifiers: generation (check digits) ...
# ---------------------------------------------------------------------------------------------
W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(weights: tuple[int, ...], digits: str) -> str:
    return str(sum(w * int(d) for w, d in zip(weights, digits)) % 11 % 10)


def make_inn10(prefix: str, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
    return body + _check(W10, body)


def make_inn12(prefix: str, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))
    body += _check(W11, body)
    return body + _check(W12, body)


def make_ogrn(year: str, inn: str, rng: random.Random) -> str:
    """1 YY RR TT NNNNN C: region and tax office taken from the INN prefix."""
    body = "1" + year + inn[:4] + "".join(rng.choice("0123456789") for _ in range(5))
    return body + str(int(body) % 11 % 10)


def make_ogrnip(year: str, inn: str, rng: random.Random) -> str:
    """3 YY RR TT NNNNNNN C."""
    body = "3" + year + inn[:4] + "".join(rng.choice("0123456789") for _ in range(7))
    return body + str(int(body) % 13 % 10)


# ... and an independent verification (written separately, used in asserts only)
def valid_inn(s: str) -> bool:
    if not re.fullmatch(r"\d{10}|\d{12}", s):
        return False
    d = [int(c) for c in s]
    if len(d) == 10:
        return (
            2 * d[0] + 4 * d[1] + 10 * d[2] + 3 * d[3] + 5 * d[4] + 9 * d[5] + 4 * d[6] + 6 * d[7] + 8 * d[8]
        ) % 11 % 10 == d[9]
    n11 = (
        (7 * d[0] + 2 * d[1] + 4 * d[2] + 10 * d[3] + 3 * d[4] + 5 * d[5] + 9 * d[6] + 4 * d[7] + 6 * d[8] + 8 * d[9])
        % 11
        % 10
    )
    n12 = (
        (
            3 * d[0]
            + 7 * d[1]
            + 2 * d[2]
            + 4 * d[3]
            + 10 * d[4]
            + 3 * d[5]
            + 5 * d[6]
            + 9 * d[7]
            + 4 * d[8]
            + 6 * d[9]
            + 8 * d[10]
        )
        % 11
        % 10
    )
    return n11 == d[10] and n12 == d[11]


def valid_ogrn(s: str) -> bool:
    if len(s) == 13 and s.isdigit():
        return int(s[:12]) % 11 % 10 == int(s[12])
    if len(s) == 15 and s.isdigit():
        return int(s[:14]) % 13 % 10 == int(s[14])
    return False


# the checker itself against famous public identifiers (Сбербанк, Яндекс, a textbook 12-digit INN)
assert valid_inn("7707083893") and valid_inn("7736207543") and valid_inn("500100732259")
assert valid_ogrn("1027700132195") and not valid_inn("7707083894")


# ---------------------------------------------------------------------------------------------
# The real world: companies (C..) and people (P..). Sources below refer to them.
# ---------------------------------------------------------------------------------------------
@dataclass
class Company:
    cid: str
    name: str  # canonical display name
    legal: str | None  # full legal name
    city: str
    inn_prefix: str | None  # None: no Russian INN (foreign company)
    year: str = "15"  # OGRN registration year
    kind: str = "legal"  # legal | entrepreneur | foreign
    kpp: str | None = None  # set for legal entities: prefix + "01001" (head office)
    inn: str | None = None
    ogrn: str | None = None
    note: str = ""


OOO = "Общество с ограниченной ответственностью"
AO = "Акционерное общество"
COMPANIES: list[Company] = [
    Company("C01", "ООО «Ромашка»", f"{OOO} «Ромашка»", "Москва", "7701", "09"),
    Company("C02", "АО «ПромТехСервис»", f"{AO} «ПромТехСервис»", "Москва", "7701", "03", note="head office of C03"),
    Company(
        "C03",
        "АО «ПромТехСервис» (филиал в Санкт-Петербурге)",
        "Филиал акционерного общества «ПромТехСервис» в г. Санкт-Петербурге",
        "Санкт-Петербург",
        None,
        note="branch of C02: same INN and OGRN, KPP 780443001",
    ),
    Company("C04", "ООО «Берёзка»", f"{OOO} «Берёзка»", "Екатеринбург", "6658", "12"),
    Company("C05", "ООО «АльфаСтрой»", f"{OOO} «АльфаСтрой»", "Казань", "1655", "14"),
    Company("C06", "ООО «ВекторПласт»", f"{OOO} «ВекторПласт»", "Нижний Новгород", "5260", "11"),
    Company(
        "C07",
        "ИП Соколов Андрей Викторович",
        "Индивидуальный предприниматель Соколов Андрей Викторович",
        "Подольск",
        "5036",
        "16",
        kind="entrepreneur",
    ),
    Company("C08", "ООО «Агидель-Комплект»", f"{OOO} «Агидель-Комплект»", "Уфа", "0274", "08"),
    Company("C09", "ООО «Горизонт»", f"{OOO} «Горизонт»", "Самара", "6316", "13"),
    Company("C10", "ООО «Сибирские технологии»", f"{OOO} «Сибирские технологии»", "Новосибирск", "5406", "17"),
    Company("C11", "ООО «СтройГрад»", f"{OOO} «СтройГрад»", "Москва", "7728", "10"),
    Company("C12", "ООО «БелПромКомплект»", None, "Минск", None, kind="foreign", note="Belarus, no INN"),
    Company("C13", "СП ООО «Ташкент Агро Трейд»", None, "Ташкент", None, kind="foreign", note="Uzbekistan, no INN"),
    Company("C14", "ТОО «Астана Инжиниринг»", None, "Астана", None, kind="foreign", note="Kazakhstan, no INN"),
    Company("C15", "ООО «Кедр»", f"{OOO} «Кедр»", "Томск", "7017", "06", note="INN in 1C has a wrong check digit"),
    Company(
        "C16",
        "ООО «Меридиан»",
        f"{OOO} «Меридиан»",
        "Ростов-на-Дону",
        "6164",
        "18",
        note="its 1C line is ragged: quarantined, never reaches the CRM",
    ),
    Company("C17", "(без названия)", None, "Москва", "7743", "19", note="1C record with an empty name: quarantined"),
    Company("C18", "(без названия)", None, "Санкт-Петербург", None, note="old CRM card with a phone only: quarantined"),
    Company("C19", "ООО «ТрансЛогистик»", f"{OOO} «ТрансЛогистик»", "Москва", "7705", "07"),
    Company("C20", "ООО «Северный ветер»", f"{OOO} «Северный ветер»", "Архангельск", "2901", "10"),
    Company("C21", "АО «Завод Электромаш»", f"{AO} «Завод Электромаш»", "Чебоксары", "2128", "02"),
    Company("C22", "ООО «ПК Металлист»", f"{OOO} «Производственная компания Металлист»", "Челябинск", "7447", "11"),
    Company("C23", "ООО «Медтехника-Плюс»", f"{OOO} «Медтехника-Плюс»", "Воронеж", "3662", "15"),
    Company("C24", "ООО «Агроресурс»", f"{OOO} «Агроресурс»", "Краснодар", "2310", "09"),
    Company("C25", "ООО «Строймонтаж-21»", f"{OOO} «Строймонтаж-21»", "Чебоксары", "2130", "18"),
    Company("C26", "ООО «Фабрика Уюта»", f"{OOO} «Фабрика Уюта»", "Иваново", "3702", "20"),
    Company("C27", "АО «НПО Квант-М»", f"{AO} «Научно-производственное объединение Квант-М»", "Москва", "7735", "02"),
    Company("C28", "ООО «Энергосфера»", f"{OOO} «Энергосфера»", "Тюмень", "7203", "13"),
    Company(
        "C29",
        "ИП Лапина Мария Сергеевна",
        "Индивидуальный предприниматель Лапина Мария Сергеевна",
        "Ярославль",
        "7604",
        "19",
        kind="entrepreneur",
    ),
    Company("C30", "ООО «Вольта»", f"{OOO} «Вольта»", "Пермь", "5902", "12"),
    Company("C31", "ООО «ГидроТехПроект»", f"{OOO} «ГидроТехПроект»", "Москва", "7714", "05"),
    Company("C32", "ООО «Лесторг»", f"{OOO} «Лесторг»", "Вологда", "3525", "11"),
    Company("C33", "ООО «Техкомплект»", f"{OOO} «Техкомплект»", "Тула", "7106", "14"),
    Company("C34", "ООО «Оптима»", f"{OOO} «Оптима»", "Калуга", "4027", "16"),
    Company("C35", "ООО «Балтийские системы»", f"{OOO} «Балтийские системы»", "Калининград", "3906", "17"),
    Company("C36", "ООО «Эко-Пак»", f"{OOO} «Эко-Пак»", "Москва", "7702", "21"),
    Company("C37", "ООО «Ресурс-Снаб»", f"{OOO} «Ресурс-Снаб»", "Липецк", "4826", "10"),
    Company("C38", "ООО «Полимер-Юг»", f"{OOO} «Полимер-Юг»", "Ростов-на-Дону", "6165", "12"),
    Company("C39", "АО «Сибэнергомонтаж»", f"{AO} «Сибэнергомонтаж»", "Красноярск", "2465", "04"),
    Company("C40", "ООО «Дом Кофе»", f"{OOO} «Дом Кофе»", "Москва", "7709", "22"),
    Company("C41", "ООО «Мастерская Света»", f"{OOO} «Мастерская Света»", "Санкт-Петербург", "7813", "20"),
    Company("C42", "ООО «ТК Восток»", f"{OOO} «Транспортная компания Восток»", "Владивосток", "2540", "08"),
    Company("C43", "ООО «Инструмент-Сервис»", f"{OOO} «Инструмент-Сервис»", "Москва", "7720", "13"),
    Company("C44", "ООО «Автодеталь»", f"{OOO} «Автодеталь»", "Набережные Челны", "1650", "11"),
    Company("C46", "ООО «Норд-Инжиниринг»", f"{OOO} «Норд-Инжиниринг»", "Мурманск", "5190", "19"),
    Company("C47", "ООО «Зелёная линия»", f"{OOO} «Зелёная линия»", "Москва", "7743", "23"),
    Company("C48", "ООО «Виктория»", f"{OOO} «Виктория»", "Сочи", "2320", "14"),
]
CO = {c.cid: c for c in COMPANIES}
BRANCH_KPP = "780443001"


def assign_identifiers() -> None:
    rng = random.Random(SEED)
    seen: set[str] = set()
    for c in COMPANIES:
        if c.inn_prefix is None:
            continue
        while True:
            inn = make_inn12(c.inn_prefix, rng) if c.kind == "entrepreneur" else make_inn10(c.inn_prefix, rng)
            if inn not in seen and not inn.endswith("0000"):
                break
        seen.add(inn)
        c.inn = inn
        if c.kind == "entrepreneur":
            c.ogrn = make_ogrnip(c.year, inn, rng)
        else:
            c.ogrn = make_ogrn(c.year, inn, rng)
            c.kpp = inn[:4] + "01001"
    # the branch: the head office's INN and OGRN, its own KPP (reason code 43 in positions 5-6)
    CO["C03"].inn, CO["C03"].ogrn, CO["C03"].kpp = CO["C02"].inn, CO["C02"].ogrn, BRANCH_KPP
    for c in COMPANIES:
        if c.inn:
            assert valid_inn(c.inn), c
            assert valid_ogrn(c.ogrn), c
    assert CO["C08"].inn.startswith("0"), "C08 must have an INN with a leading zero"
    assert CO["C02"].kpp[4:6] == "01" and CO["C03"].kpp[4:6] == "43"


def swapped_inn(inn: str) -> str:
    """A typo: two neighbouring digits swapped so that the checksum fails."""
    for i in range(3, 9):
        bad = inn[:i] + inn[i + 1] + inn[i] + inn[i + 2 :]
        if bad != inn and not valid_inn(bad):
            return bad
    raise AssertionError(inn)


def wrong_check_digit(inn: str) -> str:
    return inn[:-1] + str((int(inn[-1]) + 3) % 10)


# People: pid -> (canonical ФИО). Companies per record are in the source tables.
PEOPLE: dict[str, str] = {
    "P01": "Иванов Иван Иванович",
    "P02": "Соловьёва Марина Андреевна",
    "P03": "Кузнецова Ольга Петровна",
    "P04": "Соколов Андрей Викторович",
    "P05": "Николаев Дмитрий Андреевич",
    "P06": "Фёдорова Светлана Игоревна",
    "P07": "Громов Виктор Сергеевич",
    "P08": "Лаптев Олег Игоревич",
    "P09": "Гарипова Лилия Ренатовна",
    "P10": "Тимофеев Константин Юрьевич",
    "P11": "Галиев Руслан Маратович",
    "P12": "Орлов Виталий Николаевич",
    "P13": "Шульц Екатерина Андреевна",
    "P14": "Медведев Артём Олегович",
    "P15": "Ковальчук Андрей Михайлович",
    "P16": "Юсупов Бахтиёр Алишерович",
    "P17": "Нурланов Ерлан Серикович",
    "P18": "Васильев Николай Петрович",
    "P19": "Григорьева Алла Викторовна",
    "P20": "Сидоренко Павел Геннадьевич",
    "P21": "Старостина Ирина Юрьевна",
    "P22": "Ткаченко Оксана Васильевна",
    "P23": "Ефремов Игорь Станиславович",
    "P24": "Комарова Наталья Сергеевна",
    "P25": "Ершов Михаил Аркадьевич",
    "P26": "Кравец Денис Викторович",
    "P27": "Лапина Мария Сергеевна",
    "P28": "Жуков Алексей Романович",
    "P29": "Петерс Анна Викторовна",
    "P30": "Арутюнян Карен Самвелович",
    "P31": "Шевченко Роман Олегович",
    "P32": "Лукина Вера Алексеевна",
    "P33": "Романова Ксения Игоревна",
    "P34": "Воронцов Глеб Андреевич",
    "P35": "Пак Виктор Алексеевич",
    "P36": "Мухаметзянов Айдар Ильдусович",
    "P37": "Андреев Станислав Игоревич",
    "P38": "Сафонова Дарья Михайловна",
    "P39": "Гусейнов Эльдар Рамизович",
    "P40": "Хасанов Ринат Ильдарович",
    "P41": "Морозова Анна Викторовна",
    "P42": "Дьячков Павел Олегович",
    "P43": "Белоусова Татьяна Игоревна",
    "P44": "Попов Сергей Николаевич",
    "P45": "Зуева Анастасия Павловна",
    "P46": "Лебедев Павел Андреевич",
    "P47": "Ахметова Гульнара Ринатовна",
    "P48": "Кирсанова Елена Дмитриевна",
    "P49": "Мельникова Юлия Сергеевна",
    "P50": "Зайцев Олег Иванович",
    "P51": "Кравченко Илья Борисович",
    "P52": "Ли Анна Вячеславовна",
    "P53": "Хайруллин Марат Ринатович",
    "P54": "Мамедова Лейла Рауфовна",
    "P55": "Клименко Юрий Александрович",
    "P56": "Ефимова Наталья",
    "P57": "Захаров Игорь Владимирович",
    "P58": "Пахомова Вера Олеговна",
    "P59": "Тарасов Кирилл Евгеньевич",
}

# ---------------------------------------------------------------------------------------------
# Source 1: the old CRM workbook. One entry per client card (№); a card with two people is two
# rows with the company cells merged. INN cells are numbers, as the old CRM exported them.
#   inn: "ok" | "swap" (typo, invalid) | None (not filled in)
#   people: (pid, ФИО as written, position, mobile, e-mail)
# ---------------------------------------------------------------------------------------------
SEK, KOZ, BEL = "Смирнова Е.А.", "Козлов Д.В.", "Белова Н.С."
MOBILE_AS_NUMBER = 79161234567.0  # Фёдорова's mobile, stored by Excel as a number

OLD_CRM: list[dict] = [
    dict(
        no=1,
        cid="C01",
        client='ООО "Ромашка"',
        inn="ok",
        kpp=True,
        city="Москва",
        addr="ул. Правды, д. 8, стр. 1, офис 305",
        phone="8 (495) 123-45-67",
        manager=SEK,
        comment="Ключевой клиент, отсрочка 30 дней",
        created=(2019, 3, 12),
        people=[
            ("P01", "Иванов Иван Иванович", "Директор по закупкам", "8 903 111-22-33", "mailto:ivanov@romashka-td.ru"),
            ("P02", "Соловьёва Марина Андреевна", "Главный бухгалтер", "+7 (903) 540-17-29", "buh@romashka-td.ru"),
        ],
    ),
    dict(
        no=2,
        cid="C02",
        client='АО "ПромТехСервис"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="Варшавское ш., д. 35, стр. 2",
        phone="+7 495 7871020 доб. 12",
        manager=KOZ,
        comment="",
        created=(2018, 9, 4),
        people=[
            ("P07", "Громов Виктор Сергеевич", "Генеральный директор", "+7 (916) 200-31-45", "gromov@promtehservis.ru")
        ],
    ),
    dict(
        no=3,
        cid="C03",
        client="ПромТехСервис СПб",
        inn="ok",
        kpp=True,
        city="Санкт-Петербург",
        addr="Лиговский пр., д. 50, лит. А",
        phone="+7 (812) 336-40-18",
        manager=KOZ,
        comment="Филиал АО ПромТехСервис",
        created=(2020, 2, 17),
        people=[
            ("P08", "Лаптев Олег Игоревич", "Руководитель филиала", "+7 921 645-12-09", "laptev@spb.promtehservis.ru")
        ],
    ),
    dict(
        no=4,
        cid="C04",
        client='ООО "Берёзка"',
        inn=None,
        kpp=False,
        city="Екатеринбург",
        addr="ул. Малышева, д. 51, оф. 1204",
        phone="+7 (343) 287-55-19",
        manager=BEL,
        comment="Бухгалтерия на аутсорсе",
        created=(2021, 6, 1),
        people=[
            (
                "P03",
                "Кузнецова Ольга Петровна",
                "Главный бухгалтер (аутсорсинг)",
                "+7 912 604-33-71",
                "kuznetsova.op@mail.ru",
            )
        ],
    ),
    dict(
        no=5,
        cid="C05",
        client='OOO "АльфаСтрой"',
        inn=None,
        kpp=False,
        city="Казань",  # Latin O's!
        addr="ул. Баумана, д. 44/8",
        phone="8 (843) 292-14-65",
        manager=SEK,
        comment="",
        created=(2020, 11, 23),
        people=[("P09", "Гарипова Лилия Ренатовна", "Снабженец", "8 917 255-40-11", "garipova@alfastroy-kzn.ru")],
    ),
    dict(
        no=6,
        cid="C06",
        client="ВекторПласт",
        inn=None,
        kpp=False,
        city="Нижний Новгород",
        addr="ул. Родионова, д. 165, корп. 13",
        phone="+7 831 4123390",
        manager=KOZ,
        comment="",
        created=(2022, 1, 19),
        people=[
            ("P10", "Тимофеев Константин Юрьевич", "Инженер-технолог", "8 (920) 011-45-78", "timofeev@vectorplast.ru")
        ],
    ),
    dict(
        no=7,
        cid="C07",
        client="ИП Соколов А. В.",
        inn="ok",
        kpp=False,
        city="Подольск",
        addr="ул. Кирова, д. 12",
        phone="+7 (4967) 55-21-30",
        manager=BEL,
        comment="Работает по УСН",
        created=(2019, 7, 30),
        people=[
            (
                "P04",
                "Соколов Андрей Викторович",
                "Индивидуальный предприниматель",
                "+7 915 380-62-14",
                "sokolov.av@yandex.ru",
            )
        ],
    ),
    dict(
        no=8,
        cid="C08",
        client='ООО "Агидель-Комплект"',
        inn="ok",
        kpp=False,
        city="Уфа",  # leading 0 lost
        addr="ул. Менделеева, д. 130",
        phone="+7 (347) 246-18-90",
        manager=SEK,
        comment="",
        created=(2021, 3, 15),
        people=[("P11", "Галиев Руслан Маратович", "Коммерческий директор", "+7 917 470-22-58", "galiev@agidel-k.ru")],
    ),
    dict(
        no=9,
        cid="C09",
        client="ООО «Горизонт»",
        inn="swap",
        kpp=False,
        city="Самара",
        addr="Московское ш., д. 4, стр. 9",
        phone="8 (846) 270-31-31",
        manager=KOZ,
        comment="ИНН проверить!",
        created=(2020, 5, 6),
        people=[("P12", "Орлов Виталий Николаевич", "Начальник отдела снабжения", "8 (927) 601-45-32", "orlov@")],
    ),
    dict(
        no=10,
        cid="C10",
        client='ООО "Сибирские технологии"',
        inn="ok",
        kpp=False,
        city="Новосибирск",
        addr="ул. Каменская, д. 32, оф. 415",
        phone="913-05-27",
        manager=BEL,
        comment="",
        created=(2022, 8, 8),
        people=[
            ("P13", "Шульц Екатерина Андреевна", "Менеджер по закупкам", "+7 913 745-20-06", "shults@sibtech-nsk.ru")
        ],
    ),
    dict(
        no=11,
        cid="C11",
        client='ООО "СтройГрад"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="ул. Дубининская, д. 57, стр. 1",
        phone="234-56-78",
        manager=SEK,
        comment="Звонить с 10 до 17",
        created=(2021, 10, 11),
        people=[("P14", "Медведев Артём Олегович", "Прораб", "8-985-614-70-33", "medvedev.ao@stroygrad.ru")],
    ),
    dict(
        no=12,
        cid="C12",
        client='ООО "БелПромКомплект"',
        inn=None,
        kpp=False,
        city="Минск",
        addr="ул. Притыцкого, д. 29, оф. 7",
        phone="+375 17 388-41-20",
        manager=KOZ,
        comment="Беларусь, УНП 191234567",
        created=(2023, 2, 14),
        people=[
            ("P15", "Ковальчук Андрей Михайлович", "Директор", "+375 29 612-34-56", "kovalchuk@belpromkomplekt.by")
        ],
    ),
    dict(
        no=13,
        cid="C13",
        client='СП ООО "Ташкент Агро Трейд"',
        inn=None,
        kpp=False,
        city="Ташкент",
        addr="ул. Амира Темура, д. 107Б",
        phone="+998 71 205-44-10",
        manager=BEL,
        comment="Узбекистан, расчёты в USD",
        created=(2023, 5, 22),
        people=[("P16", "Юсупов Бахтиёр Алишерович", "Менеджер по ВЭД", "+998 90 123-45-67", "b.yusupov@tat.uz")],
    ),
    dict(
        no=14,
        cid="C14",
        client='ТОО "Астана Инжиниринг"',
        inn=None,
        kpp=False,
        city="Астана",
        addr="пр. Мангилик Ел, д. 55/20",
        phone="8 7172 55-12-34",
        manager=KOZ,
        comment="Казахстан, БИН в договоре",
        created=(2022, 11, 30),
        people=[("P17", "Нурланов Ерлан Серикович", "Главный инженер", "+7 701 388 14 52", "e.nurlanov@astana-eng.kz")],
    ),
    dict(
        no=15,
        cid="C19",
        client='ООО "ТрансЛогистик"',
        inn="ok",
        kpp=True,
        city="Москва",
        addr="Рязанский пр., д. 24, корп. 2",
        phone="+7 (495) 660-15-15",
        manager=SEK,
        comment="",
        created=(2018, 4, 20),
        people=[
            (
                "P05",
                "Николаев Дмитрий Андреевич",
                "Логист",
                "8-916-312-45-67, 8(916)7654321",
                "nikolaev@translogistic.ru",
            )
        ],
    ),
    dict(
        no=16,
        cid="C20",
        client='ООО "Северный ветер"',
        inn="ok",
        kpp=False,
        city="Архангельск",
        addr="наб. Северной Двины, д. 71",
        phone="8 (8182) 65-30-12",
        manager=BEL,
        comment="",
        created=(2019, 12, 2),
        people=[("P06", "Фёдорова Светлана Игоревна", "Офис-менеджер", MOBILE_AS_NUMBER, "fedorova@sev-veter.ru")],
    ),
    dict(
        no=17,
        cid="C21",
        client='АО "Завод Электромаш"',
        inn="ok",
        kpp=False,
        city="Чебоксары",
        addr="пр. И. Яковлева, д. 3",
        phone="8 (8352) 63-05-00",
        manager=KOZ,
        comment="Тендерные закупки через площадку",
        created=(2017, 10, 10),
        people=[
            ("P18", "Васильев Николай Петрович", "Главный механик", "звонить секретарю", "vasiliev@elmash21.ru"),
            (
                "P19",
                "Григорьева Алла Викторовна",
                "Специалист по закупкам",
                "+7 927 850-11-73",
                "GRIGORIEVA@ELMASH21.RU",
            ),
        ],
    ),
    dict(
        no=18,
        cid="C22",
        client='ООО "ПК Металлист"',
        inn="ok",
        kpp=False,
        city="Челябинск",
        addr="ул. Енисейская, д. 8",
        phone="+7 351 7291100",
        manager=SEK,
        comment="",
        created=(2020, 8, 19),
        people=[
            (
                "P20",
                "Сидоренко Павел Геннадьевич",
                "Директор по производству",
                "+7 (912) 890-33-41",
                "sidorenko@pk-metallist.ru",
            )
        ],
    ),
    dict(
        no=19,
        cid="C23",
        client='ООО "Медтехника-Плюс"',
        inn="ok",
        kpp=False,
        city="Воронеж",
        addr="ул. Кольцовская, д. 35А",
        phone="+7 (473) 239-87-60",
        manager=BEL,
        comment="",
        created=(2021, 1, 28),
        people=[
            ("P21", "Старостина Ирина Юрьевна", "Заведующая складом", "8 (952) 540-18-77", "starostina@medtehplus.ru")
        ],
    ),
    dict(
        no=20,
        cid="C24",
        client="ООО Агроресурс",
        inn="ok",
        kpp=False,
        city="Краснодар",
        addr="ул. Северная, д. 324",
        phone="8 (861) 210-44-88",
        manager=KOZ,
        comment="",
        created=(2019, 5, 14),
        people=[
            ("P22", "Ткаченко Оксана Васильевна", "Бухгалтер", "+7 918 330-12-45", "oksana.tkachenko@agroresurs23.ru")
        ],
    ),
    dict(
        no=21,
        cid="C25",
        client='ООО "Строймонтаж-21"',
        inn="ok",
        kpp=False,
        city="Чебоксары",
        addr="ул. Гагарина, д. 55",
        phone="нет",
        manager=SEK,
        comment="",
        created=(2022, 4, 4),
        people=[("P23", "Ефремов Игорь Станиславович", "Директор", "+7 937 395-60-21", "efremov@sm21.ru")],
    ),
    dict(
        no=22,
        cid="C26",
        client='ООО "Фабрика Уюта"',
        inn="ok",
        kpp=False,
        city="Иваново",
        addr="ул. 8 Марта, д. 32",
        phone="+7 (4932) 41-77-05",
        manager=BEL,
        comment="",
        created=(2023, 3, 9),
        people=[("P24", "Комарова Наталья Сергеевна", "Закупщик", "+7 910 998-20-14", "komarova@fabrika-uyuta.ru")],
    ),
    dict(
        no=23,
        cid="C18",
        client=None,
        inn=None,
        kpp=False,
        city=None,  # a card with a phone only
        addr=None,
        phone="8 (812) 555-01-02",
        manager=KOZ,
        comment="",
        created=(2024, 1, 15),
        people=[],
    ),
    dict(
        no=24,
        cid="C27",
        client='АО "НПО Квант-М"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="г. Зеленоград, корп. 1420",
        phone="+7 (499) 731-20-40",
        manager=KOZ,
        comment="",
        created=(2018, 2, 26),
        people=[("P25", "Ершов Михаил Аркадьевич", "Ведущий инженер", "+7 903 720-45-11", "ershov@kvant-m.ru")],
    ),
    dict(
        no=25,
        cid="C28",
        client='ООО "Энергосфера"',
        inn="ok",
        kpp=False,
        city="Тюмень",
        addr="ул. Республики, д. 143",
        phone="8 (3452) 56-78-90",
        manager=SEK,
        comment="",
        created=(2020, 10, 5),
        people=[
            ("P26", "Кравец Денис Викторович", "Главный энергетик", "+7 922 004-71-36", "kravets@energosfera72.ru")
        ],
    ),
    dict(
        no=26,
        cid="C29",
        client="ИП Лапина Мария Сергеевна",
        inn="ok",
        kpp=False,
        city="Ярославль",
        addr="ул. Свободы, д. 46, оф. 3",
        phone="+7 (4852) 33-90-17",
        manager=BEL,
        comment="",
        created=(2021, 9, 13),
        people=[
            (
                "P27",
                "Лапина Мария Сергеевна",
                "Индивидуальный предприниматель",
                "+7 905 631-42-08",
                "lapina.ms@gmail.com",
            )
        ],
    ),
    dict(
        no=27,
        cid="C33",
        client='ООО "Техкомплект"',
        inn="ok",
        kpp=False,
        city="Тула",
        addr="ул. Болдина, д. 98",
        phone="+7 (4872) 70-21-33",
        manager=KOZ,
        comment="",
        created=(2019, 2, 11),
        people=[
            (
                "P28",
                "Жуков Алексей Романович",
                "Менеджер по снабжению",
                "+7 953 188-40-62",
                "zhukov@tehkomplekt-tula.ru",
            )
        ],
    ),
    dict(
        no=28,
        cid="C35",
        client='ООО "Балтийские системы"',
        inn="ok",
        kpp=False,
        city="Калининград",
        addr="Ленинский пр., д. 30А",
        phone="+7 (4012) 99-14-20",
        manager=SEK,
        comment="",
        created=(2022, 6, 27),
        people=[("P29", "Петерс Анна Викторовна", "Директор", "+7 911 470-85-26", "peters@baltsys39.ru")],
    ),
    dict(
        no=29,
        cid="C36",
        client='ООО "Эко-Пак"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="ул. Складочная, д. 1, стр. 18",
        phone="+7 (495) 989-40-12",
        manager=BEL,
        comment="Контакт уволился, нового не дали",
        created=(2023, 7, 3),
        people=[],
    ),
    "COMMENT_ONLY",  # a stray note typed into the export: no №, no client, only a comment
    dict(
        no=30,
        cid="C38",
        client='ООО "Полимер-Юг"',
        inn="ok",
        kpp=False,
        city="Ростов-на-Дону",
        addr="ул. Доватора, д. 144/9",
        phone="8 (863) 303-12-70",
        manager=KOZ,
        comment="",
        created=(2020, 3, 3),
        people=[
            ("P30", "Арутюнян Карен Самвелович", "Коммерческий директор", "+7 928 112-60-45", "karen@polimer-yug.ru")
        ],
    ),
    dict(
        no=31,
        cid="C39",
        client='АО "Сибэнергомонтаж"',
        inn="ok",
        kpp=False,
        city="Красноярск",
        addr="ул. Партизана Железняка, д. 18",
        phone="+7 (391) 256-80-80",
        manager=SEK,
        comment="",
        created=(2017, 5, 17),
        people=[
            ("P31", "Шевченко Роман Олегович", "Начальник участка", "+7 902 921-33-06", "shevchenko@sibem.ru"),
            ("P32", "Лукина Вера Алексеевна", "Инженер ПТО", "+7 (913) 520-71-94", "lukina@sibem.ru, pto@sibem.ru"),
        ],
    ),
    dict(
        no=32,
        cid="C40",
        client='ООО "Дом Кофе"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="ул. Большая Полянка, д. 28",
        phone="+7 (495) 120-08-80",
        manager=BEL,
        comment="Покупают по мелочи",
        created=(2024, 2, 20),
        people=[("P33", "Романова Ксения Игоревна", "Администратор", "+7 926 777-15-40", "ROMANOVA.K@DOMKOFE.RU")],
    ),
    dict(
        no=33,
        cid="C41",
        client='ООО "Мастерская Света"',
        inn="ok",
        kpp=False,
        city="Санкт-Петербург",
        addr="ул. Марата, д. 69-71",
        phone="+7 (812) 407-26-11",
        manager=KOZ,
        comment="",
        created=(2023, 10, 2),
        people=[("P34", "Воронцов Глеб Андреевич", "Дизайнер", "+7 931 205-77-18", "vorontsov@svet-master.ru")],
    ),
    dict(
        no=34,
        cid="C42",
        client='ООО "ТК Восток"',
        inn="ok",
        kpp=False,
        city="Владивосток",
        addr="ул. Светланская, д. 108",
        phone="8 (423) 240-33-55",
        manager=SEK,
        comment="",
        created=(2019, 8, 26),
        people=[
            ("P35", "Пак Виктор Алексеевич", "Руководитель отдела логистики", "+7 914 705-22-81", "pak@tk-vostok.ru")
        ],
    ),
    dict(
        no=35,
        cid="C44",
        client='ООО "Автодеталь"',
        inn="ok",
        kpp=False,
        city="Набережные Челны",
        addr="пр. Мира, д. 49Б",
        phone="8 (8552) 39-40-50",
        manager=BEL,
        comment="",
        created=(2021, 12, 6),
        people=[("P36", "Мухаметзянов Айдар Ильдусович", "Снабженец", "+7 917 266-03-15", "aidar.m@avtodetal-nch.ru")],
    ),
    dict(
        no=36,
        cid="C46",
        client='ООО "Норд-Инжиниринг"',
        inn="ok",
        kpp=False,
        city="Мурманск",
        addr="ул. Книповича, д. 23",
        phone="+7 (8152) 47-60-31",
        manager=KOZ,
        comment="",
        created=(2022, 2, 8),
        people=[("P37", "Андреев Станислав Игоревич", "Главный инженер", "+7 921 033-85-47", "andreev@nord-eng.ru")],
    ),
    dict(
        no=37,
        cid="C47",
        client='ООО "Зелёная линия"',
        inn="ok",
        kpp=False,
        city="Москва",
        addr="Ленинградский пр., д. 80, корп. 17",
        phone="+7 (499) 151-62-00",
        manager=SEK,
        comment="",
        created=(2024, 4, 18),
        people=[("P38", "Сафонова Дарья Михайловна", "Менеджер", "+7 965 410-29-37", "safonova@green-line.ru")],
    ),
    dict(
        no=38,
        cid="C48",
        client='ООО "Виктория"',
        inn="ok",
        kpp=False,
        city="Сочи",
        addr="Курортный пр., д. 92",
        phone="+7 (862) 262-14-03",
        manager=BEL,
        comment="",
        created=(2020, 7, 7),
        people=[("P39", "Гусейнов Эльдар Рамизович", "Управляющий", "+7 918 402-66-10", "guseynov@victoria-sochi.ru")],
    ),
]
COMMENT_ONLY_TEXT = "Перезвонить в понедельник, обещали прислать реквизиты"
OLD_HEADERS = [
    "№",
    "Клиент",
    "ИНН",
    "КПП",
    "Город",
    "Адрес",
    "Телефон",
    "Контактное лицо",
    "Должность",
    "Моб. телефон",
    "E-mail",
    "Менеджер",
    "Комментарий",
    "Дата создания",
]
COMPANY_COLS = [1, 2, 3, 4, 5, 6, 7, 12, 13, 14]  # merged vertically for a card with two people
HEADER_ROW = 3

# ---------------------------------------------------------------------------------------------
# Source 2: counterparties from 1C. inn: "ok" | "badcheck" | None; ogrn: True/False.
# Names as 1C keeps them ("Ромашка ООО"), the full legal name in its own column.
# ---------------------------------------------------------------------------------------------
ONEC_HEADERS = [
    "Код",
    "Наименование",
    "Полное наименование",
    "ИНН",
    "КПП",
    "ОГРН",
    "Телефон",
    "Адрес",
    "Электронная почта",
    "Комментарий",
]
ONEC: list[dict] = [
    dict(
        code="00-000003",
        cid="C01",
        name="Ромашка ООО",
        inn="ok",
        phone="+7 (495) 123-45-67",
        addr="125040, г. Москва, ул. Правды, д. 8, стр. 1",
        email="info@romashka-td.ru",
    ),
    dict(
        code="00-000004",
        cid="C02",
        name="ПромТехСервис АО",
        legal='Акционерное общество "ПромТехСервис"',
        inn="ok",
        phone="+7 (495) 787-10-20",
        addr="115230, г. Москва, Варшавское ш., д. 35, стр. 2",
        email="office@promtehservis.ru",
    ),
    dict(
        code="00-000005",
        cid="C03",
        name="ПромТехСервис АО (филиал СПб)",
        inn="ok",
        phone="+7 (812) 336-40-18",
        addr="191040, г. Санкт-Петербург, Лиговский пр., д. 50, лит. А",
        email="spb@promtehservis.ru",
        comment="Обособленное подразделение",
    ),
    dict(
        code="00-000007",
        cid="C04",
        name="Березка ООО",
        legal=f'{OOO} "Березка"',
        inn="ok",
        phone="+7 (343) 287-55-10",
        addr="620014, г. Екатеринбург, ул. Малышева, д. 51, оф. 1204",
        email="",
    ),
    dict(
        code="00-000008",
        cid="C05",
        name="АльфаСтрой ООО",
        inn="ok",
        phone="8 (843) 292-14-60",
        addr="420111, Республика Татарстан, г. Казань, ул. Баумана, д. 44/8",
        email="info@alfastroy-kzn.ru",
    ),
    dict(
        code="00-000011",
        cid="C06",
        name="ВекторПласт ООО",
        inn="ok",
        phone="8 (831) 412-33-90",
        addr="603093, г. Нижний Новгород, ул. Родионова, д. 165, корп. 13",
        email="info@vectorplast.ru",
    ),
    dict(
        code="00-000012",
        cid="C07",
        name="ИП Соколов А.В.",
        inn="ok",
        phone="+7 915 380-62-14",
        addr="142100, Московская обл., г. Подольск, ул. Кирова, д. 12",
        email="sokolov.av@yandex.ru",
    ),
    dict(
        code="00-000014",
        cid="C08",
        name="Агидель-Комплект ООО",
        inn="ok",
        phone="+7 (347) 246-18-90",
        addr="450071, Республика Башкортостан, г. Уфа, ул. Менделеева, д. 130",
        email="info@agidel-k.ru",
    ),
    dict(
        code="00-000015",
        cid="C09",
        name="Горизонт ООО",
        inn="ok",
        phone="8 (846) 270-31-31",
        addr="443013, г. Самара, Московское ш., д. 4, стр. 9",
        email="",
    ),
    dict(
        code="00-000016",
        cid="C11",
        name="СтройГрад ООО",
        inn="ok",
        phone="+7 (495) 640-22-18",
        addr="115054, г. Москва, ул. Дубининская, д. 57, стр. 1",
        email="zakaz@stroygrad.ru",
    ),
    dict(
        code="00-000017",
        cid="C15",
        name="Кедр ООО",
        inn="badcheck",
        phone="8 (3822) 90-11-45",
        addr="634050, г. Томск, пр. Ленина, д. 94",
        email="kedr.tomsk@mail.ru",
    ),
    dict(
        code="00-000018",
        cid="C16",
        name="Меридиан ООО",
        inn="ok",
        phone="8 (863) 201-44-90",
        addr="344002, г. Ростов-на-Дону, ул. Пушкинская, д. 72",
        email="meridian-rnd@yandex.ru",
        comment="оплата 50/50; доставка за счёт покупателя",
        ragged=True,
    ),
    dict(
        code="00-000019",
        cid="C17",
        name="",
        legal="",
        inn="ok",
        ogrn=False,
        phone="",
        addr="",
        email="",
        comment="Создан при загрузке банковской выписки",
    ),
    dict(
        code="00-000020",
        cid="C10",
        name="Сибирские Технологии ООО",
        inn="ok",
        phone="8 (383) 209-14-80",
        addr="630099, г. Новосибирск,\nул. Каменская, д. 32, оф. 415",
        email="info@sibtech-nsk.ru",
    ),
    dict(
        code="00-000021",
        cid="C19",
        name="ТрансЛогистик ООО",
        inn="ok",
        phone="+7 (495) 660-15-15",
        addr="109428, г. Москва, Рязанский пр., д. 24, корп. 2",
        email="info@translogistic.ru",
    ),
    dict(
        code="00-000023",
        cid="C20",
        name="Северный ветер ООО",
        inn="ok",
        phone="8 (8182) 65-30-12",
        addr="163000, г. Архангельск, наб. Северной Двины, д. 71",
        email="office@sev-veter.ru",
    ),
    dict(
        code="00-000024",
        cid="C21",
        name="Завод Электромаш АО",
        inn="ok",
        phone="8 (8352) 63-05-00",
        addr="428020, Чувашская Республика, г. Чебоксары, пр. И. Яковлева, д. 3",
        email="zakupki@elmash21.ru, info@elmash21.ru",
    ),
    dict(
        code="00-000026",
        cid="C22",
        name="ПК Металлист ООО",
        inn="ok",
        phone="+7 351 729-11-00",
        addr="454010, г. Челябинск, ул. Енисейская, д. 8",
        email="info@pk-metallist.ru",
    ),
    dict(
        code="00-000027",
        cid="C23",
        name="Медтехника-Плюс ООО",
        inn="ok",
        phone="+7 (473) 239-87-60",
        addr="394036, г. Воронеж, ул. Кольцовская, д. 35А",
        email="info@medtehplus.ru",
    ),
    dict(
        code="00-000029",
        cid="C24",
        name="Агроресурс ООО",
        inn="ok",
        phone="8 (861) 210-44-88",
        addr="350000, г. Краснодар, ул. Северная, д. 324",
        email="info@agroresurs23.ru",
    ),
    dict(
        code="00-000030",
        cid="C27",
        name="НПО Квант-М АО",
        inn="ok",
        phone="+7 (499) 731-20-40",
        addr="124498, г. Москва, г. Зеленоград, корп. 1420",
        email="info@kvant-m.ru",
    ),
    dict(
        code="00-000031",
        cid="C28",
        name="Энергосфера ООО",
        inn="ok",
        phone="8 (3452) 56-78-90",
        addr="625000, г. Тюмень, ул. Республики, д. 143",
        email="info@energosfera72.ru",
    ),
    dict(
        code="00-000033",
        cid="C30",
        name="Вольта ООО",
        inn="ok",
        phone="8 (342) 259-70-14",
        addr="614000, г. Пермь, ул. Ленина, д. 64",
        email="info@volta-perm.ru",
    ),
    dict(
        code="00-000034",
        cid="C31",
        name="ГидроТехПроект ООО",
        inn="ok",
        phone="+7 (499) 270-11-40",
        addr="129085, г. Москва, пр. Мира, д. 101В, стр. 2",
        email="info@gtp-proekt.ru",
    ),
    dict(
        code="00-000035",
        cid="C32",
        name="Лесторг ООО",
        inn="ok",
        phone="8 (8172) 75-40-10",
        addr="160000, г. Вологда, ул. Мира, д. 36",
        email="lestorg35@mail.ru",
    ),
    dict(
        code="00-000036",
        cid="C33",
        name="Техкомплект ООО",
        inn="ok",
        phone="+7 (4872) 70-21-33",
        addr="300041, г. Тула, ул. Болдина, д. 98",
        email="info@tehkomplekt-tula.ru",
    ),
    dict(
        code="00-000038",
        cid="C34",
        name="Оптима ООО",
        inn="ok",
        ogrn=False,
        phone="+7 (4842) 57-30-90",
        addr="248000, г. Калуга, ул. Кирова, д. 21; склад: ул. Азаровская, д. 18",
        email="optima40@yandex.ru",
    ),
    dict(
        code="00-000039",
        cid="C35",
        name="Балтийские системы ООО",
        inn="ok",
        phone="+7 (4012) 99-14-20",
        addr="236006, г. Калининград, Ленинский пр., д. 30А",
        email="info@baltsys39.ru",
    ),
    dict(
        code="00-000041",
        cid="C37",
        name="Ресурс-Снаб ООО",
        inn="ok",
        phone="8(4742)51-20-31",
        addr="398001, г. Липецк, ул. Советская, д. 66",
        email="zakaz@resurs-snab.ru",
    ),
    dict(
        code="00-000042",
        cid="C38",
        name="Полимер-Юг ООО",
        inn="ok",
        phone="8 (863) 303-12-70",
        addr="344090, г. Ростов-на-Дону, ул. Доватора, д. 144/9",
        email="info@polimer-yug.ru",
    ),
    dict(
        code="00-000043",
        cid="C39",
        name="Сибэнергомонтаж АО",
        inn="ok",
        phone="+7 (391) 256-80-80",
        addr="660017, г. Красноярск, ул. Партизана Железняка, д. 18",
        email="office@sibem.ru",
    ),
    dict(
        code="00-000045",
        cid="C42",
        name="ТК Восток ООО",
        inn="ok",
        phone="8 (423) 240-33-55",
        addr="690091, г. Владивосток, ул. Светланская, д. 108",
        email="info@tk-vostok.ru",
    ),
    dict(
        code="00-000046",
        cid="C43",
        name="Инструмент-Сервис ООО",
        inn="ok",
        phone="+7 (495) 363-18-00",
        addr="127018, г. Москва, ул. Сущёвский Вал, д. 18",
        email="sales@instr-service.ru",
    ),
    dict(
        code="00-000048",
        cid="C44",
        name="Автодеталь ООО",
        inn="ok",
        phone="8 (8552) 39-40-50",
        addr="423800, Республика Татарстан, г. Набережные Челны, пр. Мира, д. 49Б",
        email="info@avtodetal-nch.ru",
    ),
]

# ---------------------------------------------------------------------------------------------
# Source 3: a contacts list (Excel "CSV UTF-8"). company: as written; inn: "ok" | raw text | "".
# ---------------------------------------------------------------------------------------------
CONTACT_HEADERS = ["ФИО", "Должность", "Телефон", "E-mail", "Компания", "ИНН компании"]
CONTACTS: list[dict] = [
    dict(
        pid="P01",
        cid="C01",
        fio="Иван Иванов",
        pos="Директор по закупкам",
        phone="+7 903 111 22 33",
        email="ivanov@romashka-td.ru",
        company=f"{OOO} «Ромашка»",
        inn="",
    ),
    dict(
        pid="P01",
        cid="C01",
        fio="ИВАНОВ И.И.",
        pos="",
        phone="",
        email="IVANOV@ROMASHKA-TD.RU",
        company="ООО «Ромашка»",
        inn="ok",
    ),
    dict(
        pid="P07",
        cid="C02",
        fio="Громов В.С.",
        pos="Ген. директор",
        phone="89162003145",
        email="",
        company="АО ПромТехСервис",
        inn="ok",
    ),
    dict(
        pid="P03",
        cid="C07",
        fio="Кузнецова Ольга Петровна",
        pos="Бухгалтер (приходящий)",
        phone="8 (912) 604-33-71",
        email="kuznetsova.op@mail.ru",
        company="ИП Соколов А.В.",
        inn="ok",
    ),
    dict(
        pid=None,
        cid=None,
        fio="",
        pos="Менеджер",
        phone="",
        email="",
        company="",
        inn="",
        quarantine="contact has no name, no phone and no e-mail (only a position)",
    ),
    dict(
        pid="P40",
        cid="C05",
        fio="Хасанов Ринат Ильдарович",
        pos="Прораб",
        phone="+7 (917) 390-12-66",
        email="hasanov@alfastroy-kzn.ru",
        company="АльфаСтрой",
        inn="ok",
    ),
    dict(
        pid="P41",
        cid="C34",
        fio="Морозова Анна Викторовна",
        pos="Менеджер по закупкам",
        phone="+7 (4842) 57-30-91",
        email="morozova.anna@gmial.com",
        company="ООО «Оптима»",
        inn="",
    ),
    dict(
        pid="P42",
        cid="C30",
        fio="Дьячков Павел Олегович",
        pos="Технолог",
        phone="79265550123",
        email="d.dyachkov@volta-perm.ru",
        company="Вольта",
        inn="ok",
    ),
    dict(
        pid="P43",
        cid="C31",
        fio="Белоусова Татьяна Игоревна",
        pos="Тендерный специалист",
        phone="8 (499) 270-11-45 доб. 305",
        email="belousova@gtp-proekt.ru, tender@gtp-proekt.ru",
        company="ООО ГидроТехПроект",
        inn="ok",
    ),
    dict(
        pid="P44",
        cid="C32",
        fio="Попов Сергей Николаевич",
        pos="Директор",
        phone="+7 (8172) 75-40-12",
        email="popov@lestorg35.ru",
        company="Лесторг",
        inn="",
    ),
    dict(
        pid=None,
        cid=None,
        fio="Петренко Алексей",
        pos="Снабженец",
        phone="+7 999 123-00-45",
        email="petrenko@nesush.ru",
        company="ООО Несуществующая",
        inn="0000000000",
        quarantine="its company (ООО Несуществующая, ИНН 0000000000) is not found in any source",
    ),
    dict(
        pid="P05",
        cid="C19",
        fio="Николаев Д.А.",
        pos="Логист",
        phone="+7 916 765-43-21",
        email="",
        company="ТрансЛогистик",
        inn="ok",
    ),
    dict(
        pid="P06",
        cid="C20",
        fio="Федорова Светлана",
        pos="Офис-менеджер",
        phone="8 916 123-45-67",
        email="",
        company="Северный Ветер",
        inn="",
    ),
    dict(
        pid="P45",
        cid="C06",
        fio="Зуева Анастасия Павловна",
        pos="Менеджер",
        phone="+7 (831) 412-33-91",
        email="zueva@vectorplast.ru",
        company="ООО ВекторПласт",
        inn="",
    ),
    dict(
        pid="P46",
        cid=None,
        fio="Лебедев Павел Андреевич",
        pos="Частный мастер",
        phone="+7 925 318-44-70",
        email="lebedev.pa@yandex.ru",
        company="",
        inn="",
    ),
    dict(
        pid="P47",
        cid="C08",
        fio="Ахметова Гульнара Ринатовна",
        pos="Бухгалтер",
        phone="+7 (347) 246-18-91",
        email="buh@agidel-k.ru",
        company="Агидель-Комплект",
        inn="ok",
    ),
    dict(
        pid="P21",
        cid="C23",
        fio="Старостина Ирина Юрьевна",
        pos="Зав. складом",
        phone="+7 (473) 239-87-62",
        email="",
        company="ООО Медтехника-Плюс",
        inn="ok",
    ),
    dict(
        pid="P48",
        cid="C27",
        fio="Кирсанова Елена Дмитриевна",
        pos="Инженер по комплектации",
        phone="+7 (499) 731-20-41",
        email="kirsanova@kvant-m.ru",
        company="АО «НПО Квант-М»",
        inn="ok",
    ),
    dict(
        pid="P13",
        cid="C10",
        fio="Шульц Екатерина",
        pos="Закупки",
        phone="+7 913 745-20-06",
        email="shults@sibtech-nsk.ru",
        company="Сибирские технологии",
        inn="",
    ),
    dict(
        pid="P49",
        cid="C09",
        fio="Мельникова Юлия Сергеевна",
        pos="Бухгалтер",
        phone="+7 (846) 270-31-35",
        email="buh@gorizont-samara.ru",
        company="Горизонт",
        inn="ok",
    ),
    dict(
        pid="P50",
        cid="C15",
        fio="Зайцев Олег Иванович",
        pos="Директор",
        phone="+7 (3822) 90-11-46",
        email="zaitsev@kedr-tomsk.ru",
        company="ООО Кедр",
        inn="",
    ),
    dict(
        pid="P51",
        cid="C28",
        fio="Кравченко Илья Борисович",
        pos="Энергетик",
        phone="+7 922 480-16-73",
        email="kravchenko@energosfera72.ru",
        company="ООО «Энергосфера»",
        inn="",
    ),
    dict(
        pid="P52",
        cid="C42",
        fio="Ли Анна Вячеславовна",
        pos="Бухгалтер",
        phone="+7 (423) 240-33-57",
        email="buh@tk-vostok.ru",
        company="ТК Восток",
        inn="ok",
    ),
    dict(
        pid="P53",
        cid="C44",
        fio="Хайруллин Марат Ринатович",
        pos="Кладовщик",
        phone="+7 (8552) 39-40-53",
        email="",
        company="ООО Автодеталь",
        inn="ok",
    ),
    dict(
        pid="P54",
        cid="C48",
        fio="Мамедова Лейла Рауфовна",
        pos="Бухгалтер",
        phone="+7 918 402-66-19",
        email="buh@victoria-sochi.ru",
        company="Виктория",
        inn="ok",
    ),
    dict(
        pid="P55",
        cid="C35",
        fio="Клименко Юрий Александрович",
        pos="Руководитель проекта",
        phone="+7 (4012) 99-14-25",
        email="klimenko@baltsys39.ru",
        company="Балтийские системы",
        inn="",
    ),
    dict(
        pid="P56",
        cid="C37",
        fio="Ефимова Наталья",
        pos="Менеджер",
        phone="+7 (4742) 51-20-30",
        email="efimova@resurs-snab.ru",
        company="Ресурс-Снаб",
        inn="ok",
    ),
    dict(
        pid="P57",
        cid="C43",
        fio="Захаров Игорь Владимирович",
        pos="Начальник снабжения",
        phone="+7 (495) 363-18-02 доб. 14",
        email="mailto:zakharov@instr-service.ru",
        company="Инструмент-Сервис",
        inn="ok",
    ),
    dict(
        pid="P58",
        cid="C24",
        fio="Пахомова Вера Олеговна",
        pos="Экономист",
        phone="+7 (861) 210-44-80",
        email="pahomova@agroresurs23.ru",
        company="Агроресурс",
        inn="ok",
    ),
    dict(
        pid="P59",
        cid="C33",
        fio="Тарасов Кирилл Евгеньевич",
        pos="Главный инженер",
        phone="+7 (4872) 70-21-35",
        email="tarasov@tehkomplekt-tula.ru",
        company="Техкомплект",
        inn="ok",
    ),
]

# ---------------------------------------------------------------------------------------------
# Records: every source record with its key, the real entity it is, and whether it is quarantined
# ---------------------------------------------------------------------------------------------


@dataclass
class Rec:
    source: str
    key: str
    entity: str  # company | contact
    real: str | None  # cid / pid; None for a record that is nobody
    where: str  # "Клиенты!12", "kontragenty_1c.csv line 5", "contacts.csv line 7"
    shown: str  # name as written in the source
    row: int | None = None  # excel row / file line
    quarantine: str | None = None
    extra: dict = field(default_factory=dict)


def old_crm_rows() -> tuple[list[dict], list[Rec], int]:
    """The sheet's data rows (cells by column) and the records they hold; also the totals row number."""
    rows: list[dict] = []
    recs: list[Rec] = []
    r = HEADER_ROW + 1
    for card in OLD_CRM:
        if card == "COMMENT_ONLY":
            rows.append({"row": r, "cells": {13: COMMENT_ONLY_TEXT}, "merge": 1})
            recs.append(
                Rec(
                    "old_crm",
                    f"{SHEET}!{r}",
                    "company",
                    None,
                    f"{SHEET}!{r}",
                    "",
                    r,
                    quarantine="row holds only a comment: no client name, no contact person (a company "
                    "with no name; reported as a contact with no name, phone or e-mail if "
                    "Комментарий is mapped to the contact's note)",
                )
            )
            r += 1
            continue
        c = CO[card["cid"]]
        if card["inn"] == "ok":
            inn_cell: object = int(c.inn)  # the old CRM exported INN as a number
        elif card["inn"] == "swap":
            inn_cell = int(swapped_inn(c.inn))
        else:
            inn_cell = None
        company_cells = {
            1: card["no"],
            2: card["client"],
            3: inn_cell,
            4: c.kpp if card["kpp"] else None,
            5: card["city"],
            6: card["addr"],
            7: card["phone"],
            12: card["manager"],
            13: card["comment"] or None,
            14: datetime(*card["created"]),
        }
        people = card["people"] or [None]
        recs.append(
            Rec(
                "old_crm",
                str(card["no"]),
                "company",
                None if card["client"] is None else c.cid,
                f"{SHEET}!{r}",
                card["client"] or "",
                r,
                quarantine=None if card["client"] else "company has no name (only a phone, a manager and a date)",
                extra={"no": card["no"], "inn_cell": inn_cell},
            )
        )
        for i, person in enumerate(people):
            cells = dict(company_cells) if i == 0 else {}
            if person:
                pid, fio, pos, mob, email = person
                cells.update({8: fio, 9: pos, 10: mob, 11: email})
                key = f"{card['no']}/{i + 1}" if len(people) > 1 else str(card["no"])
                recs.append(
                    Rec(
                        "old_crm",
                        key,
                        "contact",
                        pid,
                        f"{SHEET}!{r}",
                        fio,
                        r,
                        extra={"company": c.cid, "no": card["no"]},
                    )
                )
            rows.append({"row": r, "cells": cells, "merge": len(people) if i == 0 else 0})
            r += 1
    return rows, recs, r


def onec_records() -> tuple[list[list[str]], list[Rec]]:
    lines: list[list[str]] = []
    recs: list[Rec] = []
    line = 2  # physical line in the file; the header is line 1
    for e in ONEC:
        c = CO[e["cid"]]
        inn = {"ok": c.inn, "badcheck": wrong_check_digit(c.inn) if c.inn else "", None: ""}[e["inn"]]
        ogrn = c.ogrn if e.get("ogrn", True) else ""
        legal = e["legal"] if "legal" in e else (c.legal or "")
        cells = [
            e["code"],
            e["name"],
            legal,
            inn,
            c.kpp or "",
            ogrn or "",
            e["phone"],
            e["addr"],
            e["email"],
            e.get("comment", ""),
        ]
        lines.append(cells)
        q = None
        if e.get("ragged"):
            q = (
                f"line {line}: {len(cells) + 1} fields instead of {len(ONEC_HEADERS)} (an unquoted ';' in "
                "Комментарий); the reader rejects the line"
            )
        elif not e["name"] and not legal:
            q = "company has no name (Наименование and Полное наименование are empty)"
        recs.append(
            Rec(
                "buh_1c",
                e["code"],
                "company",
                None if q and not e.get("ragged") else c.cid,
                f"kontragenty_1c.csv line {line}",
                e["name"],
                line,
                quarantine=q,
                extra={"inn": inn, "kpp": c.kpp or ""},
            )
        )
        line += 1 + e["addr"].count("\n")
    return lines, recs


def contacts_records() -> tuple[list[list[str]], list[Rec]]:
    lines, recs = [], []
    for i, e in enumerate(CONTACTS):
        line = i + 2
        inn = CO[e["cid"]].inn if e["inn"] == "ok" else e["inn"]
        lines.append([e["fio"], e["pos"], e["phone"], e["email"], e["company"], inn])
        recs.append(
            Rec(
                "contacts",
                f"contacts.csv!{line}",
                "contact",
                e["pid"],
                f"contacts.csv line {line}",
                e["fio"],
                line,
                quarantine=e.get("quarantine"),
                extra={"company": e["cid"]},
            )
        )
    return lines, recs


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------
def write_xlsx(path: Path) -> tuple[list[Rec], int]:
    rows, recs, total_row = old_crm_rows()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ncol = len(OLD_HEADERS)
    ws.cell(1, 1, TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for j, h in enumerate(OLD_HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, j, h)
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for data in rows:
        r = data["row"]
        for col, value in data["cells"].items():
            cell = ws.cell(r, col, value)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (6, 13))
            if col == 3 and value is not None:
                cell.number_format = "0"
            elif col == 10 and isinstance(value, float):
                cell.number_format = "0"
            elif col == 14:
                cell.number_format = "DD.MM.YYYY"
        if data["merge"] > 1:
            for col in COMPANY_COLS:
                ws.merge_cells(start_row=r, start_column=col, end_row=r + data["merge"] - 1, end_column=col)
    clients = sum(1 for c in OLD_CRM if c != "COMMENT_ONLY")
    ws.cell(total_row, 1, f"Итого: {clients} клиентов").font = Font(bold=True)
    widths = [5, 30, 14, 12, 16, 34, 24, 30, 26, 22, 30, 15, 34, 13]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)

    ref = wb.create_sheet("Справочник")
    ref.append(["Менеджер", "Телефон", "E-mail", "Отдел"])
    for row in [
        ["Смирнова Елена Александровна", "+7 (495) 777-01-11", "smirnova@tehnosnab.ru", "Продажи Москва"],
        ["Козлов Дмитрий Викторович", "+7 (495) 777-01-12", "kozlov@tehnosnab.ru", "Продажи регионы"],
        ["Белова Надежда Сергеевна", "+7 (495) 777-01-13", "belova@tehnosnab.ru", "Продажи регионы"],
    ]:
        ref.append(row)
    ref.append([])
    ref.append(["Статус клиента", "Описание"])
    for row in [
        ["Активный", "Покупки за последние 12 месяцев"],
        ["Спящий", "Нет покупок больше года"],
        ["Архив", "Не работаем"],
    ]:
        ref.append(row)
    ref.sheet_state = "hidden"

    wb.properties.creator = "Старая CRM ТехноСнаб"
    wb.properties.title = TITLE
    wb.properties.created = FIXED_TS
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_deterministic_zip(buf.getvalue()))
    return recs, total_row


def _deterministic_zip(data: bytes) -> bytes:
    """Fixed created/modified in docProps/core.xml and fixed zip entry times: byte-identical reruns."""
    stamp = FIXED_TS.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TS.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def write_onec(path: Path) -> list[Rec]:
    lines, recs = onec_records()
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(ONEC_HEADERS)
    for e, cells in zip(ONEC, lines):
        if e.get("ragged"):
            assert not any(ch in c for c in cells for ch in '"\n'), "the ragged line must need no quoting"
            buf.write(";".join(cells) + "\r\n")  # written by hand: the ';' in Комментарий is not quoted
        else:
            w.writerow(cells)
    path.write_bytes(buf.getvalue().encode("cp1251"))
    return recs


def write_contacts(path: Path) -> list[Rec]:
    lines, recs = contacts_records()
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(CONTACT_HEADERS)
    w.writerows(lines)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return recs


# ---------------------------------------------------------------------------------------------
# Deliberately messy values and what they must become
# ---------------------------------------------------------------------------------------------
def messy_values() -> list[dict]:
    c = CO
    v = []

    def add(source, key, entity, fld, raw, expected, note):
        v.append(dict(source=source, key=key, entity=entity, field=fld, raw=raw, expected=expected, note=note))

    add("old_crm", "1", "company", "phone", "8 (495) 123-45-67", ["+74951234567"], "8 as trunk prefix")
    add(
        "old_crm",
        "2",
        "company",
        "phone",
        "+7 495 7871020 доб. 12",
        ["+74957871020"],
        "extension 12 kept separately (phones.extension = '12')",
    )
    add(
        "old_crm",
        "15",
        "contact",
        "phone",
        "8-916-312-45-67, 8(916)7654321",
        ["+79163124567", "+79167654321"],
        "two numbers in one cell",
    )
    add(
        "old_crm",
        "16",
        "contact",
        "phone",
        MOBILE_AS_NUMBER,
        ["+79161234567"],
        "numeric cell (float) in Excel; must not become '79161234567.0'",
    )
    add(
        "old_crm",
        "10",
        "company",
        "phone",
        "913-05-27",
        ["+73839130527"],
        "local number, city Новосибирск: area code 383 inferred (flagged as inferred)",
    )
    add(
        "old_crm",
        "11",
        "company",
        "phone",
        "234-56-78",
        [],
        "local number in Москва (495 or 499?): must NOT be inferred; flagged, raw kept",
    )
    add("old_crm", "12", "company", "phone", "+375 17 388-41-20", ["+375173884120"], "Belarus, fixed")
    add("old_crm", "12", "contact", "phone", "+375 29 612-34-56", ["+375296123456"], "Belarus, mobile")
    add("old_crm", "13", "company", "phone", "+998 71 205-44-10", ["+998712054410"], "Uzbekistan, fixed")
    add("old_crm", "13", "contact", "phone", "+998 90 123-45-67", ["+998901234567"], "Uzbekistan, mobile")
    add(
        "old_crm",
        "14",
        "company",
        "phone",
        "8 7172 55-12-34",
        ["+77172551234"],
        "Kazakhstan (Астана) in +7 with trunk 8 — region KZ, not RU",
    )
    add("old_crm", "14", "contact", "phone", "+7 701 388 14 52", ["+77013881452"], "Kazakhstan mobile in +7")
    add("old_crm", "21", "company", "phone", "нет", [], "junk: no phone, flagged, company still loaded")
    add(
        "old_crm",
        "17/1",
        "contact",
        "phone",
        "звонить секретарю",
        [],
        "junk: no phone, flagged, contact still loaded (has a name and an e-mail)",
    )
    add("contacts", "contacts.csv!9", "contact", "phone", "79265550123", ["+79265550123"], "7 without '+'")
    add("contacts", "contacts.csv!4", "contact", "phone", "89162003145", ["+79162003145"], "11 digits from 8")
    add(
        "contacts",
        "contacts.csv!10",
        "contact",
        "phone",
        "8 (499) 270-11-45 доб. 305",
        ["+74992701145"],
        "extension 305",
    )
    add(
        "contacts",
        "contacts.csv!29",
        "contact",
        "phone",
        "+7 (495) 363-18-02 доб. 14",
        ["+74953631802"],
        "extension 14",
    )
    add(
        "old_crm",
        "1/1",
        "contact",
        "email",
        "mailto:ivanov@romashka-td.ru",
        ["ivanov@romashka-td.ru"],
        "mailto: prefix dropped",
    )
    add(
        "contacts",
        "contacts.csv!29",
        "contact",
        "email",
        "mailto:zakharov@instr-service.ru",
        ["zakharov@instr-service.ru"],
        "mailto: prefix dropped",
    )
    add(
        "contacts",
        "contacts.csv!10",
        "contact",
        "email",
        "belousova@gtp-proekt.ru, tender@gtp-proekt.ru",
        ["belousova@gtp-proekt.ru", "tender@gtp-proekt.ru"],
        "two addresses in one cell",
    )
    add(
        "old_crm",
        "31/2",
        "contact",
        "email",
        "lukina@sibem.ru, pto@sibem.ru",
        ["lukina@sibem.ru", "pto@sibem.ru"],
        "two addresses in one cell",
    )
    add(
        "buh_1c",
        "00-000024",
        "company",
        "email",
        "zakupki@elmash21.ru, info@elmash21.ru",
        ["zakupki@elmash21.ru", "info@elmash21.ru"],
        "two addresses in one cell",
    )
    add(
        "contacts",
        "contacts.csv!3",
        "contact",
        "email",
        "IVANOV@ROMASHKA-TD.RU",
        ["ivanov@romashka-td.ru"],
        "upper case",
    )
    add("old_crm", "17/2", "contact", "email", "GRIGORIEVA@ELMASH21.RU", ["grigorieva@elmash21.ru"], "upper case")
    add("old_crm", "32", "contact", "email", "ROMANOVA.K@DOMKOFE.RU", ["romanova.k@domkofe.ru"], "upper case")
    add(
        "contacts",
        "contacts.csv!8",
        "contact",
        "email",
        "morozova.anna@gmial.com",
        ["morozova.anna@gmial.com"],
        "typo domain: kept as written (never silently corrected), flagged with suggestion morozova.anna@gmail.com",
    )
    add("old_crm", "9", "contact", "email", "orlov@", [], "invalid: not loaded as an e-mail, flagged; contact loaded")
    add(
        "old_crm",
        "8",
        "company",
        "inn",
        int(c["C08"].inn),
        c["C08"].inn,
        "numeric cell lost the leading zero (9 digits): must be restored to 10 digits",
    )
    add(
        "old_crm",
        "9",
        "company",
        "inn",
        int(swapped_inn(c["C09"].inn)),
        None,
        "checksum wrong (two digits swapped): INN left empty and flagged, company loaded "
        "(it merges with buh_1c 00-000015 by name)",
    )
    add(
        "buh_1c",
        "00-000017",
        "company",
        "inn",
        wrong_check_digit(c["C15"].inn),
        None,
        "checksum wrong (check digit): INN left empty and flagged, company loaded",
    )
    add(
        "contacts",
        "contacts.csv!12",
        "contact",
        "company.inn",
        "0000000000",
        None,
        "passes the bare checksum but is no real INN (region 00); matches no company anyway",
    )
    for key, inn in (("7", c["C07"].inn), ("26", c["C29"].inn)):
        add("old_crm", key, "company", "inn", int(inn), inn, "12-digit INN of an ИП (entrepreneur), numeric cell")
    add("old_crm", "7", "company", "type", "ИП Соколов А. В.", "entrepreneur", "12-digit INN / form ИП")
    add(
        "old_crm",
        "5",
        "company",
        "name",
        'OOO "АльфаСтрой"',
        "ООО «АльфаСтрой» (Cyrillic ООО)",
        "Latin O's in the legal form: same company as buh_1c 00-000008",
    )
    add("old_crm", "4", "company", "name", 'ООО "Берёзка"', "matches buh_1c 'Березка ООО'", "ё vs е")
    add(
        "contacts",
        "contacts.csv!2",
        "contact",
        "company.name",
        f"{OOO} «Ромашка»",
        "C01",
        "full legal form: refers to ООО «Ромашка»",
    )
    add(
        "contacts",
        "contacts.csv!2",
        "contact",
        "full_name",
        "Иван Иванов",
        {"last_name": "Иванов", "first_name": "Иван", "middle_name": None},
        "first name first",
    )
    add(
        "contacts",
        "contacts.csv!3",
        "contact",
        "full_name",
        "ИВАНОВ И.И.",
        {"last_name": "Иванов", "first_name": "И.", "middle_name": "И."},
        "upper case with initials",
    )
    add(
        "buh_1c",
        "00-000020",
        "company",
        "address",
        "630099, г. Новосибирск,\nул. Каменская, д. 32, оф. 415",
        "one address (both lines)",
        "quoted field with an embedded newline",
    )
    add(
        "buh_1c",
        "00-000038",
        "company",
        "address",
        "248000, г. Калуга, ул. Кирова, д. 21; склад: ул. Азаровская, д. 18",
        "248000, г. Калуга, ул. Кирова, д. 21; склад: ул. Азаровская, д. 18",
        "quoted field with ';' inside",
    )
    return v


# ---------------------------------------------------------------------------------------------
# Consistency checks on the design itself
# ---------------------------------------------------------------------------------------------
def _phone_keys(raw: object) -> list[str]:
    """Rough digits of each full number in a cell (dev check only; local numbers are skipped)."""
    if isinstance(raw, float):
        raw = str(int(raw))
    out = []
    for part in re.split(r"[,;]", str(raw or "")):
        part = re.split(r"доб", part)[0]
        d = re.sub(r"\D", "", part)
        if len(d) == 11 and d[0] == "8":
            d = "7" + d[1:]
        if len(d) >= 11:
            out.append(d)
    return out


def check_design(recs: list[Rec], values: list[dict]) -> None:
    # no two different real companies / people share a phone or an e-mail (no accidental merges)
    by_value: dict[tuple[str, str], set[str]] = {}

    def note(entity: str, real: str | None, phones: list[object], emails: list[str]) -> None:
        if not real:
            return
        for p in phones:
            for k in _phone_keys(p):
                by_value.setdefault((entity, k), set()).add(real)
        for e in emails:
            for a in re.split(r"[,;\s]+", (e or "").lower().removeprefix("mailto:")):
                if "@" in a and not a.endswith("@"):
                    by_value.setdefault((entity, a), set()).add(real)

    for card in OLD_CRM:
        if card == "COMMENT_ONLY":
            continue
        if card["client"]:
            note("company", card["cid"], [card["phone"]], [])
        for pid, _, _, mob, email in card["people"]:
            note("contact", pid, [mob], [email])
    for e in ONEC:
        if e["name"] and not e.get("ragged"):
            note("company", e["cid"], [e["phone"]], [e["email"]])
    for e in CONTACTS:
        note("contact", e["pid"], [e["phone"]], [e["email"]])
    clashes = {k: v for k, v in by_value.items() if len(v) > 1}
    assert not clashes, clashes
    # every messy value appears in the record it is said to belong to
    raw_by_key: dict[tuple[str, str], list[object]] = {}
    for card in OLD_CRM:
        if card == "COMMENT_ONLY":
            continue
        c = CO[card["cid"]]
        inn_cell = int(c.inn) if card["inn"] == "ok" else int(swapped_inn(c.inn)) if card["inn"] == "swap" else None
        raw_by_key[("old_crm", str(card["no"]))] = [card["client"], inn_cell, card["phone"]]
        for i, (_pid, fio, _pos, mob, email) in enumerate(card["people"]):
            k = f"{card['no']}/{i + 1}" if len(card["people"]) > 1 else str(card["no"])
            raw_by_key.setdefault(("old_crm", k), []).extend([fio, mob, email])
    onec_lines, _ = onec_records()
    for cells in onec_lines:
        raw_by_key[("buh_1c", cells[0])] = cells
    contact_lines, _ = contacts_records()
    for i, cells in enumerate(contact_lines):
        raw_by_key[("contacts", f"contacts.csv!{i + 2}")] = cells
    for item in values:
        assert item["raw"] in raw_by_key[(item["source"], item["key"])], item
    # every INN marked valid is valid; the deliberately invalid ones are not
    for cm in COMPANIES:
        if cm.inn:
            assert valid_inn(cm.inn) and valid_ogrn(cm.ogrn), cm
    assert not valid_inn(swapped_inn(CO["C09"].inn)) and not valid_inn(wrong_check_digit(CO["C15"].inn))
    assert len(str(int(CO["C08"].inn))) == 9
    # expected phones are valid numbers (if the project's phonenumbers is importable)
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover
        return
    for item in values:
        if item["field"] == "phone":
            for e164 in item["expected"]:
                assert phonenumbers.is_valid_number(phonenumbers.parse(e164)), item


# ---------------------------------------------------------------------------------------------
# The answer key
# ---------------------------------------------------------------------------------------------
def crm_inn(cid: str) -> str | None:
    """The INN the CRM company ends up with: none when its only source INN is invalid (C15)."""
    return None if cid == "C15" else CO[cid].inn


def build_expected(recs: list[Rec], values: list[dict], total_row: int) -> dict:
    companies = [r for r in recs if r.entity == "company" and r.real and not r.quarantine]
    contacts = [r for r in recs if r.entity == "contact" and r.real and not r.quarantine]
    quarantine = [r for r in recs if r.quarantine]

    def member(r: Rec) -> dict:
        d = {"entity": r.entity, "source": r.source, "key": r.key, "where": r.where, "as_written": r.shown}
        if r.entity == "company":
            c = CO[r.real]
            d.update(company_inn=c.inn, company_kpp=c.kpp)
        return d

    def clusters(recs_: list[Rec]) -> dict[str, list[Rec]]:
        out: dict[str, list[Rec]] = {}
        for r in recs_:
            out.setdefault(r.real, []).append(r)
        return dict(sorted(out.items()))

    company_clusters = clusters(companies)
    contact_clusters = clusters(contacts)
    groups = [[member(r) for r in rs] for rs in company_clusters.values() if len(rs) > 1]
    groups += [[member(r) for r in rs] for rs in contact_clusters.values() if len(rs) > 1]

    def contact_companies(rs: list[Rec]) -> list[str]:
        return sorted({r.extra["company"] for r in rs if r.extra.get("company")})

    per_company_people = sum(max(1, len(contact_companies(rs))) for rs in contact_clusters.values())
    old_rows = [r for r in recs if r.source == "old_crm"]
    return {
        "about": "Answer key of sample_data (generated by build_sample.py; see EXPECTED.md for the story).",
        "keys": {
            "old_crm": "config key: № (column A). Company record key = № ('7'); the contact of a one-person card "
            "has the same key ('7'); a card with two people (merged company cells) gives contacts "
            "'<№>/1', '<№>/2'. A row without № falls back to 'Клиенты!<excel row>'. 'where' gives "
            "the excel row of every record.",
            "buh_1c": "config key: Код ('00-000003').",
            "contacts": "no key column: 'contacts.csv!<line>' (physical line number, header = line 1; the file "
            "has no embedded newlines, so line = record number + 1). If the pipeline labels CSV rows "
            "differently (e.g. 'contacts.csv:7'), only the separator differs.",
            "members": "duplicate-group members carry company_inn/company_kpp: the identifiers of the real "
            "company (its golden record), not necessarily what that source row holds.",
        },
        "records": {
            "old_crm": sum(1 for r in OLD_CRM)
            + sum(max(0, len(c["people"]) - 1) for c in OLD_CRM if c != "COMMENT_ONLY"),
            "buh_1c": len(ONEC),
            "contacts": len(CONTACTS),
        },
        "records_note": "records = non-empty data rows of the table (title, blank, header and the 'Итого' row "
        "excluded), including rows that end in quarantine and the ragged 1C line.",
        "record_breakdown": {
            "old_crm": {
                "rows": len({r.row for r in old_rows}),
                "company_records": sum(1 for r in old_rows if r.entity == "company"),
                "contact_records": sum(1 for r in old_rows if r.entity == "contact"),
                "comment_only_rows": 1,
                "header_row": HEADER_ROW,
                "first_data_row": HEADER_ROW + 1,
                "totals_row": total_row,
            },
            "buh_1c": {
                "lines_in_file": 1 + len(ONEC) + sum(e["addr"].count("\n") for e in ONEC),
                "records": len(ONEC),
                "parsed_by_reader": len(ONEC) - 1,
                "rejected_by_reader": 1,
            },
            "contacts": {"records": len(CONTACTS)},
        },
        "quarantine_min": len(quarantine),
        "quarantine": [
            {"source": r.source, "key": r.key, "where": r.where, "entity": r.entity, "reason": r.quarantine}
            for r in quarantine
        ],
        "loaded_records": {"companies": len(companies), "contacts": len(contacts)},
        "distinct_companies": len(company_clusters),
        "distinct_contacts": len(contact_clusters),
        "distinct_contacts_if_one_per_company": per_company_people,
        "branches": [[CO["C02"].inn, CO["C02"].kpp, CO["C03"].kpp]],
        "branch_detail": [
            {
                "inn": CO["C02"].inn,
                "head": {"kpp": CO["C02"].kpp, "city": CO["C02"].city, "company": "C02"},
                "branch": {"kpp": CO["C03"].kpp, "city": CO["C03"].city, "company": "C03"},
            }
        ],
        "duplicate_groups": groups,
        "companies": [
            {
                "id": cid,
                "name": CO[cid].name,
                "legal_name": CO[cid].legal,
                "inn": crm_inn(cid),
                "kpp": CO[cid].kpp,
                "ogrn": CO[cid].ogrn,
                "type": CO[cid].kind if CO[cid].kind != "foreign" else "legal",
                "city": CO[cid].city,
                "parent": "C02" if cid == "C03" else None,
                "note": CO[cid].note or None,
                "records": [{"source": r.source, "key": r.key, "where": r.where, "as_written": r.shown} for r in rs],
            }
            for cid, rs in company_clusters.items()
        ],
        "contacts": [
            {
                "id": pid,
                "full_name": PEOPLE[pid],
                "companies": contact_companies(rs),
                "records": [{"source": r.source, "key": r.key, "where": r.where, "as_written": r.shown} for r in rs],
            }
            for pid, rs in contact_clusters.items()
        ],
        "values": values,
    }


def write_expected_md(path: Path, exp: dict) -> None:
    def grp_line(g: list[dict]) -> str:
        return "; ".join(f"`{m['source']}` {m['key']} «{m['as_written']}»" for m in g)

    company_groups = [c for c in exp["companies"] if len(c["records"]) > 1]
    contact_groups = [c for c in exp["contacts"] if len(c["records"]) > 1]
    why = {
        "C01": '3 spellings: `ООО "Ромашка"` (old CRM), `Ромашка ООО` (1C), `Общество с ограниченной '
        "ответственностью «Ромашка»` (contacts.csv, as a company reference); same INN+KPP in old CRM and 1C",
        "C02": "head office: old CRM has the INN without KPP → joins the head office (KPP …01…), not the branch",
        "C03": "branch: same INN as C02, KPP 780443001, another city — joins only the branch record of 1C",
        "C04": "ё vs е (`Берёзка` / `Березка`), no INN in the old CRM → match by name (+ city Екатеринбург)",
        "C05": "`OOO` written with Latin O's in the old CRM, no INN there → match by name after folding look-alikes",
        "C06": "INN only in 1C; old CRM has the same name (no legal form) and the same phone in another format",
        "C07": "ИП, 12-digit INN in both (numeric cell in the old CRM)",
        "C08": "INN with a leading zero: text in 1C, a 9-digit number in the old CRM",
        "C09": "old CRM INN has two digits swapped (invalid) → match by name + city Самара",
        "C10": "same INN; the 1C address has an embedded newline, the old CRM phone is local (913-05-27)",
    }
    L: list[str] = []
    a = L.append
    a("# sample_data — answer key / эталон\n")
    a("> Generated by `build_sample.py` — edit the script, not this file. Machine-readable twin: `expected.json`.\n")
    a("Fictional client base of **ООО «ТехноСнаб»** (industrial supplies) moving to a new CRM. Three sources:\n")
    a("| source | file | format | entity | record key |")
    a("|---|---|---|---|---|")
    a(
        "| `old_crm` | `old_crm.xlsx`, sheet «Клиенты» | xlsx: title row, blank row, header on row 3, merged "
        "company cells for a card with two people, «Итого» row, hidden sheet «Справочник» (must be skipped) | "
        "mixed (row = company + contact person) | column `№` |"
    )
    a(
        '| `buh_1c` | `kontragenty_1c.csv` | cp1251, `;`, CRLF, quoted fields (`""` inside, one `;` inside, '
        "one embedded newline), one ragged line | companies | column `Код` |"
    )
    a(
        "| `contacts` | `contacts.csv` | UTF-8 with BOM, `,`, CRLF | contacts (company by name and/or INN) | "
        "none → `contacts.csv!<line>` |"
    )
    a("")
    a("## Record keys\n")
    for s, text in exp["keys"].items():
        a(f"- **{s}**: {text}")
    a("")
    a("## Counts\n")
    b = exp["record_breakdown"]
    a("| | old_crm | buh_1c | contacts | total |")
    a("|---|---|---|---|---|")
    rc = exp["records"]
    a(f"| records (data rows) | {rc['old_crm']} | {rc['buh_1c']} | {rc['contacts']} | {sum(rc.values())} |")
    a(f"| company records | {b['old_crm']['company_records']} | {b['buh_1c']['records']} | — | |")
    a(f"| contact records | {b['old_crm']['contact_records']} | — | {b['contacts']['records']} | |")
    qs = {s: sum(1 for q in exp["quarantine"] if q["source"] == s) for s in rc}
    a(f"| quarantined | {qs['old_crm']} | {qs['buh_1c']} | {qs['contacts']} | **{exp['quarantine_min']}** |")
    a("")
    a(
        f"- old_crm: {b['old_crm']['rows']} data rows (rows {b['old_crm']['first_data_row']}–"
        f"{b['old_crm']['totals_row'] - 1}), 38 client cards (№ 1–38, matches «Итого: 38 клиентов» on row "
        f"{b['old_crm']['totals_row']}) + 1 comment-only row; cards № 1, 17, 31 have two people (two rows, company "
        "cells merged) → 38 company records, 39 contact records (cards № 23 and 29 have no person)."
    )
    a(
        f"- buh_1c: {b['buh_1c']['records']} records on {b['buh_1c']['lines_in_file']} physical lines "
        "(header + one address spans two lines); the reader parses 33 and rejects the ragged one."
    )
    a(
        f"- After the run: **{exp['distinct_companies']} companies** (from {exp['loaded_records']['companies']} "
        f"valid company records), **{exp['distinct_contacts']} contacts** (from "
        f"{exp['loaded_records']['contacts']} valid contact records), **{exp['quarantine_min']} rows in "
        "quarantine** (at least — a stricter pipeline may flag more, it must not flag fewer)."
    )
    a(
        f"- If a person who works for two companies is kept as one contact per company, contacts = "
        f"{exp['distinct_contacts_if_one_per_company']} (see Кузнецова below); the primary answer is "
        f"{exp['distinct_contacts']}."
    )
    a("")
    a("## Quarantine (must be quarantined, with the reason)\n")
    a("| source | key | where | entity | why |")
    a("|---|---|---|---|---|")
    for q in exp["quarantine"]:
        a(f"| {q['source']} | {q['key']} | {q['where']} | {q['entity']} | {q['reason']} |")
    a("")
    a(
        "Not quarantined (loaded, value cleared and flagged): invalid INNs (old_crm № 9, buh_1c 00-000017), "
        "invalid e-mail `orlov@`, junk phones `нет` / `звонить секретарю`, Moscow phone without area code, "
        "foreign companies without INN.\n"
    )
    a("## Branch — must NOT merge\n")
    for br in exp["branch_detail"]:
        a(
            f"- INN **{br['inn']}** АО «ПромТехСервис»: head office KPP **{br['head']['kpp']}** (reason code 01, "
            f"{br['head']['city']}) and branch KPP **{br['branch']['kpp']}** (reason code 43, "
            f"{br['branch']['city']}). Two companies; the branch's `parent_id` = the head office."
        )
        a(
            "  - 1C has both (00-000004 head, 00-000005 branch, same OGRN); old CRM № 2 (INN, no KPP, Москва) "
            "joins the head office; old CRM № 3 «ПромТехСервис СПб» (INN + KPP 780443001) joins the branch."
        )
        a(
            "  - contacts.csv line 4 (Громов) refers to «АО ПромТехСервис» by INN → it attaches to the **head "
            "office** (the KPP with reason code 01), like the old CRM person of card № 2."
        )
    a("")
    a(f"## Company duplicate groups ({len(company_groups)}; every other company has one record)\n")
    a("| id | company | INN / KPP | records (source key «as written») | what it tests |")
    a("|---|---|---|---|---|")
    for c in company_groups:
        recs_ = "; ".join(f"`{r['source']}` {r['key']} «{r['as_written']}»" for r in c["records"])
        a(
            f"| {c['id']} | {c['name']} | {c['inn'] or '—'} / {c['kpp'] or '—'} | {recs_} | "
            f"{why.get(c['id'], 'same INN (+KPP)')} |"
        )
    a("")
    a(f"## Contact duplicate groups ({len(contact_groups)})\n")
    cwhy = {
        "P01": "`Иванов Иван Иванович` / `Иван Иванов` (same mobile, different format) / `ИВАНОВ И.И.` "
        "(same e-mail in upper case)",
        "P03": "freelance accountant at two companies (ООО «Берёзка» in the old CRM, ИП Соколов in contacts.csv): "
        "same mobile and e-mail → one person. The CRM schema has one company_id per contact: the golden "
        "record keeps one company, both source records link to the same contact",
        "P05": "`Николаев Д.А.` with the second number of the two-number cell",
        "P06": "`Фёдорова` / `Федорова` (ё/е), mobile stored as a number in Excel",
        "P07": "`Громов В.С.`, mobile written as 8916…",
        "P13": "same mobile and e-mail, no patronymic in contacts.csv",
        "P21": "same full name at the same company, different (work) phone, no e-mail",
    }
    a("| id | person | companies | records | what it tests |")
    a("|---|---|---|---|---|")
    for c in contact_groups:
        recs_ = "; ".join(f"`{r['source']}` {r['key']} «{r['as_written']}»" for r in c["records"])
        a(f"| {c['id']} | {c['full_name']} | {', '.join(c['companies'])} | {recs_} | {cwhy.get(c['id'], '')} |")
    a("")
    a("## Deliberately messy values and what they must become\n")
    a("| source | key | field | raw | must become | note |")
    a("|---|---|---|---|---|---|")
    for v in exp["values"]:
        raw = (
            f"{int(v['raw'])}` (number cell"
            if isinstance(v["raw"], (int, float))
            else str(v["raw"]).replace("\n", "⏎").replace("|", "\\|")
        )
        raw = f"`{raw})" if isinstance(v["raw"], (int, float)) else f"`{raw}`"
        expv = v["expected"]
        shown = (
            ", ".join(expv)
            if isinstance(expv, list) and expv
            else (
                "— (none)"
                if expv in ([], None)
                else json.dumps(expv, ensure_ascii=False)
                if isinstance(expv, dict)
                else str(expv)
            )
        )
        a(f"| {v['source']} | {v['key']} | {v['field']} | {raw} | {shown.replace('|', '/')} | {v['note']} |")
    a("")
    a("## Other things a consultant will notice\n")
    a("- `Дата создания` (old CRM) maps to no canonical field: it travels as a custom field (`_extra`).")
    a("- INN cells in the old CRM are numbers (as the old system exported them); КПП cells are text.")
    a(
        "- Hidden sheet «Справочник» holds the managers' own phones/e-mails: reading it would create bogus "
        "contacts. With `sheet: Клиенты` in the config it is not read at all; without it, it must be skipped "
        "because it is hidden."
    )
    a("- Foreign companies (Минск, Ташкент, Астана) have no INN: they are valid companies, identified by name.")
    a("- contacts.csv line 16 (Лебедев) has no company reference: loaded as a contact without a company.")
    a(
        "- Names that look alike but are different companies do not occur; no two different companies or people "
        "share a phone or an e-mail (checked by the generator), so every merge above is intended."
    )
    a("")
    a("## All companies\n")
    a("| id | name | INN | KPP | city | sources |")
    a("|---|---|---|---|---|---|")
    for c in exp["companies"]:
        a(
            f"| {c['id']} | {c['name']} | {c['inn'] or '—'} | {c['kpp'] or '—'} | {c['city']} | "
            f"{', '.join(r['source'] + ' ' + r['key'] for r in c['records'])} |"
        )
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def main() -> None:
    assign_identifiers()
    recs, total_row = write_xlsx(OUT / "old_crm.xlsx")
    recs += write_onec(OUT / "kontragenty_1c.csv")
    recs += write_contacts(OUT / "contacts.csv")
    values = messy_values()
    check_design(recs, values)
    exp = build_expected(recs, values, total_row)
    (OUT / "expected.json").write_text(json.dumps(exp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_expected_md(OUT / "EXPECTED.md", exp)
    print(
        f"wrote {OUT}: records {exp['records']}, quarantine {exp['quarantine_min']}, "
        f"companies {exp['distinct_companies']}, contacts {exp['distinct_contacts']}"
    )


if __name__ == "__main__":
    main()
