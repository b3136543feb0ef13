"""1C exchange files (CommerceML 2, EnterpriseData) → counterparties and contact persons.

Fixtures under ``fixtures/onec_xml`` are hand-written in the shape 1C and site engines export;
broken and hostile files are made from them here.
"""

from __future__ import annotations

import io
import random
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from connectors.errors import SourceError
from pipelines.intake import read_exchange_file
from transforms.onec_records import onec_records
from vocabulary.fields import ORIGIN, REF_KEY, SOURCE, SOURCE_KEY
from vocabulary.messages import set_language
from vocabulary.onec import OneCData, OneCEntity

pytestmark = pytest.mark.usefixtures("english")  # the tests read the English notes; Russian: see the last tests

FIXTURES = Path(__file__).parent / "fixtures" / "onec_xml"
ROMASHKA = "a1f3c2d4-5e6f-11ec-80e1-00155d4c2b01"
IVANOV = "d2c1b0a9-7f6e-11ec-80e1-00155d4c2b01"
SMIRNOVA = "e5f6a7b8-7f6e-11ec-80e1-00155d4c2b01"
VEKTOR = "3f2e1d0c-b1a2-11ed-80e4-00155d4c2b77"
TEHSNAB = "9c1b2a3d-4e5f-11ea-80d7-00155d4c2c10"
KUZMIN = "2b3c4d5e-6f70-11eb-80d7-00155d4c2c10"


def read(path: Path | str) -> OneCData:
    return read_exchange_file(FIXTURES / path, source_name="buh_xml")


def by_key(entities: list[OneCEntity]) -> dict[str, OneCEntity]:
    return {e.key: e for e in entities}


def lines_of(name: str, text: str, encoding: str = "utf-8") -> list[int]:
    """1-based numbers of the fixture lines containing ``text``."""
    return [n for n, line in enumerate((FIXTURES / name).read_text(encoding).splitlines(), 1) if text in line]


def read_error(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        read_exchange_file(path, source_name="buh_xml")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"buh_xml: {path.name}: ")
    return message


# ---------------------------------------------------------------- CommerceML


def test_commerceml_classifier_counterparties_in_canonical_fields() -> None:
    data = read("classifier.xml")
    companies = by_key(data.companies)

    # the classifier's Владелец is the exporting company itself, not a counterparty
    assert list(companies) == [ROMASHKA, IVANOV, SMIRNOVA, "inn=5406123456;kpp=540601001"]
    romashka = companies[ROMASHKA]
    assert romashka.fields == {
        "name": "Ромашка ООО",
        "legal_name": 'Общество с ограниченной ответственностью "Ромашка"',
        "inn": "7703412345",
        "kpp": "770301001",
        "note": None,
        "type": "legal",
        "key": ROMASHKA,
        "address": "123022, Москва г, Рочдельская ул, дом № 15, строение 8",
        "city": "Москва г",
        "phone": ["+7 (495) 123-45-67", "8 495 765-43-21 доб. 12"],
        "email": ["info@romashka-msk.ru"],
    }
    assert romashka.extra == {
        "ОКПО": "12345678",
        "Факс": "+7 (495) 123-45-68",
        "Адрес": "Москва, Складочная ул, д. 1, стр. 6",
    }
    start = lines_of("classifier.xml", f"<Ид>{ROMASHKA}</Ид>")[0] - 1
    assert romashka.origin == f"classifier.xml: Контрагент «Ромашка ООО» (line {start})"
    assert romashka.payload["ЮридическийАдрес/АдресноеПоле[2]/Значение"] == "Москва г"
    assert romashka.payload["Контакты/Контакт[4]/Тип"] == "Почта"
    assert romashka.payload["Представители/Представитель[3]/Контрагент/Отношение"] == "Грузополучатель"

    assert {k: e.fields["type"] for k, e in companies.items()} == {
        ROMASHKA: "legal",
        IVANOV: "entrepreneur",
        SMIRNOVA: "person",
        "inn=5406123456;kpp=540601001": "legal",
    }
    assert companies[IVANOV].fields["city"] == "Новосибирск г"  # from АдресРегистрации of a физлицо
    assert companies[SMIRNOVA].fields["email"] == ["olga.smirnova@yandex.ru"]
    assert companies["inn=5406123456;kpp=540601001"].fields["key"] is None  # no 1C reference to offer


