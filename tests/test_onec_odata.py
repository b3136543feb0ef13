"""1C OData reader against a fake 1C server: БП 3.0 and УТ 11 catalogs, paging, deletion marks,
the sensor fingerprint, and the one-line errors a consultant sees."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
import pytest

from connectors.errors import SourceError
from connectors.onec_odata import fingerprint_of, scan_versions
from pipelines.intake import read_odata
from tests.fake_onec import FakeOneC, bp_contact, counterparty, guid, partner, ut_contact
from transforms.onec_records import onec_records
from vocabulary.fields import COMPANY_FIELDS, CONTACT_FIELDS, REF_KEY, SOURCE_KEY

PASSWORD = "Pa55-w0rd!"
COUNTERPARTIES = "Catalog_Контрагенты"
BP_CONTACTS = "Catalog_КонтактныеЛица"
UT_CONTACTS = "Catalog_КонтактныеЛицаПартнеров"


def bp_base() -> dict[str, list[dict]]:
    return {
        COUNTERPARTIES: [
            counterparty(
                1,
                "Ромашка ООО",
                legal_name='ООО "Ромашка"',
                inn="7707083893",
                kpp="770701001",
                ogrn="1027700132195",
                phones=["+7 (495) 123-45-67 доб. 12", "8 916 000-11-22"],
                emails=["info@romashka.ru"],
                address="125009, Москва г, Тверская ул, дом 1",
                city="Москва",
                website="romashka.ru",
                comment="ключевой клиент",
            ),
            counterparty(2, "Соколов Андрей Викторович ИП", inn="503627716233", person=True),
            counterparty(3, "Петрова Мария", person=True, phones=["+7 903 111-22-33"]),
        ],
        BP_CONTACTS: [
            bp_contact(
                11,
                "Иванов Пётр Сергеевич",
                1,
                position="Главный бухгалтер",
                phones=["+7 495 123-45-68"],
                emails=["buh@romashka.ru"],
            ),
            bp_contact(12, "Сидорова Анна", None),
        ],
    }


def read(onec: FakeOneC, **kwargs: object):
    return read_odata(onec.url, "odata", "secret", source_name="buh", **kwargs)


def by_key(entities: list) -> dict:
    return {e.key: e for e in entities}


def test_bp_catalogs_map_to_canonical_fields() -> None:
    with FakeOneC(bp_base()) as onec:
        data = read(onec)
    companies = by_key(data.companies)
    assert set(companies) == {guid(1), guid(2), guid(3)}
    romashka = companies[guid(1)]
    assert romashka.fields == {
        "name": "Ромашка ООО",
        "legal_name": 'ООО "Ромашка"',
        "inn": "7707083893",
        "kpp": "770701001",
        "ogrn": "1027700132195",
        "type": "legal",
        "phone": ["+7 (495) 123-45-67 доб. 12", "8 916 000-11-22"],
        "email": ["info@romashka.ru"],
        "address": "125009, Москва г, Тверская ул, дом 1",
        "city": "Москва",
        "website": "romashka.ru",
        "note": "ключевой клиент",
    }
    assert romashka.extra == {"Код 1С": "00-0000001"}
    assert romashka.origin == f"Catalog_Контрагенты(guid'{guid(1)}') «Ромашка ООО»"
    assert companies[guid(2)].fields["type"] == "entrepreneur"
    assert companies[guid(3)].fields["type"] == "person"
    assert companies[guid(3)].fields["phone"] == ["+7 903 111-22-33"]

    contacts = by_key(data.contacts)
    ivanov = contacts[guid(11)]
    assert ivanov.company_key == guid(1)
    assert (
        ivanov.fields["full_name"],
        ivanov.fields["last_name"],
        ivanov.fields["first_name"],
        ivanov.fields["middle_name"],
    ) == ("Иванов Пётр Сергеевич", "Иванов", "Пётр", "Сергеевич")
    assert ivanov.fields["position"] == "Главный бухгалтер"
    assert (ivanov.fields["phone"], ivanov.fields["email"]) == (["+7 495 123-45-68"], ["buh@romashka.ru"])
    assert contacts[guid(12)].company_key is None  # owner is the empty reference


def ut_base() -> dict[str, list[dict]]:
    return {
        "Catalog_Партнеры": [partner(101, "Техноснаб"), partner(102, "Вектор"), partner(103, "Без контрагента")],
        COUNTERPARTIES: [
            counterparty(
                4,
                "Техноснаб ООО",
                inn="6658761703",
                kpp="665801001",
                style="ut",
                partner=101,
                phones=["+7 343 287-55-19"],
                emails=["sales@tehnosnab.ru"],
            ),
            counterparty(5, "Вектор АО", inn="7814148471", kpp="781401001", style="ut", partner=102),
            counterparty(6, "Вектор ИП Орлов", inn="780204567890", person=True, style="ut", partner=102),
        ],
        UT_CONTACTS: [
            ut_contact(
                21,
                "Кузнецова Ольга",
                101,
                position="Менеджер по закупкам",
                phones=["+7 912 345-67-89"],
                emails=["olga@tehnosnab.ru"],
            ),
            ut_contact(22, "Орлов Игорь", 102),
            ut_contact(23, "Никто Никтоевич", 103),
        ],
    }


def test_ut_catalogs_attach_contacts_through_the_partner() -> None:
    with FakeOneC(ut_base()) as onec:
        data = read(onec)
    companies = by_key(data.companies)
    assert companies[guid(4)].fields["type"] == "legal"
    assert (companies[guid(4)].fields["inn"], companies[guid(4)].fields["kpp"]) == ("6658761703", "665801001")
    assert companies[guid(4)].fields["phone"] == ["+7 343 287-55-19"]
    assert companies[guid(6)].fields["type"] == "entrepreneur"
    assert companies[guid(4)].payload["Партнер_Key"] == guid(101)

    contacts = by_key(data.contacts)
    assert contacts[guid(21)].company_key == guid(4)
    assert contacts[guid(21)].fields["position"] == "Менеджер по закупкам"
    assert contacts[guid(21)].fields["email"] == ["olga@tehnosnab.ru"]
    assert contacts[guid(22)].company_key == min(guid(5), guid(6))  # a partner with two counterparties
    assert contacts[guid(23)].company_key == guid(103)  # no counterparty: quarantined downstream
    assert contacts[guid(21)].origin.startswith(f"Catalog_КонтактныеЛицаПартнеров(guid'{guid(21)}')")


def test_paging_reads_every_record_once_in_stable_pages() -> None:
    rows = [counterparty(n, f"Клиент {n}") for n in range(1, 26)]
    with FakeOneC({COUNTERPARTIES: rows[::-1]}) as onec:
        data = read(onec, page_size=10)
        pages = [r.query for r in onec.requests if r.resource == COUNTERPARTIES]
    assert sorted(e.key for e in data.companies) == sorted(guid(n) for n in range(1, 26))
    assert [(p["$skip"], p["$top"]) for p in pages] == [("0", "10"), ("10", "10"), ("20", "10")]
    assert all(p["$orderby"] == "Ref_Key" and p["$format"] == "json" for p in pages)


def test_a_full_last_page_is_followed_by_an_empty_one() -> None:
    with FakeOneC({COUNTERPARTIES: [counterparty(n, f"Клиент {n}") for n in range(1, 21)]}) as onec:
        data = read(onec, page_size=10)
        assert onec.count(COUNTERPARTIES) == 3
    assert len(data.companies) == 20


def test_folders_and_deletion_marks_are_skipped_and_counted() -> None:
    catalogs = {
        COUNTERPARTIES: [
            counterparty(30, "Покупатели", folder=True),
            counterparty(31, "Поставщики", folder=True),
            counterparty(1, "Живой ООО", parent=30),
            counterparty(2, "Удалённый ООО", deleted=True),
            counterparty(3, "Ещё удалённый", deleted=True),
        ],
        BP_CONTACTS: [bp_contact(11, "Удалённая Персона", 1, deleted=True)],
    }
    with FakeOneC(catalogs) as onec:
        data = read(onec)
    assert [e.key for e in data.companies] == [guid(1)]
    assert data.contacts == []
    assert "Catalog_Контрагенты: групп (папок) пропущено: 2" in data.notes
    assert "контрагентов с пометкой удаления в 1С: 2; их записи в CRM будут помечены удалёнными" in data.notes
    assert "контактных лиц с пометкой удаления в 1С: 1; их записи в CRM будут помечены удалёнными" in data.notes


def test_without_a_contact_catalog_only_counterparties_are_read() -> None:
    with FakeOneC({COUNTERPARTIES: [counterparty(1, "Ромашка")]}) as onec:
        data = read(onec)
    assert len(data.companies) == 1 and data.contacts == []
    assert any(n.startswith("справочник контактных лиц не опубликован") for n in data.notes)


def test_an_element_without_ref_key_is_broken_not_dropped() -> None:
    keyless = {k: v for k, v in counterparty(7, "Безключевой").items() if k != "Ref_Key"}
    with FakeOneC({COUNTERPARTIES: [counterparty(1, "Ромашка"), keyless]}) as onec:
        data = read(onec)
    assert [e.key for e in data.companies] == [guid(1)]
    [(origin, reason, payload)] = data.broken
    assert origin == "Catalog_Контрагенты (без Ref_Key) «Безключевой»"
    assert reason == "Catalog_Контрагенты: элемент без Ref_Key" and payload["Description"] == "Безключевой"


def test_payload_keeps_scalar_values_and_readable_contact_information() -> None:
    with FakeOneC(bp_base()) as onec:
        data = read(onec)
    payload = by_key(data.companies)[guid(1)].payload
    assert payload["ИНН"] == "7707083893" and payload["DeletionMark"] is False
    assert payload["ГоловнойКонтрагент_Key"] == guid(1)
    assert not [k for k in payload if k.startswith("odata.") or "@" in k]
    assert "ОсновнойБанковскийСчет_Key" not in payload  # the empty reference
    assert "ИсторияКПП" not in payload  # other tabular parts
    assert payload["КонтактнаяИнформация"][:2] == ["Телефон: +7 (495) 123-45-67 доб. 12", "Телефон: 8 916 000-11-22"]
    json.dumps(payload)  # stored as JSON on the source link


def test_end_to_end_frames_have_the_canonical_columns() -> None:
    with FakeOneC(bp_base()) as onec:
        records = onec_records("buh", read(onec))
    assert set(COMPANY_FIELDS) <= set(records.companies.columns)
    assert set(CONTACT_FIELDS) <= set(records.contacts.columns)
    romashka = records.companies.set_index(SOURCE_KEY).loc[guid(1)]
    assert romashka["phone"] == "+7 (495) 123-45-67 доб. 12\n8 916 000-11-22"
    assert romashka["type"] == "legal" and romashka["key"] is None
    ivanov = records.contacts.set_index(SOURCE_KEY).loc[guid(11)]
    assert ivanov[REF_KEY] == guid(1)
    assert records.rejects.empty


# -- fingerprint ------------------------------------------------------------------------------
def fingerprint(onec: FakeOneC) -> str:
    return fingerprint_of(scan_versions(onec.url, "odata", "secret"))


def test_fingerprint_is_stable_and_reads_only_keys_and_versions() -> None:
    with FakeOneC(bp_base()) as onec:
        first, second = fingerprint(onec), fingerprint(onec)
        selects = {r.query.get("$select") for r in onec.requests if r.resource in (COUNTERPARTIES, BP_CONTACTS)}
    assert first == second
    assert selects == {"Ref_Key,DataVersion,DeletionMark"}


@pytest.mark.parametrize(
    "change",
    [
        lambda onec: onec.change(COUNTERPARTIES, guid(1), ИНН="7707083894"),
        lambda onec: onec.change(BP_CONTACTS, guid(11), Должность="Директор"),
        lambda onec: onec.change(COUNTERPARTIES, guid(2), DeletionMark=True),
        lambda onec: onec.add(COUNTERPARTIES, counterparty(40, "Новый клиент")),
        lambda onec: onec.remove(COUNTERPARTIES, guid(3)),
        lambda onec: onec.add(UT_CONTACTS, ut_contact(41, "Новый контакт", 101)),  # a catalog gets published
    ],
    ids=["changed", "contact changed", "marked for deletion", "added", "deleted", "catalog published"],
)
def test_fingerprint_changes_when_1c_data_changes(change) -> None:
    with FakeOneC(bp_base()) as onec:
        before = fingerprint(onec)
        change(onec)
        assert fingerprint(onec) != before


# -- errors -----------------------------------------------------------------------------------
def failure(onec_url: str, user: str | None = "odata", password: str | None = PASSWORD, **kwargs: object) -> str:
    with pytest.raises(SourceError) as raised:
        read_odata(onec_url, user, password, source_name="buh", **kwargs)
    message = str(raised.value)
    assert "\n" not in message and PASSWORD not in message
    assert message.startswith("buh (http://")
    return message


def test_wrong_password_is_401() -> None:
    with FakeOneC(bp_base(), password="the-right-one") as onec:
        assert failure(onec.url) == f"buh ({onec.url}): 401 Unauthorized — проверьте user и password_env"
        assert "задайте user и password_env" in failure(onec.url, user=None, password=None)


def test_unpublished_counterparty_catalog_is_named() -> None:
    with FakeOneC({BP_CONTACTS: []}, password=PASSWORD) as onec:
        message = failure(onec.url)
    assert message.endswith(
        "интерфейс OData не публикует Catalog_Контрагенты — опубликуйте его в 1С "
        "(Администрирование → Синхронизация данных → Настройка стандартного интерфейса OData)"
    )


def test_a_listed_set_answering_404_is_named_too() -> None:
    with FakeOneC(bp_base(), password=PASSWORD) as onec:
        onec.serve_raw(
            COUNTERPARTIES,
            404,
            json.dumps(
                {"odata.error": {"code": "9", "message": {"lang": "ru", "value": "Не найден"}}}, ensure_ascii=False
            ),
            "application/json",
        )
        assert "не публикует Catalog_Контрагенты" in failure(onec.url)


def test_wrong_service_url_is_404() -> None:
    with FakeOneC(bp_base(), password=PASSWORD) as onec:
        message = failure(onec.url.replace("/odata/standard.odata", "/odata"))
    assert "404 Not Found — по этому адресу нет сервиса OData 1С" in message


def test_connection_refused() -> None:
    with FakeOneC(bp_base()) as onec:
        url = onec.url
    assert "не удаётся подключиться" in failure(url) and "проверьте url" in failure(url)


def test_timeout_is_retried_then_names_the_key_to_raise() -> None:
    calls = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    message = failure(
        "http://1c.local/base/odata/standard.odata", timeout=5, backoff=0, transport=httpx.MockTransport(hang)
    )
    assert message.endswith(
        "нет ответа за 5 с, попыток: 5 — сервер 1С занят или недоступен; повторите позже "
        "или увеличьте timeout: этого источника в конфигурации"
    )
    assert len(calls) == 5


def test_non_json_answer() -> None:
    with FakeOneC(bp_base(), password=PASSWORD) as onec:
        onec.serve_raw(COUNTERPARTIES, 200, "<html>\n<head><title>Ошибка публикации</title></head><body/></html>")
        message = failure(onec.url)
    assert "ответ на запрос Catalog_Контрагенты — не OData JSON (text/html: «Ошибка публикации»)" in message


def test_1c_error_body_is_quoted() -> None:
    with FakeOneC(bp_base(), password=PASSWORD) as onec:
        onec.serve_raw(
            COUNTERPARTIES,
            500,
            json.dumps(
                {
                    "odata.error": {
                        "code": "-1",
                        "message": {"lang": "ru", "value": "Произошла внутренняя ошибка OData сервиса.\nСм. журнал."},
                    }
                },
                ensure_ascii=False,
            ),
            "application/json;charset=utf-8",
        )
        message = failure(onec.url, backoff=0)  # retried, then the last answer is told
    assert message.endswith(
        "500 Internal Server Error на запрос Catalog_Контрагенты: "
        "1С отвечает «Произошла внутренняя ошибка OData сервиса. См. журнал.»"
    )


def test_credentials_in_the_url_are_masked() -> None:
    with FakeOneC(bp_base()) as onec:
        url = onec.url.replace("http://", f"http://odata:{PASSWORD}@")
    assert "odata:***@" in failure(url, user=None, password=None)


# -- the fake itself --------------------------------------------------------------------------
def get(onec: FakeOneC, resource: str, query: str = "$format=json", auth: tuple[str, str] = ("odata", "secret")):
    return httpx.get(f"{onec.url}/{resource}?{query}", auth=auth)


def test_fake_filters_selects_and_orders_like_1c() -> None:
    catalogs = bp_base()
    catalogs[COUNTERPARTIES].append(counterparty(9, "Удалённый", deleted=True))
    with FakeOneC(catalogs) as onec:
        live = get(
            onec,
            COUNTERPARTIES,
            "$format=json&$filter=DeletionMark%20eq%20false&$select=Ref_Key,Description&$orderby=Description%20desc",
        ).json()
        plus = get(onec, COUNTERPARTIES, "$format=json&$filter=DeletionMark+eq+false")
        unknown = get(onec, "Catalog_Нет")
    assert [r["Description"] for r in live["value"]] == ["Соколов Андрей Викторович ИП", "Ромашка ООО", "Петрова Мария"]
    assert set(live["value"][0]) == {"Ref_Key", "Description"}
    assert live["odata.metadata"].endswith("/$metadata#Catalog_Контрагенты")
    assert plus.status_code == 400 and "odata.error" in plus.json()  # 1C does not read "+" as a space
    assert unknown.status_code == 404
    assert unknown.json()["odata.error"]["message"]["lang"] == "ru"


def test_fake_service_document_metadata_and_auth() -> None:
    with FakeOneC(bp_base()) as onec:
        service = get(onec, "").json()
        atom = get(onec, "", "")
        metadata = ET.fromstring(get(onec, "$metadata", "").content)
        denied = get(onec, COUNTERPARTIES, auth=("odata", "wrong"))
    assert service["value"][0] == {"name": COUNTERPARTIES, "url": COUNTERPARTIES}
    assert atom.headers["content-type"].startswith("application/atomsvc+xml")
    edm = "{http://schemas.microsoft.com/ado/2009/11/edm}"
    assert {s.get("Name") for s in metadata.iter(f"{edm}EntitySet")} == {COUNTERPARTIES, BP_CONTACTS}
    types = {
        p.get("Name"): p.get("Type")
        for t in metadata.iter(f"{edm}EntityType")
        if t.get("Name") == COUNTERPARTIES
        for p in t.iter(f"{edm}Property")
    }
    assert types["Ref_Key"] == "Edm.Guid" and types["DeletionMark"] == "Edm.Boolean"
    assert types["КонтактнаяИнформация"] == "Collection(StandardODATA.Catalog_Контрагенты_КонтактнаяИнформация_RowType)"
    assert denied.status_code == 401 and denied.headers["www-authenticate"] == 'Basic realm="1C:Enterprise 8.3"'
