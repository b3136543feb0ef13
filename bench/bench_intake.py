"""Intake speed: a 100,000-row workbook and a 1,000,000-row cp1251 CSV, file → grid → table → mapping.

Each measurement runs in a fresh child process, so its peak memory
(``ru_maxrss``, interpreter and imports included) belongs to that read alone.
The generated files are kept in ``workdir`` and reused by later runs.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from bench import measure_in_child

XLSX_ROWS = 100_000
CSV_ROWS = 1_000_000
HEADER = [
    "Код",
    "Клиент",
    "ИНН",
    "КПП",
    "Город",
    "Телефон",
    "Контактное лицо",
    "Должность",
    "Моб. телефон",
    "E-mail",
    "Дата создания",
]
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск", "Самара", "Уфа", "Тверь"]
NAMES = ["Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоров Олег Петрович", "Кузнецова Ольга"]
POSITIONS = ["Директор", "Главный бухгалтер", "Менеджер по закупкам", "Инженер", None]
FORMS = ["ООО", "АО", "ИП", "ПАО"]

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from connectors.csv_file import read_csv
from connectors.excel import read_workbook
from transforms.column_mapping import map_columns
from transforms.tables import find_table
path = Path(sys.argv[1])
t0 = time.perf_counter()
grids = read_workbook(path) if path.suffix == ".xlsx" else [read_csv(path)]
t1 = time.perf_counter()
tables = [find_table(g) for g in grids]
mappings = [map_columns([c for c in t.frame.columns if c != "_row"]) for t in tables]
t2 = time.perf_counter()
print(json.dumps({"rows": sum(len(t.frame) for t in tables), "seconds": t2 - t0, "read_seconds": t1 - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "entity": mappings[0].entity, "mapped": sum(len(m.company) + len(m.contact) for m in mappings)}))
"""


def _record(rng: random.Random, i: int) -> list[object]:
    """One client row: numbers stay numbers (the xlsx gets numeric INN/phone cells, as clients' files do)."""
    inn = rng.randrange(10**9, 10**10)
    return [
        i,
        f'{rng.choice(FORMS)} "Клиент {i}"',
        inn,
        rng.choice([None, 770101001]),
        rng.choice(CITIES),
        rng.randrange(74950000000, 74959999999),
        rng.choice(NAMES),
        rng.choice(POSITIONS),
        rng.randrange(79000000000, 79999999999),
        f"client{i}@example.ru",
        dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650)),
    ]


def make_xlsx(path: Path, rows: int = XLSX_ROWS) -> Path:
    if path.exists():
        return path
    import openpyxl

    rng = random.Random(4)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Клиенты")
    ws.append(["Выгрузка клиентов на 01.11.2026"])
    ws.append([])
    ws.append(HEADER)
    for i in range(1, rows + 1):
        ws.append(_record(rng, i))
    ws.append([f"Итого: {rows} клиентов"])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def make_csv(path: Path, rows: int = CSV_ROWS) -> Path:
    if path.exists():
        return path
    rng = random.Random(4)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="cp1251", newline="") as f:
        f.write(";".join(HEADER) + "\r\n")
        for i in range(1, rows + 1):
            f.write(";".join("" if v is None else str(v) for v in _record(rng, i)) + "\r\n")
    tmp.rename(path)
    return path


def run(workdir: Path) -> list[dict]:
    results = []
    for name, path, target, expected in (
        ("intake xlsx 100k rows", make_xlsx(workdir / "intake_100k.xlsx"), 10, XLSX_ROWS),
        ("intake csv 1M rows (cp1251, ;)", make_csv(workdir / "intake_1m_cp1251.csv"), 15, CSV_ROWS),
    ):
        m = measure_in_child(_CHILD, str(path))
        if m["rows"] != expected or m["entity"] != "mixed":
            raise AssertionError(f"{name}: read {m['rows']} rows as {m['entity']}, expected {expected} mixed")
        results.append(
            {
                "name": name,
                "rows": m["rows"],
                "seconds": m["seconds"],
                "peak_mb": m["peak_mb"],
                "target_seconds": target,
                "read_seconds": round(m["read_seconds"], 2),
            }
        )
    return results