def test_commerceml_contact_persons_deletions_and_broken_records() -> None:
    data = read("classifier.xml")
    contacts = by_key(data.contacts)

    assert list(contacts) == ["b7e0a9c1-5e6f-11ec-80e1-00155d4c2b01", f"{ROMASHKA}/Сидорова Анна"]
    petrov = contacts["b7e0a9c1-5e6f-11ec-80e1-00155d4c2b01"]
    assert (petrov.company_key, petrov.fields["full_name"], petrov.fields["phone"], petrov.fields["email"]) == (
        ROMASHKA,
        "Петров Пётр Петрович",
        ["+7 916 111-22-33"],
        ["petrov@romashka-msk.ru"],
    )
    assert petrov.origin.startswith("classifier.xml: Представитель «Петров Пётр Петрович» of «Ромашка ООО» (line ")
    assert contacts[f"{ROMASHKA}/Сидорова Анна"].fields["key"] is None

    # the «Удален» counterparty and its contact person are left out, and said so
    assert "Старый Поставщик" not in repr(data.companies) + repr(data.contacts)
    assert data.notes == [
        "CommerceML 2.08 file: 6 Контрагент, 3 Представитель",
        "counterparties marked for deletion in 1C left out: 1",
        "contact persons of deletion-marked counterparties left out: 1",
        "counterparty entries without Ид/Ссылка: keyed by INN+KPP or by name "
        "(the key changes if those are edited in 1C): 1",
        "representatives with Отношение «Грузополучатель» left out (only contact persons become contacts): 1",
    ]
    [(origin, reason, payload)] = data.broken
    start = lines_of("classifier.xml", "+7 383 200-00-00")[0] - 4
    assert (origin, reason) == (
        f"classifier.xml: Контрагент (line {start})",
        "counterparty without Ид/Ссылка, ИНН or name",
    )
    assert "<Значение>+7 383 200-00-00</Значение>" in payload["raw"]


def test_commerceml_orders_merge_a_buyer_repeated_across_documents() -> None:
    data = read("orders.xml")
    companies = by_key(data.companies)

    assert list(companies) == [VEKTOR, "57#ivanova.m@mail.ru#Иванова Мария"]
    vektor = companies[VEKTOR]
    # union of phones over three orders; e-mail and КПП only in the second order fill the gaps
    assert vektor.fields["phone"] == ["+7 (812) 555-01-01", "+7 (812) 555-01-02"]
    assert vektor.fields["email"] == ["zakaz@vektor-spb.ru"]
    assert (vektor.fields["kpp"], vektor.fields["city"]) == ("781001001", "Санкт-Петербург г")
    first, second, third = (n - 1 for n in lines_of("orders.xml", f"<Ид>{VEKTOR}</Ид>"))
    assert vektor.origin == f"orders.xml: Контрагент «Вектор ООО» (line {first}; also lines {second}, {third})"
    assert vektor.payload["КПП"] == "781001001" and vektor.payload["Роль"] == "Покупатель"

    buyer = companies["57#ivanova.m@mail.ru#Иванова Мария"]  # a site customer: физлицо, older КонтактВид tags
    assert {f: buyer.fields[f] for f in ("type", "legal_name", "email", "phone", "city")} == {
        "type": "person",
        "legal_name": "Иванова Мария Андреевна",
        "email": ["ivanova.m@mail.ru"],
        "phone": ["89215551234"],
        "city": "Санкт-Петербург",
    }

    contacts = by_key(data.contacts)
    kuznetsov = contacts["7c6b5a49-b1a2-11ed-80e4-00155d4c2b77"]
    assert (kuznetsov.company_key, kuznetsov.fields["phone"]) == (VEKTOR, ["+7 921 555-77-88"])
    assert "; also line " in kuznetsov.origin
    # Представитель written without the nested Контрагент element
    assert (contacts["57"].company_key, contacts["57"].fields["full_name"]) == (
        "57#ivanova.m@mail.ru#Иванова Мария",
        "Иванова Мария Андреевна",
    )
    assert "counterparties repeated in the file (e.g. once per order), merged: 1" in data.notes
    assert "contact persons repeated in the file, merged: 1" in data.notes


