"""Automatic column mapping: a table of real-shaped headers and the field each one names."""

from __future__ import annotations

import pytest

from transforms.column_mapping import MappingError, find_column, map_columns, match_header

# header → "kind.field" (kind "shared": company or contact, decided by context); None: no field
HEADERS = {
    "Наименование": "company.name",
    "Клиент": "company.name",
    "Контрагент": "company.name",
    "Организация": "company.name",
    "Компания": "company.name",
    "Название компании": "company.name",
    "Юр. лицо": "company.name",
    "Company": "company.name",
    "Наименование контрагента": "company.name",
    "Полное наименование": "company.legal_name",
    "НаименованиеПолное": "company.legal_name",
    "ИНН": "company.inn",
    "ИНН контрагента": "company.inn",
    "КПП": "company.kpp",
    "ОГРН": "company.ogrn",
    "ОГРНИП": "company.ogrn",
    "Вид контрагента": "company.type",
    "Юр./физ. лицо": "company.type",
    "Адрес": "company.address",
    "Юридический адрес": "company.address",
    "Город": "company.city",
    "Сайт": "company.website",
    "Web": "company.website",
    "Ответственный": "company.manager",
    "Менеджер": "company.manager",
    "Ответственный менеджер": "company.manager",
    "Телефон": "shared.phone",
    "Тел.": "shared.phone",
    "Моб.": "shared.phone",
    "Телефоны": "shared.phone",
    "Рабочий телефон": "shared.phone",
    "Мобильный телефон": "shared.phone",
    "Phone": "shared.phone",
    "Тел. доп.": "shared.phone",
    "Телефон 2": "shared.phone",
    "Телфон": "shared.phone",
    "E-mail": "shared.email",
    "Email": "shared.email",
    "Эл. почта": "shared.email",
    "Электронная почта": "shared.email",
    "e-mail 2": "shared.email",
    "Примечание": "shared.note",
    "Комментарий": "shared.note",
    "Код": "shared.key",
    "ID": "shared.key",
    "Код контрагента": "shared.key",
    "Контактное лицо": "contact.full_name",
    "ФИО": "contact.full_name",
    "Ф.И.О.": "contact.full_name",
    "Контакт": "contact.full_name",
    "Фамилия": "contact.last_name",
    "Имя": "contact.first_name",
    "Отчество": "contact.middle_name",
    "Должность": "contact.position",
    "Контакт: Должность": "contact.position",
    "Контактное лицо ФИО": "contact.full_name",
    "Реквизиты ИНН": "company.inn",
    "Дата создания": None,
    "Дата": None,
    "Сумма": None,
    "№ п/п": None,
    "Контакты": None,
    "Пол": None,
    "Адрес доставки": None,
    "Наименование товара": None,
    "Статус": None,
    "": None,
    # number columns are never a name, also with a qualifier; "№" and "#" are modifiers elsewhere
    "№": None,
    "#": None,
    "No.": None,
    "Клиент №": None,
    "№ клиента": None,
    "Компания №": None,
    "Компания № п/п": None,
    "Номер": None,
    "Телефон №2": "shared.phone",
    "Phone No.": "shared.phone",
    "Компания Клиент": "company.name",
    "Компания Дата создания": None,
}


@pytest.mark.parametrize(("header", "expected"), HEADERS.items())
def test_header_vocabulary(header: str, expected: str | None) -> None:
    match = match_header(header)
    assert (f"{match.kind}.{match.field}" if match else None) == expected


def test_company_phone_and_contact_phone_in_a_mixed_source() -> None:
    mapping = map_columns(
        [
            "Клиент",
            "Телефон",
            "Контактное лицо",
            "Должность",
            "Моб. телефон",
            "E-mail",
            "Телефон организации",
            "Телефон контактного лица",
            "Дата создания",
        ]
    )
    assert mapping.entity == "mixed"
    assert mapping.company == {"name": ["Клиент"], "phone": ["Телефон", "Телефон организации"]}
    assert mapping.contact == {
        "full_name": ["Контактное лицо"],
        "position": ["Должность"],
        "phone": ["Моб. телефон", "Телефон контактного лица"],
        "email": ["E-mail"],
    }
    assert mapping.unmapped == ["Дата создания"]


def test_contact_hint_wins_over_position() -> None:
    mapping = map_columns(["Компания", "Мобильный", "ФИО"])
    assert mapping.contact["phone"] == ["Мобильный"]


