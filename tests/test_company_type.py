"""One company-type rule for every source (``transforms.identifiers.company_type``), and both 1C mappings use it."""

from __future__ import annotations

import pytest

from pipelines.intake import read_exchange_file
from tests.fake_onec import counterparty, guid
from transforms.identifiers import company_type, declared_company_type
from transforms.onec_catalogs import onec_data
from vocabulary.onec import COUNTERPARTIES

INN10, INN12 = "7707083893", "500100732259"


@pytest.mark.parametrize(
    ("inn", "form", "declared", "expected"),
    [
        (INN10, None, None, "legal"),
        (INN12, None, None, "entrepreneur"),
        (None, None, None, None),
        (INN12, "ООО", "legal", "legal"),  # the form in the name wins: the INN is the director's
        (INN10, "ИП", "legal", "entrepreneur"),
        (INN12, None, "legal", "entrepreneur"),  # only individuals have 12 digits: an ИП filed as ЮрЛицо
        (INN12, None, "person", "entrepreneur"),  # БП files an ИП as ФизическоеЛицо
        ("50010073225", None, "legal", "legal"),  # 11 digits: a mistyped INN proves nothing
        ("5001 0073 2250", None, "legal", "entrepreneur"),  # 12 digits, checksum wrong: still an individual's
        (None, None, "person", "person"),
        (INN10, None, "person", "person"),  # "person" is only ever declared, never overridden by a 10-digit INN
        (None, None, "entrepreneur", "entrepreneur"),
        (INN10, None, "entrepreneur", "entrepreneur"),
    ],
)
def test_company_type_rule(inn: str | None, form: str | None, declared: str | None, expected: str | None) -> None:
    assert company_type(inn, form, declared) == expected


def test_declared_type_reads_the_legal_form_from_either_name() -> None:
    assert declared_company_type(INN12, "legal", "Ромашка", 'ООО "Ромашка"') == "legal"
    assert declared_company_type(None, "person", "ИП Петров Пётр", None) == "entrepreneur"
    assert declared_company_type(INN12, "legal", "Петров Пётр", None) == "entrepreneur"


def test_odata_and_exchange_file_agree_on_a_legal_record_with_a_12_digit_inn(tmp_path) -> None:
    odata = onec_data({COUNTERPARTIES: [counterparty(1, "Петров Пётр Петрович", inn=INN12)]})  # ЮридическоеЛицо
    path = tmp_path / "kontragenty.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08">'
        "<Контрагенты><Контрагент><Ид>1</Ид><Наименование>Петров Пётр Петрович</Наименование>"
        f"<ОфициальноеНаименование>Петров Пётр Петрович</ОфициальноеНаименование><ИНН>{INN12}</ИНН>"
        "</Контрагент></Контрагенты></КоммерческаяИнформация>",
        encoding="utf-8",
    )
    exchange = read_exchange_file(path, source_name="buh_xml")

    assert odata.companies[0].key == guid(1)
    assert odata.companies[0].fields["type"] == exchange.companies[0].fields["type"] == "entrepreneur"