def test_commerceml_in_windows_1251_declared_in_the_prolog() -> None:
    raw = (FIXTURES / "kontragenty_1251.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="windows-1251"?>') and "Ёлка".encode("cp1251") in raw

    data = read("kontragenty_1251.xml")

    elka, shchukin = data.companies
    assert (elka.key, elka.fields["name"], elka.fields["legal_name"]) == ("000000417", "Ёлка ООО", "ООО «Ёлка и Ко»")
    assert elka.fields["address"] == "620075, г. Екатеринбург, ул. Луначарского, д. 31 — офис 4"
    assert elka.origin == "kontragenty_1251.xml: Контрагент «Ёлка ООО» (line 7)"
    assert (shchukin.fields["name"], shchukin.fields["type"]) == ("Щукин Фёдор Ильич", "person")


def test_commerceml_documents_wrapped_in_a_container(tmp_path: Path) -> None:
    """Bitrix writes schema 3.x orders as Контейнер/Документ; the buyer is still Контрагенты/Контрагент."""
    path = tmp_path / "sale.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="3.1">\n'
        "<Контейнер><Документ><Ид>77</Ид><Контрагенты><Контрагент><Ид>u-15</Ид>"
        "<Наименование>Петрова Анна</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>"
        "</Документ></Контейнер>\n</КоммерческаяИнформация>\n",
        encoding="utf-8",
    )

    data = read_exchange_file(path, source_name="buh_xml")

    assert [(e.key, e.fields["name"], e.origin) for e in data.companies] == [
        ("u-15", "Петрова Анна", "sale.xml: Контрагент «Петрова Анна» (line 3)")
    ]


# ---------------------------------------------------------------- EnterpriseData