@pytest.mark.parametrize(
    ("headers", "entity"),
    [
        (["Наименование", "ИНН", "Телефон"], "companies"),
        (["Фамилия", "Имя", "Отчество", "Телефон"], "contacts"),
        (["ФИО", "Должность", "Компания", "ИНН компании"], "contacts"),  # the person first, the company a reference
        (["Клиент", "ИНН", "Контактное лицо"], "mixed"),
        (["Клиент", "Адрес", "ФИО"], "mixed"),  # a company field beyond key/INN/name: the row holds the company
    ],
)
def test_entity_detection(headers: list[str], entity: str) -> None:
    mapping = map_columns(headers)
    assert mapping.entity == entity
    assert f"вид источника определён автоматически: {entity}" in mapping.notes


def test_contacts_source_keeps_only_company_references() -> None:
    mapping = map_columns(["Код", "ФИО", "Телефон", "Код контрагента", "Компания", "ИНН", "Город"], entity="contacts")
    assert mapping.contact == {"key": ["Код"], "full_name": ["ФИО"], "phone": ["Телефон"]}
    assert mapping.company == {"key": ["Код контрагента"], "name": ["Компания"], "inn": ["ИНН"]}
    assert mapping.unmapped == ["Город"]
    assert "'Город' похож на company.city, но оставлен дополнительным полем в источнике вида contacts" in mapping.notes


def test_companies_source_keeps_person_columns_as_custom_fields() -> None:
    mapping = map_columns(["Наименование", "Контактное лицо", "Телефон"], entity="companies")
    assert mapping.company == {"name": ["Наименование"], "phone": ["Телефон"]}
    assert mapping.contact == {} and mapping.unmapped == ["Контактное лицо"]


def test_several_columns_per_field() -> None:
    mapping = map_columns(
        [
            "Наименование",
            "Телефон",
            "Телефон (2)",
            "Факс",
            "E-mail",
            "Эл. почта",
            "Юридический адрес",
            "Фактический адрес",
        ]
    )
    assert mapping.company["phone"] == ["Телефон", "Телефон (2)"]
    assert mapping.company["email"] == ["E-mail", "Эл. почта"]
    assert mapping.company["address"] == ["Юридический адрес"]  # one value only: the first, the other kept aside
    assert mapping.unmapped == ["Факс", "Фактический адрес"]
    assert any("'Фактический адрес' тоже похож на company.address" in n for n in mapping.notes)


def test_fuzzy_choices_are_explained() -> None:
    mapping = map_columns(["Наименованние", "Телфон"])
    assert mapping.company == {"name": ["Наименованние"], "phone": ["Телфон"]}
    assert "'Телфон' сопоставлен с shared.phone (нечёткое совпадение 92)" in mapping.notes


def test_explicit_columns_win_and_name_missing_headers() -> None:
    headers = ["Клиент", "ИНН", "Телефон", "Тел. доп.", "Контактное лицо", "Мобильный", "Прочее"]
    explicit = {
        "company": {"name": "клиент", "inn": "ИНН", "phone": ["Телефон", "Тел. доп."]},
        "contact": {"full_name": "Контактное лицо", "phone": "Мобильный"},
    }
    mapping = map_columns(headers, entity="mixed", explicit=explicit)
    assert mapping.company == {"name": ["Клиент"], "inn": ["ИНН"], "phone": ["Телефон", "Тел. доп."]}
    assert mapping.contact == {"full_name": ["Контактное лицо"], "phone": ["Мобильный"]}
    assert mapping.unmapped == ["Прочее"]
    with pytest.raises(MappingError, match=r"columns: company\.inn: столбец 'ИНН клиента' не найден"):
        map_columns(headers, explicit={"company": {"inn": "ИНН клиента"}})
    with pytest.raises(MappingError, match=r"columns: company\.fax — нет такого поля"):
        map_columns(headers, explicit={"company": {"fax": "Телефон"}})


def test_shown_mapping_can_be_pasted_back() -> None:
    headers = ["Код", "Клиент", "ИНН", "Телефон", "Контактное лицо", "E-mail", "Дата создания"]
    auto = map_columns(headers)
    again = map_columns(headers, entity=auto.entity, explicit=auto.as_config())
    assert (again.company, again.contact, again.unmapped) == (auto.company, auto.contact, auto.unmapped)
    assert auto.describe().splitlines() == [
        "entity: mixed",
        "company.key       ← Код",
        "company.name      ← Клиент",
        "company.inn       ← ИНН",
        "company.phone     ← Телефон",
        "contact.full_name ← Контактное лицо",
        "contact.email     ← E-mail",
        "доп. поля         ← Дата создания",
    ]


