"""Normalisation speed: 1,000,000 phone cells and 1,000,000 company names, as whole columns.

The data imitate a client's export: the same client shows up on many rows, written in
different ways (``8 (916) …``, ``+7 916 …``, Excel floats, extensions, two numbers in one
cell, junk); company names come with short, long and trailing legal forms, every kind of
quote, capitals and Latin look-alike letters. Each column goes through the column helper
the pipeline uses (one cached call per distinct value) in a fresh child process, so the
peak memory (``ru_maxrss``: interpreter, pandas and the column included) is that run's.
Generated columns are pickled in ``workdir`` and reused.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from bench import measure_in_child

ROWS = 1_000_000
TARGET_SECONDS = 60
CITIES = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Омск", "Тверь", "Астана", None]

_CHILD = """
import json, resource, sys, time
import pandas as pd
from transforms.company_names import normalise_company_column
from transforms.phones import normalise_phone_column
frame = pd.read_pickle(sys.argv[2])
t0 = time.perf_counter()
if sys.argv[1] == "phones":
    out = normalise_phone_column(frame["phone"], "RU", frame["city"])
    bad = sum(1 for cell in out for p in cell if p.e164 is None)
else:
    out = normalise_company_column(frame["name"])
    bad = sum(1 for c in out if c.issue)