def test_enterprise_data_counterparties_contact_persons_and_deletion_marks() -> None:
    data = read("enterprise_data.xml")
    companies = by_key(data.companies)

    # the deletion-marked Уралметалл is left out; a counterparty only referenced by a document is not one
    assert list(companies) == [TEHSNAB, KUZMIN, "4d5e6f70-8192-11ec-80d7-00155d4c2c10"]
    tehsnab = companies[TEHSNAB]
    assert tehsnab.fields == {
        "name": "Техснаб ООО",
        "legal_name": 'Общество с ограниченной ответственностью "Техснаб"',
        "inn": "6658123450",
        "kpp": "665801001",
        "note": "Работаем с 2019 года",
        "type": "legal",
        "key": TEHSNAB,
        # ЗначенияПолей as 1C's contact-information XML, a Представление element, JSON
        "address": "620014, Свердловская обл, Екатеринбург г, Малышева ул, дом № 51",
        "city": "Екатеринбург г",
        "phone": ["+7 (343) 222-33-44", "8 (343) 222-33-45 доб. 101"],
        "email": ["office@tehsnab-ekb.ru"],
    }
    assert tehsnab.extra == {"ФактическийАдрес": "Екатеринбург, Фронтовых Бригад ул, д. 18"}  # key=value lines
    assert (
        tehsnab.origin == "enterprise_data.xml: Справочник.Контрагенты «Техснаб ООО» "
        f"(line {lines_of('enterprise_data.xml', '<Справочник.Контрагенты>')[0]})"
    )
    assert tehsnab.payload["КлючевыеСвойства/ЮридическоеФизическоеЛицо"] == "ЮридическоеЛицо"
    assert companies[KUZMIN].fields["type"] == "entrepreneur"  # ФизическоеЛицо with a 12-digit INN
    assert companies[KUZMIN].fields["phone"] == ["+7 912 600-70-80"]
    assert companies["4d5e6f70-8192-11ec-80d7-00155d4c2c10"].fields["type"] == "person"

    contacts = by_key(data.contacts)
    assert list(contacts) == ["8192a3b4-c5d6-11ea-80d7-00155d4c2c10", f"{KUZMIN}/Гришин Олег"]
    orlova = contacts["8192a3b4-c5d6-11ea-80d7-00155d4c2c10"]
    assert orlova.company_key == TEHSNAB
    assert {
        f: orlova.fields[f]
        for f in ("full_name", "last_name", "first_name", "middle_name", "position", "phone", "email")
    } == {
        "full_name": "Орлова Мария Сергеевна",
        "last_name": "Орлова",
        "first_name": "Мария",
        "middle_name": "Сергеевна",
        "position": "Главный бухгалтер",
        "phone": ["+7 (912) 234-56-78"],
        "email": ["orlova@tehsnab-ekb.ru"],
    }
    grishin = contacts[f"{KUZMIN}/Гришин Олег"]  # Справочник.КонтактныеЛицаПартнеров, owner in КлючевыеСвойства
    assert (grishin.company_key, grishin.fields["position"]) == (KUZMIN, "Менеджер по закупкам")
    assert data.notes == [
        "EnterpriseData 1.8 message: 4 Справочник.Контрагенты, 2 Справочник.КонтактныеЛица, "
        "1 Справочник.КонтактныеЛицаПартнеров",
        "counterparties marked for deletion in 1C left out: 1",
        "contact persons of deletion-marked counterparties left out: 1",
    ]
    assert data.broken == []


# ---------------------------------------------------------------- through the contract


@pytest.mark.parametrize("name", ["classifier.xml", "orders.xml", "enterprise_data.xml", "kontragenty_1251.xml"])
def test_every_fixture_makes_canonical_frames(name: str) -> None:
    data = read(name)

    records = onec_records("buh_xml", data)  # raises on any non-canonical field name

    assert len(records.companies) == len(data.companies) and len(records.contacts) == len(data.contacts)
    assert len(records.rejects) == len(data.broken)


def test_canonical_frames_from_a_commerceml_classifier() -> None:
    records = onec_records("buh_xml", read("classifier.xml"))

    companies = records.companies.set_index(SOURCE_KEY)
    row = companies.loc[ROMASHKA]
    assert (row[SOURCE], row["name"], row["inn"], row["type"], row["city"]) == (
        "buh_xml",
        "Ромашка ООО",
        "7703412345",
        "legal",
        "Москва г",
    )
    assert row["phone"] == "+7 (495) 123-45-67\n8 495 765-43-21 доб. 12"
    assert row[ORIGIN].startswith("classifier.xml: Контрагент «Ромашка ООО» (line ")
    assert companies.loc[IVANOV, "type"] == "entrepreneur"
    assert records.contacts[REF_KEY].tolist() == [ROMASHKA, ROMASHKA]
    assert records.contacts["full_name"].tolist() == ["Петров Пётр Петрович", "Сидорова Анна"]
    assert records.rejects["reasons"].tolist() == [["counterparty without Ид/Ссылка, ИНН or name"]]


# ---------------------------------------------------------------- files that cannot be read


