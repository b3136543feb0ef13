"""`export`: the Bitrix24 CSVs and the amoCRM workbook in the importers' layouts, with a crosswalk."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from cli.delivery import export
from cli.main import main
from connectors.saas.import_files import write_csv_parts, write_xlsx_parts
from tests.deliverydata import build_target
from transforms.crm_import_rows import AMO_COLUMNS, BITRIX_CONTACT_COLUMNS

CRM = "{kind: bitrix24, url_env: UNUSED_HERE}"


def _csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_bitrix24_files_bind_every_contact_to_a_unique_company_title(tmp_path: Path, target_url: str) -> None:
    config = build_target(tmp_path, target_url, CRM)
    files = export(config, target_url, "bitrix24", tmp_path / "out")
    assert [f.name for f in files] == ["bitrix24_companies.csv", "bitrix24_contacts.csv", "bitrix24_crosswalk.csv"]
    companies, contacts = _csv(files[0]), _csv(files[1])
    assert list(contacts[0]) == list(BITRIX_CONTACT_COLUMNS)
    titles = [c["Название компании"] for c in companies]
    assert len(titles) == len(set(titles)) == 4
    assert {'ООО "Ромашка" (Москва)', 'ООО "Ромашка" (Санкт-Петербург)'} <= set(titles)
    assert all(c["Компания"] in titles for c in contacts)
    sidorov = next(c for c in contacts if c["Фамилия"] == "Сидоров")
    assert sidorov["Компания"] == 'ООО "Ромашка" (Санкт-Петербург)'
    ip = next(c for c in companies if c["Название компании"].startswith("ИП"))
    assert (ip["Мобильный телефон"], ip["ИНН"]) == ("+79161234567", "500100732259")
    crosswalk = _csv(files[2])
    assert len(crosswalk) == 7 and {r["Файл"] for r in crosswalk} == {"bitrix24_companies.csv", "bitrix24_contacts.csv"}


def test_amocrm_workbook_in_the_importer_layout(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    assert (
        main(["export", "--config", str(config.config_path), "--format", "amocrm", "--out", str(tmp_path / "amo")]) == 0
    )
    assert "amocrm_import.xlsx" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(tmp_path / "amo" / "amocrm_import.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == AMO_COLUMNS
    by_name = {r[0] or r[9]: dict(zip(AMO_COLUMNS, r)) for r in rows[1:]}
    assert len(rows) == 1 + 3 + 2  # three contacts with their companies, two companies without contacts
    assert by_name["Сидоров Олег"]["Название компании"] == 'ООО "Ромашка" (Санкт-Петербург)'
    assert by_name["ИП Кузнецов Павел Андреевич"]["ИНН (компания)"] == "500100732259"


def test_client_text_never_becomes_a_formula(tmp_path: Path) -> None:
    rows = [{"Название компании": '=HYPERLINK("http://evil","click")', "Рабочий телефон (компания)": "+74957654321"}]
    write_xlsx_parts(tmp_path, "amocrm_import", "Импорт", AMO_COLUMNS, rows)
    sheet = openpyxl.load_workbook(tmp_path / "amocrm_import.xlsx").active
    cells = {c.value: c for c in sheet[2] if c.value}
    assert cells['=HYPERLINK("http://evil","click")'].data_type == "s"  # text, never a formula
    assert cells["+74957654321"].data_type == "s"  # and a phone stays text, not a number


def test_big_files_are_split_under_the_importer_limits(tmp_path: Path) -> None:
    rows = [{"Имя": f"Имя {i}", "Компания": "Ромашка"} for i in range(25)]
    placed = write_csv_parts(tmp_path, "contacts", ("Имя", "Компания"), rows, max_rows=10)
    assert sorted({p.name for p, _ in placed}) == ["contacts_01.csv", "contacts_02.csv", "contacts_03.csv"]
    assert placed[10] == (tmp_path / "contacts_02.csv", 2)  # the 11th row opens part 2, under its header
    assert all(_csv(tmp_path / f"contacts_0{n}.csv")[0].keys() == {"Имя", "Компания"} for n in (1, 2, 3))
    by_bytes = write_csv_parts(tmp_path, "small", ("Имя", "Компания"), rows, max_bytes=200)
    assert len({p for p, _ in by_bytes}) > 1 and all(p.stat().st_size <= 200 for p, _ in by_bytes)