seconds = time.perf_counter() - t0
distinct = len(frame.drop_duplicates()) if sys.argv[1] == "phones" else frame["name"].nunique()
print(json.dumps({"rows": len(out), "seconds": seconds, "distinct": int(distinct), "flagged": bad,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _skewed(rng: random.Random, size: int) -> int:
    """An index into a pool where a few entries are frequent and most are rare, as clients are."""
    return int(size * rng.random() ** 2)


def _phone_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """(country code, national number) of real-shaped numbers: mobile, city, KZ, foreign, local."""

    def fill(code: str, length: int) -> str:
        return code + str(rng.randrange(2, 10)) + "".join(rng.choices("0123456789", k=length - len(code) - 1))

    pool = []
    for _ in range(size):
        r = rng.random()
        if r < 0.60:
            pool.append(("7", fill(rng.choice(["916", "903", "925", "977", "999", "913", "921"]), 10)))
        elif r < 0.88:
            pool.append(("7", fill(rng.choice(["495", "499", "812", "383", "343", "843", "3812", "4822"]), 10)))
        elif r < 0.93:
            pool.append(("7", fill(rng.choice(["701", "705", "777", "7172"]), 10)))
        elif r < 0.96:
            cc, code = rng.choice([("375", "29"), ("380", "50"), ("998", "90")])
            pool.append((cc, fill(code, 9)))
        else:
            pool.append(("", fill("", 7)))  # a local number without its area code
    return pool


def _render_phone(rng: random.Random, cc: str, nsn: str) -> str:
    if not cc:
        return f"{nsn[:3]}-{nsn[3:5]}-{nsn[5:]}"
    if cc != "7":
        return rng.choice([f"+{cc} {nsn[:2]} {nsn[2:5]}-{nsn[5:7]}-{nsn[7:]}", f"{cc}{nsn}", f"8-10-{cc}-{nsn}"])
    a, b, c, d = nsn[:3], nsn[3:6], nsn[6:8], nsn[8:]
    return rng.choice(
        [
            f"+7 ({a}) {b}-{c}-{d}",
            f"8 ({a}) {b}-{c}-{d}",
            f"8{nsn}",
            f"7{nsn}",
            nsn,
            f"8-{a}-{b}-{c}-{d}",
            f"+7 {a} {b} {c} {d}",
            f"+7{nsn}",
            f"8 {a} {b}{c}{d}",
            f"7{nsn}.0",
            f"7.{nsn}E+10",
        ]
    )


def _phone_cell(rng: random.Random, pool: list[tuple[str, str]]) -> str | None:
    """A client's phone cell: mostly one number; some with an extension, a second number, junk."""
    r = rng.random()
    if r < 0.05:
        return None
    if r < 0.06:
        return rng.choice(["нет", "-", "уточнить", "123", "не звонить", "0"])
    cell = _render_phone(rng, *rng.choice(pool))
    if r < 0.10:
        cell += rng.choice([" доб. ", " доб.", ", доб. ", " ext. ", " вн. "]) + str(rng.randrange(10, 999))
    elif r < 0.15:
        cell += rng.choice([", ", "; ", " / ", "\n", " или "]) + _render_phone(rng, *rng.choice(pool))
    return cell


def make_phones(path: Path, rows: int = ROWS) -> Path:
    """Rows repeat clients (a skewed choice among 400,000), each with its phone cell and city as
    first written; one row in five writes the client's phone anew, in another format."""
    if path.exists():
        return path
    rng = random.Random(5)
    numbers = _phone_pool(rng, 300_000)
    clients = [(_phone_cell(rng, numbers), rng.choice(CITIES)) for _ in range(400_000)]
    cells, cities = [], []
    for _ in range(rows):
        cell, city = clients[_skewed(rng, len(clients))]
        cells.append(_phone_cell(rng, numbers) if rng.random() < 0.2 else cell)
        cities.append(city)
    pd.DataFrame({"phone": cells, "city": cities}).to_pickle(path)
    return path


_ROOTS = [
    "Строй",
    "Техно",
    "Агро",
    "Энерго",
    "Мед",
    "Авто",
    "Инвест",
    "Транс",
    "Пром",
    "Евро",
    "Сиб",
    "Урал",
    "Волга",
    "Нефте",
    "Газ",
    "Инфо",
    "Софт",
    "Лес",
    "Металл",
    "Хим",
    "Торг",
    "Снаб",
    "Север",
    "Юг",
    "Альфа",
]
_TAILS = [
    "сервис",
    "торг",
    "снаб",
    "монтаж",
    "проект",
    "систем",
    "ресурс",
    "групп",
    "трейд",
    "комплект",
    "маркет",
    "лайн",
    "холдинг",
    "логистик",
    "строй",
    "тех",
]
_EXTRAS = ["", "", "", "-М", " Плюс", "-2000", " Групп", " Центр", "-Сибирь", " и К"]
_PREFIXES = ["", "", "", "", "Торговый дом ", "ТД ", "ПКФ ", "НПП ", "Компания "]
_SURNAMES = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
]
_FIRST = ["Иван", "Пётр", "Сергей", "Андрей", "Алексей", "Дмитрий", "Николай", "Михаил", "Олег", "Юрий"]
_PATRONYMICS = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Алексеевич", "Николаевич", "Юрьевич"]
_FORMS = [
    ("ООО", 50),
    ("АО", 8),
    ("ПАО", 2),
    ("ЗАО", 5),
    ("ОАО", 3),
    ("Общество с ограниченной ответственностью", 4),
    ("Акционерное общество", 1),
    ("МУП", 1),
    ("", 6),
]
_QUOTES = [('"', '"'), ("«", "»"), ("“", "”"), ("'", "'"), ("", ""), ('""', '""')]


def _company_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """(legal form, bare name) of companies and entrepreneurs."""
    forms, weights = zip(*_FORMS)
    pool = []
    for _ in range(size):
        if rng.random() < 0.2:
            person = f"{rng.choice(_SURNAMES)} {rng.choice(_FIRST)} {rng.choice(_PATRONYMICS)}"
            pool.append(
                (
                    "ИП",
                    person
                    if rng.random() < 0.7
                    else f"{person.split()[0]} {person.split()[1][0]}.{person.split()[2][0]}.",
                )
            )
        else:
            name = (
                rng.choice(_PREFIXES)
                + rng.choice(_ROOTS)
                + rng.choice(_TAILS)
                + rng.choice(_EXTRAS)
                + (f" {rng.randrange(1, 99)}" if rng.random() < 0.3 else "")
            )
            pool.append((rng.choices(forms, weights)[0], name))
    return pool


def _render_company(rng: random.Random, form: str, name: str) -> str:
    r = rng.random()
    if r < 0.05:
        name = name.replace("о", "o", 1).replace("р", "p", 1)  # Latin look-alikes typed by accident
    elif r < 0.15:
        name = name.upper()
    opening, closing = rng.choice(_QUOTES) if form != "ИП" else ("", "")
    quoted = f"{opening}{name}{closing}"
    if not form:
        return quoted
    if rng.random() < 0.15:
        return f"{quoted}, {form}" if rng.random() < 0.5 else f"{quoted} {form}"  # 1C: "Ромашка ООО"
    return f"{form}{rng.choice([' ', ' ', '  ', '' if opening else ' '])}{quoted}"


def make_companies(path: Path, rows: int = ROWS) -> Path:
    if path.exists():
        return path
    rng = random.Random(6)
    companies = _company_pool(rng, 300_000)
    clients = [_render_company(rng, *c) for c in companies]
    names = []
    for _ in range(rows):
        i = _skewed(rng, len(clients))
        names.append(
            None if rng.random() < 0.02 else _render_company(rng, *companies[i]) if rng.random() < 0.2 else clients[i]
        )
    pd.DataFrame({"name": names}).to_pickle(path)
    return path


def run(workdir: Path) -> list[dict]:
    results = []
    for kind, name, path in (
        ("phones", "normalise 1M phone cells + city", make_phones(workdir / "normalise_phones_1m.pkl")),
        ("companies", "normalise 1M company names", make_companies(workdir / "normalise_companies_1m.pkl")),
    ):
        m = measure_in_child(_CHILD, kind, str(path))
        results.append(
            {
                "name": f"{name} ({m['distinct'] // 1000}k distinct)",
                "rows": m["rows"],
                "seconds": m["seconds"],
                "peak_mb": m["peak_mb"],
                "target_seconds": TARGET_SECONDS,
                "distinct": m["distinct"],
                "flagged": m["flagged"],
            }
        )
    return results
