"""Payloads and diffs for Bitrix24/amoCRM, and the crm: config section (pure, table-driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config
from tests.clientdata import write_dataset
from transforms.crm_import_rows import unique_titles
from transforms.crm_payloads import (
    bitrix_company,
    delivery_hash,
    is_mobile,
    multifield_update,
)
from vocabulary.crm_records import CrmCompany, Phone

PRESETS = {"legal": "1", "entrepreneur": "2", "person": "3"}


@pytest.mark.parametrize(
    ("e164", "mobile"),
    [
        ("+79161234567", True),
        ("+74951234567", False),
        ("+78125551212", False),
        ("+77012345678", True),
        ("+375291234567", True),
        ("+78001234567", False),
    ],
)
def test_mobile_or_landline_from_the_number(e164: str, mobile: bool) -> None:
    assert is_mobile(e164) is mobile


@pytest.mark.parametrize(
    ("wanted", "remote", "ours", "sent"),
    [
        # nothing changed: nothing sent
        (
            [("+74951234567", "WORK")],
            [{"ID": "1", "VALUE": "+74951234567", "VALUE_TYPE": "WORK"}],
            {"+74951234567": "1"},
            [],
        ),
        # the same number spelled otherwise in the CRM is the same number
        ([("+74951234567", "WORK")], [{"ID": "1", "VALUE": "+7 (495) 123-45-67", "VALUE_TYPE": "WORK"}], {}, []),
        # a changed number of ours is changed in place, by ID
        (
            [("+73839130527", "WORK")],
            [{"ID": "1", "VALUE": "+74951234567", "VALUE_TYPE": "WORK"}],
            {"+74951234567": "1"},
            [{"ID": "1", "VALUE": "+73839130527", "VALUE_TYPE": "WORK"}],
        ),
        # a removed number of ours is deleted; the user's own stays untouched
        (
            [],
            [
                {"ID": "1", "VALUE": "+74951234567", "VALUE_TYPE": "WORK"},
                {"ID": "2", "VALUE": "+74950000000", "VALUE_TYPE": "OTHER"},
            ],
            {"+74951234567": "1"},
            [{"ID": "1", "DELETE": "Y"}],
        ),
        # a new number is appended (no ID) — once
        (
            [("+74951234567", "WORK"), ("+79161234567", "MOBILE")],
            [{"ID": "1", "VALUE": "+74951234567", "VALUE_TYPE": "WORK"}],
            {"+74951234567": "1"},
            [{"VALUE": "+79161234567", "VALUE_TYPE": "MOBILE"}],
        ),
        # a value the user typed already is not sent again, even if it was never ours
        ([("+79161234567", "MOBILE")], [{"ID": "5", "VALUE": "89161234567", "VALUE_TYPE": "HOME"}], {}, []),
    ],
)
def test_multifields_change_by_item_id_never_by_appending_twice(wanted, remote, ours, sent) -> None:
    assert multifield_update("PHONE", wanted, remote, ours) == sent


def test_requisite_preset_follows_the_company_type() -> None:
    legal = bitrix_company(
        CrmCompany(1, 'ООО "Ромашка"', inn="7707083893", kpp="773601001", ogrn="1027700132195", type="legal"),
        "crm-migrate:x",
        PRESETS,
    )
    ip = bitrix_company(
        CrmCompany(2, "ИП Кузнецов", inn="500100732259", ogrn="304500116000157", type="entrepreneur"),
        "crm-migrate:x",
        PRESETS,
    )
    none = bitrix_company(CrmCompany(3, "Без реквизитов"), "crm-migrate:x", PRESETS)
    assert legal.requisite["PRESET_ID"] == "1" and legal.requisite["RQ_OGRN"] == "1027700132195"
    assert ip.requisite["PRESET_ID"] == "2" and ip.requisite["RQ_OGRNIP"] == "304500116000157"
    assert "RQ_KPP" not in ip.requisite and none.requisite is None
    assert legal.fields["ORIGIN_ID"] == "1" and legal.fields["ORIGINATOR_ID"] == "crm-migrate:x"


def test_hash_is_stable_and_sees_every_change() -> None:
    a = bitrix_company(CrmCompany(1, "A", phones=(Phone("+74951234567"),)), "o", PRESETS)
    b = bitrix_company(CrmCompany(1, "A", phones=(Phone("+74951234568"),)), "o", PRESETS)
    assert a.hash() == bitrix_company(CrmCompany(1, "A", phones=(Phone("+74951234567"),)), "o", PRESETS).hash()
    assert a.hash() != b.hash() and delivery_hash({"x": 1, "y": 2}) == delivery_hash({"y": 2, "x": 1})


def test_titles_are_unique_in_the_file() -> None:
    companies = (
        CrmCompany(1, "Ромашка", city="Москва", inn="7707083893"),
        CrmCompany(2, "Ромашка", city="Санкт-Петербург", inn="7707083893"),
        CrmCompany(3, "Ромашка", city="Москва", inn="7736050003"),
        CrmCompany(4, "Лютик"),
    )
    titles = unique_titles(companies)
    assert len(set(titles.values())) == 4 and titles[4] == "Лютик"
    assert titles[2] == "Ромашка (Санкт-Петербург)" and titles[3] == "Ромашка (Москва) (ИНН 7736050003)"


@pytest.mark.parametrize(
    ("crm", "message"),
    [
        ("{kind: bitrix}", "crm: kind должен быть одним из bitrix24, amocrm"),
        ("{kind: bitrix24}", "crm.url_env: обязательный ключ отсутствует"),
        ("{kind: bitrix24, url_env: X, url: y}", "crm.url: неизвестный ключ"),
        ("{kind: amocrm, url: 'https://acme.amocrm.ru'}", "crm.token_env: обязательный ключ отсутствует"),
        ("{kind: amocrm, url: 'acme', token_env: T}", "crm.url: 'acme' не подходит под шаблон"),
    ],
)
def test_crm_config_errors_name_the_key(tmp_path: Path, crm: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_config(write_dataset(tmp_path, extra_yaml=f"crm: {crm}\n"))