def test_truncated_file_names_the_line_and_the_open_element(tmp_path: Path) -> None:
    data = (FIXTURES / "orders.xml").read_bytes()
    cut = data.index(b"+7 (812) 555-01-02")
    path = tmp_path / "orders.xml"
    path.write_bytes(data[:cut])  # a download interrupted in the second order

    message = read_error(path)

    line = data[:cut].count(b"\n") + 1
    assert message == f"buh_xml: orders.xml: truncated XML: the file ends inside <Значение> (line {line}, column 16)"


def test_wrong_root_element() -> None:
    message = read_error(FIXTURES / "upd_not_commerceml.xml")  # an ЭДО invoice handed over by mistake

    assert "root element is <Файл>: neither CommerceML (КоммерческаяИнформация) nor EnterpriseData (Message)" in message


def _zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


CLASSIFIER = (FIXTURES / "classifier.xml").read_bytes()
# An Office file saved with a password is an OLE compound file (EncryptedPackage inside) whatever its name.
ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(11).randbytes(4088)
UNREADABLE = "cannot read the file"  # connectors.errors.reading(): whatever expat or the codecs raise
INVALID = "not an XML file (not well-formed (invalid token)"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty file (0 bytes)", id="empty"),
        pytest.param(b"\n\t  \n", "not an XML file (no element found at line 3, column 0)", id="blank"),
        pytest.param(
            CLASSIFIER[: CLASSIFIER.index("<ИНН>".encode(), CLASSIFIER.index("<Контрагент>".encode())) + 3],
            "truncated XML: the file ends inside <Контрагент> (line 33, column 4)",  # inside the tag <ИНН>
            id="truncated-mid-tag",
        ),
        pytest.param(random.Random(14).randbytes(4096), INVALID, id="binary"),
        pytest.param(ENCRYPTED, f"{INVALID} at line 1, column 0)", id="encrypted"),
        pytest.param(_zipped("kontragenty.xml", CLASSIFIER), "not XML but a ZIP archive", id="zip-renamed-xml"),
        pytest.param(
            "Наименование;ИНН\nРомашка;7703412345\n".encode("cp1251"),
            "not an XML file (not well-formed (invalid token) at line 1, column 0)",
            id="csv-renamed-xml",
        ),
        pytest.param(
            '<?xml version="1.0"?>\n<Файл ВерсФорм="5.01"><Документ/></Файл>'.encode(),
            "root element is <Файл>: neither CommerceML (КоммерческаяИнформация) nor EnterpriseData (Message)",
            id="wrong-root",
        ),
        pytest.param(
            '<?xml version="1.0"?>\n<КоммерческаяИнформация><Контрагенты><Контрагент><Ид>1</Ид></Контрагенты>'.encode(),
            "broken XML: mismatched tag at line 2, column 61",
            id="mismatched-tag",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="windows-1252x"?>\n<a/>',
            f"{UNREADABLE} (unknown encoding: windows-1252x)",
            id="unknown-encoding",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="shift_jis"?>\n<a/>',
            f"{UNREADABLE} (multi-byte encodings are not supported)",
            id="multi-byte-encoding",
        ),
    ],
)
def test_a_broken_file_is_one_line_naming_it(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "kontragenty.xml"
    path.write_bytes(content)

    assert expected in read_error(path)


def test_missing_file(tmp_path: Path) -> None:
    assert read_error(tmp_path / "nowhere.xml") == "buh_xml: nowhere.xml: cannot open (No such file or directory)"


def test_a_file_without_counterparties() -> None:
    message = read_error(FIXTURES / "catalogue_only.xml")

    assert message.endswith("no counterparties in this CommerceML file (no Контрагенты/Контрагент element)")


# ---------------------------------------------------------------- hostile files


def test_billion_laughs_is_refused_at_once() -> None:
    started = time.perf_counter()

    message = read_error(FIXTURES / "billion_laughs.xml")

    assert "declares the XML entity 'lol' (line 3)" in message
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    "declaration",
    [
        '<!ENTITY secret SYSTEM "{uri}">',  # external general entity, then &secret; below
        '<!ENTITY % secret SYSTEM "{uri}"> %secret;',  # external parameter entity
    ],
)
def test_external_entities_are_refused_and_nothing_is_read(tmp_path: Path, declaration: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE КоммерческаяИнформация [{declaration.format(uri=secret.as_uri())}]>\n'
        "<КоммерческаяИнформация><Контрагенты><Контрагент><Ид>1</Ид><Наименование>&secret;</Наименование>"
        "</Контрагент></Контрагенты></КоммерческаяИнформация>",
        encoding="utf-8",
    )

    message = read_error(path)

    assert "declares the XML entity 'secret'" in message and "TOP-SECRET" not in message


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text('<!ENTITY name "TOP-SECRET-PASSWORD">')
    path = tmp_path / "dtd.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE КоммерческаяИнформация SYSTEM "{secret.as_uri()}">\n'
        "<КоммерческаяИнформация><Контрагенты><Контрагент><Ид>1</Ид><Наименование>Ромашка&name;"
        "</Наименование></Контрагент></Контрагенты></КоммерческаяИнформация>",
        encoding="utf-8",
    )

    data = read_exchange_file(path, source_name="buh_xml")

    assert [e.fields["name"] for e in data.companies] == ["Ромашка"]
    assert "TOP-SECRET" not in repr(data)


