"""CSV intake: encodings, delimiters, quoting accidents — files written here with explicit encodings."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from connectors.csv_file import read_csv
from connectors.errors import SourceError
from transforms.column_mapping import map_columns
from transforms.tables import find_table
from vocabulary.messages import text as message

ROWS = [
    ["Наименование", "ИНН", "Телефон", "Адрес"],
    ['ООО "Ромашка"', "0274062111", "8 (495) 123-45-67", "г. Москва, ул. Ленина, д. 1"],
    ["Берёзка ООО", "6658761703", "+7 343 287-55-19", "Екатеринбург, ул. Малышева, 51"],
    ["ИП Соколов Андрей Викторович", "503627716233", "8-916-123-45-67", "Подольск"],
]


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _csv_text(rows: list[list[str]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(r) + "\r\n" for r in rows)


@pytest.mark.parametrize(
    ("encoding", "detected", "delimiter"),
    [
        ("utf-8", "utf-8", ";"),
        ("utf-8-sig", "utf-8-sig", ";"),
        ("cp1251", "cp1251", ";"),
        ("koi8-r", "koi8_r", ";"),
        ("mac-cyrillic", "mac_cyrillic", ";"),
        ("cp866", "cp866", ";"),
        ("utf-16", "utf-16", "\t"),  # Excel's "Unicode text": UTF-16 LE with BOM, tab-separated
        ("utf-16-le", "utf-16-le", "\t"),  # the same without a BOM
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str, delimiter: str) -> None:
    grid = read_csv(_write(tmp_path / "k.csv", _csv_text(ROWS, delimiter), encoding))
    assert grid.cells == ROWS
    assert grid.row_numbers == [1, 2, 3, 4]
    assert grid.notes == [
        f"кодировка {detected} (определена автоматически)",
        f"разделитель {delimiter!r} (определён автоматически)",
    ]


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "mac-cyrillic"])
@pytest.mark.parametrize("text", ["Клиент;Телефон\nООО Ромашка;123\n", "ООО РОМАШКА;ИНН\n", "Иванов\n", "ЁЖ;Щука\n"])
def test_short_russian_files_get_the_right_code_page(tmp_path: Path, encoding: str, text: str) -> None:
    assert read_csv(_write(tmp_path / "s.csv", text, encoding)).cells[0] == text.splitlines()[0].split(";")


def test_latin_text_falls_back_to_charset_normalizer(tmp_path: Path) -> None:
    text = "Name;City\nMüller GmbH;München\nCafé Crème;Zürich\nSøren Ærø;Århus\n"
    grid = read_csv(_write(tmp_path / "de.csv", text, "cp1252"))
    assert grid.cells[1] == ["Müller GmbH", "München"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters_are_sniffed_by_consistent_field_counts(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(ROWS)  # quotes the fields that hold the delimiter
    assert read_csv(path).cells == ROWS


def test_commas_inside_unquoted_fields_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    rows = [["Клиент", "Адрес", "Город"], ["А", "ул. Ленина, д. 1, кв. 2", "Москва"], ["Б", "пр. Мира, 5", "Тверь"]]
    assert read_csv(_write(tmp_path / "a.csv", _csv_text(rows), "cp1251")).cells == rows


def test_config_fixes_encoding_and_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path / "k.csv", _csv_text(ROWS, "\t"), "cp1251")
    grid = read_csv(path, encoding="cp1251", delimiter=";")
    assert grid.cells[0] == ["\t".join(ROWS[0])]
    assert grid.notes == ["кодировка cp1251 (из конфигурации)"]
    assert read_csv(path, encoding="windows-1251", delimiter="tab").cells == ROWS


def test_unknown_and_wrong_encodings_are_one_line_errors(tmp_path: Path, english: None) -> None:
    path = _write(tmp_path / "kontragenty.csv", _csv_text(ROWS), "cp1251")
    with pytest.raises(SourceError, match=r"^kontragenty\.csv: unknown encoding 'cp-1251-rus'$"):
        read_csv(path, encoding="cp-1251-rus")
    with pytest.raises(SourceError, match=r"^kontragenty\.csv: not valid utf-8 \(byte 0xcd at offset 0\)"):
        read_csv(path, encoding="utf-8")


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "kontragenty.csv").write_bytes(b"")
    with pytest.raises(SourceError) as err:
        read_csv(tmp_path / "kontragenty.csv")
    assert str(err.value) == "kontragenty.csv: пустой файл (0 байт)"


def test_quoted_newlines_keep_line_numbers(tmp_path: Path) -> None:
    text = 'Клиент;Адрес;Телефон\r\n"ООО ""Ромашка""";"г. Тверь,\r\nул. Мира, 1";123\r\nАО Бета;Москва;456\r\n'
    grid = read_csv(_write(tmp_path / "q.csv", text, "cp1251"))
    assert grid.cells[1] == ['ООО "Ромашка"', "г. Тверь,\r\nул. Мира, 1", "123"]
    assert grid.row_numbers == [1, 2, 4]  # the record after the two-line one starts on line 4
    assert grid.rejects == []


