"""Finding the table in a grid: header below titles, two-row headers, totals — grids written out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.column_mapping import map_columns, own_name
from transforms.tables import ROW_COLUMN, NoHeaderError, find_table
from vocabulary.grid import Grid, RejectedRow


def _grid(rows: list[list[str | None]], first: int = 1) -> Grid:
    return Grid("Лист1", rows, list(range(first, first + len(rows))))


def _headers(table) -> list[str]:
    return [c for c in table.frame.columns if c != ROW_COLUMN]


def test_header_below_title_and_blank_rows() -> None:
    table = find_table(
        _grid(
            [
                ["Отчёт по клиентам", None, None],
                ["Сформирован 01.11.2026", None, None],
                [None, None, None],
                ["Наименование", "ИНН", "Телефон"],
                ["ООО Ромашка", "7707083893", None],
                [None, None, None],
                ["АО Лютик", None, "84951234567"],
            ]
        )
    )
    assert table.header_row == 4
    assert _headers(table) == ["Наименование", "ИНН", "Телефон"]
    assert table.frame[ROW_COLUMN].tolist() == [5, 7]
    assert table.frame["Телефон"].tolist() == [None, "84951234567"]
    assert all(table.frame[c].dtype == object for c in _headers(table))
    assert table.notes == [
        "строка заголовка: 4",
        "строк над заголовком пропущено (название таблицы): 2",
        "пустых строк пропущено: 1",
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # merged cells, filled by the reader: the group repeats, vertical merges repeat downwards
        [["Клиент", "ИНН", "Контактное лицо", "Контактное лицо"], ["Клиент", "ИНН", "ФИО", "Телефон"]],
        # the same header written without merges: the group once, empty cells around
        [["Клиент", "ИНН", "Контактное лицо", None], [None, None, "ФИО", "Телефон"]],
    ],
)
def test_two_row_headers(rows: list[list[str | None]]) -> None:
    table = find_table(
        _grid(
            [
                ["Выгрузка", "Выгрузка", "Выгрузка", "Выгрузка"],
                *rows,
                ["ООО Ромашка", "7707083893", "Иванов Иван", "89161234567"],
            ]
        )
    )
    assert _headers(table) == ["Клиент", "ИНН", "Контактное лицо ФИО", "Контактное лицо Телефон"]
    assert table.header_row == 2
    assert table.notes[0] == "заголовок в строках 2–3 (заголовок из двух строк)"


def test_a_title_over_the_header_is_not_a_group() -> None:
    table = find_table(_grid([["Клиенты 2026", None, None], ["Клиент", "ИНН", "Телефон"], ["А", "1", "2"]]))
    assert _headers(table) == ["Клиент", "ИНН", "Телефон"]


def test_text_data_below_a_header_is_not_a_second_header_row() -> None:
    table = find_table(_grid([["Клиент", "Город", "Контактное лицо"], ["ООО Ромашка", "Москва", "Иванов Иван"]]))
    assert table.frame[ROW_COLUMN].tolist() == [2]


def test_duplicate_and_missing_header_names() -> None:
    table = find_table(
        _grid(
            [
                ["Клиент", "Телефон", "Телефон", None, None],
                ["ООО Ромашка", "111", "222", "заметка без заголовка", None],
            ]
        )
    )
    assert _headers(table) == ["Клиент", "Телефон", "Телефон (2)", "column_4"]
    assert "столбцы переименованы, чтобы различать их: Телефон (2), column_4" in table.notes


def test_rows_wider_than_the_header_keep_their_cells() -> None:
    table = find_table(_grid([["Клиент", "ИНН"], ["ООО Ромашка", "7707083893", "лишнее"], ["АО Лютик"]]))
    assert table.frame.to_dict("records") == [
        {"Клиент": "ООО Ромашка", "ИНН": "7707083893", "column_3": "лишнее", ROW_COLUMN: 2},
        {"Клиент": "АО Лютик", "ИНН": None, "column_3": None, ROW_COLUMN: 3},
    ]


def test_totals_and_repeated_headers_are_dropped_with_a_note() -> None:
    table = find_table(
        _grid(
            [
                ["Клиент", "ИНН", "Сумма"],
                ["ООО Ромашка", "7707083893", "100"],
                ["Итого по Москве:", None, "100"],
                ["Клиент", "ИНН", "Сумма"],  # a page header repeated by a printed export
                ["Итого ООО", "7736050003", "5"],  # a company that happens to be called so: kept
                ["ВСЕГО", None, "1 105,50"],
                ["Total: 2 clients", None, None],
            ]
        )
    )
    assert table.frame["Клиент"].tolist() == ["ООО Ромашка", "Итого ООО"]
    assert "строк итогов пропущено: 3 (строки: 3, 6, 7)" in table.notes
    assert "повторов строки заголовка пропущено: 1 (строки: 4)" in table.notes


def test_expected_headers_choose_the_header_row() -> None:
    grid = _grid([["Клиент", "ИНН"], ["Организация", "Код партнёра"], ["ООО Ромашка", "001"]])
    assert find_table(grid).header_row == 1
    table = find_table(grid, ["организация", "Код партнёра"])
    assert table.header_row == 2
    assert _headers(table) == ["Организация", "Код партнёра"]
    with pytest.raises(
        NoHeaderError, match=r"нет строки заголовка с указанными в конфигурации столбцами \(Контрагент\)"
    ):
        find_table(grid, ["Контрагент"])


def test_no_header_is_a_clear_error() -> None:
    with pytest.raises(NoHeaderError, match="в первых 50 строках не найдена строка заголовка"):
        find_table(_grid([["1", "2"], ["Дата", "Сумма"], ["2024-01-01", "5"]]))
    with pytest.raises(NoHeaderError, match=r"^пусто \(нет заполненных ячеек\)$"):
        find_table(_grid([[None, None], []]))


def test_header_only_gives_an_empty_frame_and_rejects_travel() -> None:
    rejected = RejectedRow(3, "5 fields where the file has 3", "a;b;c;d;e")
    grid = Grid("k.csv", [["Наименование", "ИНН"]], [1], ["encoding cp1251 (detected)"], [rejected])
    table = find_table(grid)
    assert _headers(table) == ["Наименование", "ИНН"] and len(table.frame) == 0
    assert table.rejects == [rejected]
    assert table.notes[0] == "encoding cp1251 (detected)"
    assert isinstance(table.frame, pd.DataFrame)


# Real-shaped group headers: rows as the reader gives them (merged cells filled), and what the mapping makes of them.
GROUP_LAYOUTS = {
    "old CRM: company block and contact block, merged": (
        [
            ["Компания"] * 6 + ["Контактное лицо"] * 4,
            ["№", "Клиент", "ИНН", "Город", "Телефон", "E-mail", "ФИО", "Должность", "Моб. телефон", "E-mail"],
        ],
        {
            "name": ["Компания Клиент"],
            "inn": ["Компания ИНН"],
            "city": ["Компания Город"],
            "phone": ["Компания Телефон"],
            "email": ["Компания E-mail"],
        },
        {
            "full_name": ["Контактное лицо ФИО"],
            "position": ["Контактное лицо Должность"],
            "phone": ["Контактное лицо Моб. телефон"],
            "email": ["Контактное лицо E-mail"],
        },
        ["Компания №"],
    ),
    "three title rows, then the group written once (no merge)": (
        [
            ["Отчёт по клиентам", None, None, None, None, None],
            ["Сформирован 01.11.2026", None, None, None, None, None],
            ["Менеджер: все", None, None, None, None, None],
            ["Организация", None, None, "Контактное лицо", None, None],
            ["№ п/п", "Наименование", "Телефон", "ФИО", "Телефон", "Эл. почта"],
        ],
        {"name": ["Организация Наименование"], "phone": ["Организация Телефон"]},
        {
            "full_name": ["Контактное лицо ФИО"],
            "phone": ["Контактное лицо Телефон"],
            "email": ["Контактное лицо Эл. почта"],
        },
        ["Организация № п/п"],
    ),
    "a group over some columns only, vertical merges elsewhere": (
        [
            ["#", "Клиент", "ИНН", "Контакт", "Контакт", "Контакт", "Комментарий"],
            ["#", "Клиент", "ИНН", "Имя", "E-mail", "Телефон", "Комментарий"],
        ],
        {"name": ["Клиент"], "inn": ["ИНН"]},
        {
            "first_name": ["Контакт Имя"],
            "email": ["Контакт E-mail"],
            "phone": ["Контакт Телефон"],
            "note": ["Комментарий"],
        },
        ["#"],
    ),
    "English headers": (
        [["Customer"] * 4 + ["Contact person"] * 3, ["No.", "Name", "Tax ID", "Email", "Name", "Title", "Email"]],
        {"name": ["Customer Name"], "inn": ["Customer Tax ID"], "email": ["Customer Email"]},
        {"full_name": ["Contact person Name"], "position": ["Contact person Title"], "email": ["Contact person Email"]},
        ["Customer No."],
    ),
    "a group that names no entity («Служебное») and a field group over its kinds": (
        [
            ["Компания", "Компания", "Телефон", "Телефон", "Служебное", "Служебное"],
            ["Код", "Название", "Рабочий", "Мобильный", "Менеджер", "Дата создания"],
        ],
        {
            "key": ["Компания Код"],
            "name": ["Компания Название"],
            "phone": ["Телефон Рабочий", "Телефон Мобильный"],
            "manager": ["Служебное Менеджер"],
        },
        {},
        ["Служебное Дата создания"],
    ),
}


@pytest.mark.parametrize("layout", GROUP_LAYOUTS.values(), ids=GROUP_LAYOUTS.keys())
def test_group_header_qualifies_the_lower_cell(layout) -> None:
    header, company, contact, unmapped = layout
    width = len(header[-1])
    table = find_table(_grid([*header, ["1", "ООО Ромашка", *[f"v{j}" for j in range(width - 2)]]]))
    headers = _headers(table)
    assert table.header_row == len(header) - 1 and table.frame[ROW_COLUMN].tolist() == [len(header) + 1]
    assert all(own_name(h, table.groups.get(h)) in header[-1] for h in headers)
    mapping = map_columns(headers, groups=table.groups)
    entity = "mixed" if contact else "companies"
    assert (mapping.entity, mapping.company, mapping.contact, mapping.unmapped) == (entity, company, contact, unmapped)


def test_groups_are_kept_per_column_also_when_renamed() -> None:
    table = find_table(
        _grid(
            [
                ["Клиент", "Контакт", "Контакт", "Контакт"],
                ["Клиент", "ФИО", "Телефон", "Телефон"],
                ["ООО Ромашка", "Иванов", "1", "2"],
            ]
        )
    )
    assert table.groups == {"Контакт ФИО": "Контакт", "Контакт Телефон": "Контакт", "Контакт Телефон (2)": "Контакт"}


def test_configured_lower_cells_choose_the_two_row_header() -> None:
    """`columns:` naming the lower cells alone still finds the group row above them (and so the groups)."""
    grid = _grid(
        [
            ["Выгрузка", None, None],
            ["Компания", "Компания", "Контактное лицо"],
            ["№", "Наименование клиента", "ФИО"],
            ["1", "ООО Ромашка", "Иванов"],
        ]
    )
    table = find_table(grid, ["№", "Наименование клиента", "ФИО"])
    assert (table.header_row, _headers(table)) == (
        2,
        ["Компания №", "Компания Наименование клиента", "Контактное лицо ФИО"],
    )