def test_memory_stays_flat_on_a_large_orders_file(tmp_path: Path) -> None:
    """Only counterparties are built and the file is fed in small chunks: 4 MB of orders need < 1 MB."""
    text = (FIXTURES / "orders.xml").read_text("utf-8")
    head, documents = text[: text.index("\t<Документ>")], text[text.index("\t<Документ>") : text.rindex("</Коммер")]
    goods = documents[documents.index("\t\t\t<Товар>") : documents.index("</Товары>")]
    documents = documents.replace("</Товары>", goods * 40 + "</Товары>")  # orders have many lines
    path = tmp_path / "orders.xml"
    with path.open("w", encoding="utf-8") as file:
        file.write(head)
        while file.tell() < 4_000_000:
            file.write(documents)
        file.write("</КоммерческаяИнформация>\n")

    tracemalloc.start()
    try:
        data = read_exchange_file(path, source_name="buh_xml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert len(data.companies) == 2 and len(data.companies[0].origin) < 200
    assert path.stat().st_size > 4_000_000 and peak < 1_000_000


# ---------------------------------------------------------------- in Russian (the default)


def test_notes_reasons_and_errors_are_russian_by_default(tmp_path: Path) -> None:
    set_language("ru")  # the module's fixture sets English, and Russian again afterwards
    data = read("classifier.xml")
    assert data.notes[:3] == [
        "CommerceML 2.08 файл: 6 Контрагент, 3 Представитель",
        "контрагенты с пометкой удаления в 1С не перенесены: 1",
        "контактные лица контрагентов с пометкой удаления не перенесены: 1",
    ]
    [(origin, reason, _)] = data.broken
    assert origin.startswith("classifier.xml: Контрагент (строка ")
    assert reason == "контрагент без Ид/Ссылки, ИНН и наименования"
    assert by_key(data.contacts)["b7e0a9c1-5e6f-11ec-80e1-00155d4c2b01"].origin.startswith(
        "classifier.xml: Представитель «Петров Пётр Петрович» контрагента «Ромашка ООО» (строка "
    )
    data_bytes = (FIXTURES / "orders.xml").read_bytes()
    cut = data_bytes.index(b"+7 (812) 555-01-02")
    (tmp_path / "orders.xml").write_bytes(data_bytes[:cut])
    line = data_bytes[:cut].count(b"\n") + 1
    assert read_error(tmp_path / "orders.xml") == (
        f"buh_xml: orders.xml: XML обрезан: файл кончается внутри <Значение> (строка {line}, позиция 16)"
    )