@pytest.mark.parametrize(
    ("headers", "name"),
    [
        (["Клиент", "Наименование"], "Наименование"),  # a synonym over a bare qualifier
        (["Наименованние", "Клиент"], "Клиент"),  # a bare qualifier over a near miss
        (["№", "Клиент №", "Контрагент", "Наименование"], "Наименование"),
        (["Наименование", "Название"], "Наименование"),  # equals: the leftmost
    ],
)
def test_the_name_is_the_surest_name_column(headers: list[str], name: str) -> None:
    mapping = map_columns(headers)
    assert mapping.company["name"] == [name]
    others = [h for h in headers if h != name and match_header(h)]
    assert others and set(others) <= set(mapping.unmapped)
    assert all(
        f"{h!r} тоже похож на company.name; взят {name!r}, а {h!r} оставлен дополнительным полем" in mapping.notes
        for h in others
    )


@pytest.mark.parametrize(
    ("header", "group", "expected"),
    [
        ("Компания E-mail", "Компания", ("shared", "email", "company")),
        ("Контактное лицо E-mail", "Контактное лицо", ("shared", "email", "contact")),
        ("Контактное лицо Name", "Контактное лицо", ("shared", "name", "contact")),
        ("Компания №", "Компания", None),
        ("Компания Клиент", "Компания", ("company", "name", "company")),
        ("Клиент Контактное лицо", "Клиент", ("contact", "full_name", None)),  # its own name says whose
        ("Компания Должность", "Компания", ("contact", "position", None)),  # a group decides shared fields only
        ("Реквизиты ИНН", "Реквизиты", ("company", "inn", None)),
        ("Телефон Рабочий", "Телефон", ("shared", "phone", None)),  # a lower cell that means nothing alone
    ],
)
def test_group_says_whose_field_the_lower_cell_is(header: str, group: str, expected: tuple | None) -> None:
    match = match_header(header, group)
    assert ((match.kind, match.field, match.qualifier) if match else None) == expected


JOINED = [
    "Компания №",
    "Компания Клиент",
    "Компания E-mail",
    "Контактное лицо",
    "Контактное лицо ФИО",
    "Контактное лицо E-mail",
    "E-mail",
]
GROUPS = {
    "Компания №": "Компания",
    "Компания Клиент": "Компания",
    "Компания E-mail": "Компания",
    "Контактное лицо ФИО": "Контактное лицо",
    "Контактное лицо E-mail": "Контактное лицо",
}  # the rest are plain


@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        ("Компания №", "Компания №"),
        ("компания  клиент", "Компания Клиент"),  # the joined name, however spelled
        ("№", "Компания №"),
        ("Клиент", "Компания Клиент"),
        ("фио", "Контактное лицо ФИО"),  # the lower cell alone
        ("Контактное лицо", "Контактное лицо"),
        ("E-mail", "E-mail"),  # a plain header wins over lower cells
    ],
)
def test_config_names_a_column_by_its_joined_name_or_lower_cell(wanted: str, found: str) -> None:
    assert find_column(wanted, JOINED, GROUPS) == found


def test_an_ambiguous_lower_cell_asks_for_the_full_name() -> None:
    headers = [h for h in JOINED if h != "E-mail"]
    with pytest.raises(
        MappingError,
        match=r"ключевой столбец 'e-mail' неоднозначен: это 'Компания E-mail', "
        r"'Контактное лицо E-mail'; напишите полное имя",
    ):
        find_column("e-mail", headers, GROUPS, "ключевой столбец")
    with pytest.raises(MappingError, match=r"ключевой столбец 'Код' не найден \(столбцы: Компания №, "):
        find_column("Код", headers, GROUPS, "ключевой столбец")
    with pytest.raises(MappingError, match="^столбец '№' не найден"):  # without its group a lower cell is not a name
        find_column("№", headers)


@pytest.mark.parametrize(
    "columns",
    [
        {
            "company": {"name": "Компания Клиент", "email": "Компания E-mail"},
            "contact": {"full_name": "Контактное лицо ФИО", "email": "Контактное лицо E-mail"},
        },  # as the reader joins them
        {
            "company": {"name": "Клиент", "email": "Компания E-mail"},
            "contact": {"full_name": "ФИО", "email": "контактное лицо e-mail"},
        },  # lower cells where they are unique
    ],
)
def test_explicit_columns_by_joined_name_or_lower_cell(columns: dict) -> None:
    mapping = map_columns(JOINED, explicit=columns, groups=GROUPS)
    assert mapping.company == {"name": ["Компания Клиент"], "email": ["Компания E-mail"]}
    assert mapping.contact == {"full_name": ["Контактное лицо ФИО"], "email": ["Контактное лицо E-mail"]}
    assert mapping.unmapped == ["Компания №", "Контактное лицо", "E-mail"]