def test_ragged_rows_and_broken_quotes_become_rejects(tmp_path: Path) -> None:
    text = (
        "Клиент;ИНН;Телефон\n"
        "ООО Альфа;7707083893;123\n"
        "ООО Бета; Комментарий; с точкой с запятой;7736050003;456\n"  # line 3: 5 fields
        "ООО Гамма;1655450235;789;;\n"  # line 4: empty extra fields are harmless
        '"ООО Дельта;5260680903;111\n'  # line 5: the quote never closes
        "ООО Эпсилон;7728206539;222\n"
        "ООО Сплит;77058\n"  # lines 7-8: a line break inside the INN
        "87970;33\n"
        "ООО Омега;2901822105\n"
    )  # short row: kept (trailing fields left out)
    grid = read_csv(_write(tmp_path / "r.csv", text, "utf-8"))
    assert [(r.row, r.raw) for r in grid.rejects] == [
        (3, "ООО Бета; Комментарий; с точкой с запятой;7736050003;456"),
        (5, '"ООО Дельта;5260680903;111'),
        (7, "ООО Сплит;77058\n87970;33"),
    ]
    assert grid.rejects[0].reason == message("bad_input.csv_too_many_fields", n=5, width=3, sep=";")
    assert grid.rejects[1].reason == message("bad_input.csv_quote_swallows_unclosed", records=1)
    assert grid.rejects[2].reason == message("bad_input.csv_cut_in_two", first=7, second=8)
    assert grid.row_numbers == [1, 2, 4, 6, 9]
    assert grid.cells[2] == ["ООО Гамма", "1655450235", "789"]
    assert grid.cells[4] == ["ООО Омега", "2901822105"]


def test_a_quote_open_to_the_end_of_the_file(tmp_path: Path) -> None:
    grid = read_csv(_write(tmp_path / "e.csv", 'Клиент;ИНН\nА;1\n"Б;2\nВ;3\n', "utf-8"))
    assert [r.row for r in grid.rejects] == [3]
    assert grid.cells == [["Клиент", "ИНН"], ["А", "1"], ["В", "3"]]


def test_nul_bytes_survive(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes("Клиент;ИНН\nООО Альфа\x00;7707083893\n\x00\x00;1\n".encode("cp1251"))
    grid = read_csv(path)
    assert grid.cells[1:] == [["ООО Альфа\x00", "7707083893"], ["\x00\x00", "1"]]
    assert "символов NUL в файле: 3, оставлены в ячейках" in grid.notes


def test_csv_to_mapping_end_to_end(tmp_path: Path) -> None:
    text = "Выгрузка контрагентов;;;\n;;;\n" + _csv_text(ROWS) + "Итого;;;3\n"
    grid = read_csv(_write(tmp_path / "k.csv", text, "cp1251"))
    table = find_table(grid)
    assert table.header_row == 3
    assert list(table.frame["_row"]) == [4, 5, 6]
    assert table.frame["ИНН"].tolist() == ["0274062111", "6658761703", "503627716233"]
    mapping = map_columns([c for c in table.frame.columns if c != "_row"])
    assert (mapping.entity, mapping.as_config()) == (
        "companies",
        {"company": {"name": "Наименование", "inn": "ИНН", "phone": "Телефон", "address": "Адрес"}},
    )
