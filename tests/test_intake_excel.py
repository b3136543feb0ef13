"""Excel intake: workbooks as consultants receive them, built here with openpyxl (and xlwt for .xls)."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from connectors.errors import SourceError
from connectors.excel import read_workbook
from transforms.column_mapping import map_columns
from transforms.tables import find_table

HEADER = ["Клиент", "ИНН", "Телефон", "Контактное лицо", "E-mail", "Дата создания"]


def _workbook(path: Path) -> Path:
    """Title row, blank row, header on row 3, a company merged over two contact rows, a hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Клиенты"
    ws.append(["Выгрузка клиентов на 01.11.2026"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(HEADER)
    ws.append(['ООО "Ромашка"', 7701116006, 79161234567, "Иванов Иван", "ivanov@romashka.ru", dt.date(2019, 3, 12)])
    ws.append([None, None, None, "Петрова Анна", "petrova@romashka.ru", dt.datetime(2020, 1, 2, 13, 4)])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.append(["ИП Соколов", 274062111, 7.91612345e10, None, None, 12.5])
    ws.append(["Итого: 2 клиента", None, None, None, None, None])
    hidden = wb.create_sheet("Справочник")
    hidden.sheet_state = "hidden"
    hidden.append(["Клиент", "ИНН"])
    wb.save(path)
    return path


def test_title_rows_merged_cells_and_numbers_as_text(tmp_path: Path) -> None:
    [grid] = read_workbook(_workbook(tmp_path / "clients.xlsx"))
    assert grid.name == "Клиенты"
    assert grid.cells[0] == ["Выгрузка клиентов на 01.11.2026"] * 6  # merged title: every cell
    assert grid.row_numbers[:4] == [1, 2, 3, 4]
    rows = {n: r for n, r in zip(grid.row_numbers, grid.cells)}
    assert rows[4] == ['ООО "Ромашка"', "7701116006", "79161234567", "Иванов Иван", "ivanov@romashka.ru", "2019-03-12"]
    assert rows[5][:2] == ['ООО "Ромашка"', "7701116006"]  # vertical merge: the second contact gets the company
    assert rows[5][5] == "2020-01-02 13:04:00"
    assert rows[6][1:3] == ["274062111", "79161234500"]  # digits, no ".0" and no exponent
    assert rows[6][5] == "12.5"
    assert grid.notes == ["скрытый лист 'Справочник' пропущен (укажите его в sheet:, чтобы прочитать)"]


def test_workbook_to_mapping_end_to_end(tmp_path: Path) -> None:
    [grid] = read_workbook(_workbook(tmp_path / "clients.xlsx"))
    table = find_table(grid)
    assert table.header_row == 3
    assert list(table.frame["_row"]) == [4, 5, 6]
    assert "строк итогов пропущено: 1 (строки: 7)" in table.notes
    mapping = map_columns([c for c in table.frame.columns if c != "_row"])
    assert mapping.entity == "mixed"
    assert mapping.company == {"name": ["Клиент"], "inn": ["ИНН"], "phone": ["Телефон"]}
    assert mapping.contact == {"full_name": ["Контактное лицо"], "email": ["E-mail"]}
    assert mapping.unmapped == ["Дата создания"]


def test_named_sheet_even_when_hidden(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "clients.xlsx")
    [grid] = read_workbook(path, "справочник")  # case and spacing forgiven
    assert grid.name == "Справочник"
    assert grid.cells == [["Клиент", "ИНН"]]
    assert "скрыт в книге" in grid.notes[0]


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^clients\.xlsx: нет листа 'Контакты' \(листы: Клиенты, Справочник\)$"):
        read_workbook(_workbook(tmp_path / "clients.xlsx"), "Контакты")


def test_every_visible_sheet_is_a_grid(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Москва"
    wb.active.append(["Клиент", "ИНН"])
    wb.create_sheet("Регионы").append(["Организация", "Телефон"])
    wb.save(tmp_path / "two.xlsm")  # the extension does not matter, the content does
    assert [g.name for g in read_workbook(tmp_path / "two.xlsm")] == ["Москва", "Регионы"]


def test_formula_gives_its_cached_value(tmp_path: Path) -> None:
    """openpyxl writes no formula caches, so the cache Excel would have saved is put into the XML."""
    wb = openpyxl.Workbook()
    wb.active.append(["Клиент", "Сумма", "Итог"])
    wb.active.append(["ООО Ромашка", 2, "=B2*21"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    cached = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(cached, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>B2*21</f><v />", b"<f>B2*21</f><v>42</v>")
            dst.writestr(item, data)
    [grid] = read_workbook(cached)
    assert grid.cells[1] == ["ООО Ромашка", "2", "42"]


def test_legacy_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls test file")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Клиенты")
    for j, name in enumerate(["Наименование", "ИНН", "Телефон", "ФИО"]):
        ws.write(1, j, name)
    ws.write_merge(2, 3, 0, 0, 'АО "Лютик"')
    ws.write(2, 1, 7736050003)
    ws.write(2, 2, 79161234567.0)
    ws.write(2, 3, "Сидоров Олег")
    ws.write(3, 3, "Кузнецова Ольга")
    wb.add_sheet("Архив").visibility = 1
    wb.save(str(tmp_path / "old.xls"))
    [grid] = read_workbook(tmp_path / "old.xls")
    assert grid.cells[2] == ['АО "Лютик"', "7736050003", "79161234567", "Сидоров Олег"]
    assert grid.cells[3][0] == 'АО "Лютик"'
    assert grid.notes == ["скрытый лист 'Архив' пропущен (укажите его в sheet:, чтобы прочитать)"]


def _encrypted_ole(path: Path) -> Path:
    """A minimal OLE compound file as Excel writes a password-protected .xlsx: EncryptionInfo + EncryptedPackage."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, 1, 1, 0, 4096, end, 0, end, 0)  # 1 FAT sector; directory in 1
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, free, right, child, b"", 0, 0, 0, end, 0)

    directory = entry("Root Entry", 5, child=1) + entry("EncryptionInfo", 2, right=2) + entry("EncryptedPackage", 2)
    path.write_bytes(bytes(header) + fat + directory + bytes(128))
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xlsx", b"", "пустой файл (0 байт)"),
        (
            "clients.xlsx",
            "Клиент;ИНН\nООО Ромашка;7707083893\n".encode("cp1251"),
            "это не книга Excel (похоже на текст CSV; укажите kind: csv)",
        ),
        (
            "report.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            "это не книга Excel (похоже на HTML-страницу; откройте её в Excel и сохраните как .xlsx)",
        ),
        ("photo.xlsx", bytes(range(256)) * 4, "это не книга Excel (неизвестный формат файла)"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SourceError) as err:
        read_workbook(tmp_path / name)
    assert str(err.value) == f"{name}: {message}"


def test_truncated_workbook(tmp_path: Path) -> None:
    full = _workbook(tmp_path / "full.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(full[: len(full) // 2])
    with pytest.raises(SourceError, match=r"^cut\.xlsx: книга повреждена или обрезана"):
        read_workbook(tmp_path / "cut.xlsx")


def test_password_protected_workbook(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        read_workbook(_encrypted_ole(tmp_path / "secret.xlsx"))
    assert str(err.value) == "secret.xlsx: книга защищена паролем"


def test_xlsx_renamed_to_xls_still_reads(tmp_path: Path) -> None:
    renamed = tmp_path / "clients.xls"
    renamed.write_bytes(_workbook(tmp_path / "clients.xlsx").read_bytes())
    assert read_workbook(renamed)[0].name == "Клиенты"


def test_two_row_header_from_merged_group_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Клиент", "Телефон", "Контактное лицо", None, None])
    ws.append([None, None, "ФИО", "Телефон", "E-mail"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:E1")
    ws.append(["ООО Ромашка", "84951234567", "Иванов Иван", "89161234567", "ivanov@romashka.ru"])
    wb.save(tmp_path / "two_rows.xlsx")
    table = find_table(read_workbook(tmp_path / "two_rows.xlsx")[0])
    headers = [c for c in table.frame.columns if c != "_row"]
    assert headers == ["Клиент", "Телефон", "Контактное лицо ФИО", "Контактное лицо Телефон", "Контактное лицо E-mail"]
    mapping = map_columns(headers)
    assert mapping.company["phone"] == ["Телефон"]
    assert mapping.contact == {
        "full_name": ["Контактное лицо ФИО"],
        "phone": ["Контактное лицо Телефон"],
        "email": ["Контактное лицо E-mail"],
    }
    assert list(table.frame["_row"]) == [3]
