"""Build small client datasets in a temporary folder: a workbook, CSVs and a migration.yaml.

The data is written here, not taken from sample_data/, so tests pin behaviour
with values they state themselves.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

CRM_HEADER = ["Клиент", "ИНН", "КПП", "Город", "Телефон", "Контактное лицо", "Должность", "E-mail", "Дата создания"]
CRM_ROWS = [
    [
        'ООО "Ромашка"',
        "7707083893",
        "773601001",
        "Москва",
        "8 (495) 123-45-67",
        "Иванов Иван Иванович",
        "директор",
        "ivanov@romashka.ru",
        "2019-03-01",
    ],
    [
        "Ромашка ООО",
        "7707083893",
        "773601001",
        "Москва",
        "+7 495 1234567",
        "Петрова Анна",
        "бухгалтер",
        "petrova@romashka.ru",
        None,
    ],
    [
        'ООО "Ромашка"',
        "7707083893",
        "781043001",
        "Санкт-Петербург",
        "8 (812) 555-12-12",
        "Сидоров Олег",
        "управляющий",
        None,
        None,
    ],  # a branch: same INN, other KPP
    ["ИП Кузнецов Павел Андреевич", "500100732259", None, "Тверь", "8-916-123-45-67", None, None, None, None],
    [None, None, None, None, "123", None, None, None, "2020-01-01"],  # no name: quarantined
]
BUH_HEADER = ["Код", "Наименование", "ИНН", "КПП", "Телефон"]
BUH_ROWS = [
    ["001", 'ООО "Ромашка"', "7707083893", "773601001", "84951234567"],
    ["002", 'АО "Лютик"', "7736050003", None, "8-916-765-43-21"],
]


def write_dataset(
    folder: Path,
    *,
    crm_rows: list[list] | None = None,
    buh_rows: list[list] | None = None,
    target: str = "sqlite:///crm.db",
    extra_yaml: str = "",
) -> Path:
    """Write clients.xlsx (title row + header + rows), buh.csv (cp1251, ;) and migration.yaml."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Клиенты"
    ws.append(["Выгрузка клиентов"])
    ws.append([])
    ws.append(CRM_HEADER)
    for row in CRM_ROWS if crm_rows is None else crm_rows:
        ws.append(row)
    wb.save(folder / "clients.xlsx")
    with open(folder / "buh.csv", "w", encoding="cp1251", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(BUH_HEADER)
        writer.writerows(BUH_ROWS if buh_rows is None else buh_rows)
    config = folder / "migration.yaml"
    config.write_text(
        f"""name: test-client
default_region: RU
target: {{url: "{target}"}}
sources:
  - name: old_crm
    kind: excel
    path: clients.xlsx
    entity: mixed
    columns:
      company: {{name: Клиент, inn: ИНН, kpp: КПП, city: Город, phone: Телефон}}
      contact: {{full_name: Контактное лицо, position: Должность, email: E-mail}}
  - name: buh
    kind: csv
    path: buh.csv
    entity: companies
    key: Код
    columns:
      company: {{name: Наименование, inn: ИНН, kpp: КПП, phone: Телефон}}
{extra_yaml}""",
        encoding="utf-8",
    )
    return config
