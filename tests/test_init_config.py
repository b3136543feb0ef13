"""`crm-migrate init`: a folder of client files → a commented migration.yaml that loads and runs as written."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cli.init_config import init_config, scan_folder, source_name
from cli.main import EXIT_USAGE, main
from cli.runner import execute
from pipelines.config import config_json_schema_text, load_config
from tests.clientdata import write_dataset
from vocabulary.errors import UsageError
from vocabulary.messages import set_language

FIXTURES = Path(__file__).parent / "fixtures" / "onec_xml"
SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "migration.schema.json"


@pytest.fixture(autouse=True)
def russian_after() -> Iterator[None]:
    """`init --language en` switches the process to English: back to the default after each test."""
    yield
    set_language("ru")


@pytest.fixture
def client_folder(tmp_path: Path) -> Path:
    """What a client sends: a workbook with a title row, a cp1251 CSV, a 1C export, and things that are not data."""
    folder = tmp_path / "client"
    folder.mkdir()
    write_dataset(folder).unlink()  # clients.xlsx and buh.csv; the hand-written config goes
    (folder / "1c").mkdir()
    shutil.copy(FIXTURES / "kontragenty_1251.xml", folder / "1c" / "Контрагенты.xml")
    shutil.copy(FIXTURES / "upd_not_commerceml.xml", folder / "upd.xml")  # XML, but not a 1C client export
    (folder / "payments.csv").write_text("Дата;Сумма\n2024-01-01;100\n", encoding="utf-8")  # no client columns
    (folder / "~$clients.xlsx").write_bytes(b"Excel's lock file")
    (folder / "contract.docx").write_bytes(b"PK")
    return folder


def test_detects_each_source(client_folder: Path) -> None:
    scan = scan_folder(client_folder)
    found = {s.name: s for s in scan.sources}
    assert set(found) == {"clients", "buh", "kontragenty"}
    clients, buh, onec = found["clients"], found["buh"], found["kontragenty"]
    assert (clients.kind, clients.sheet, clients.entity, clients.describe[1]["header_row"]) == (
        "excel",
        "Клиенты",
        "mixed",
        3,
    )
    assert clients.mapping.company["inn"] == ["ИНН"] and clients.mapping.contact["full_name"] == ["Контактное лицо"]
    assert (buh.kind, buh.encoding, buh.delimiter, buh.entity, buh.key) == ("csv", "cp1251", ";", "companies", "Код")
    assert (onec.kind, onec.path) == ("onec_xml", Path("1c") / "Контрагенты.xml")
    assert {s.path.name for s in scan.skipped} == {"upd.xml", "payments.csv"}  # lock file and .docx are not looked at
    assert all("\n" not in s.reason for s in scan.skipped)


def test_the_written_config_loads_and_runs(client_folder: Path, tmp_path: Path) -> None:
    out, _ = init_config(client_folder)
    assert out == client_folder / "migration.yaml"
    config = load_config(out)
    assert [s.name for s in config.sources] == ["kontragenty", "buh", "clients"]
    assert config.language == "ru"
    summary = execute(out, target=f"sqlite:///{tmp_path / 'crm.db'}", dry_run=False)
    engine = create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    with engine.connect() as conn:
        links = dict(conn.execute(text("SELECT source, count(*) FROM source_links GROUP BY source")).all())
    engine.dispose()
    assert links["clients"] >= 4 and links["buh"] == 2 and links["kontragenty"] == 2
    assert summary.result.companies.created > 0


def test_comments_in_russian_by_default_and_english_on_request(client_folder: Path, tmp_path: Path) -> None:
    ru, _ = init_config(client_folder)
    body = ru.read_text(encoding="utf-8")
    assert "# Конфигурация миграции, созданная `crm-migrate init`" in body
    assert "# clients.xlsx, лист «Клиенты»: заголовок в строке 3" in body
    assert "language: ru" in body and 'delimiter: ";"' in body and "encoding: cp1251" in body
    assert "# Пропущено:" in body and "upd.xml" in body
    (tmp_path / "en").mkdir()
    en, _ = init_config(client_folder, tmp_path / "en" / "migration.yaml", language="en")
    body = en.read_text(encoding="utf-8")
    assert "# Migration config written by `crm-migrate init`" in body and "language: en" in body
    assert "path: ../client/clients.xlsx" in body  # relative to the config, wherever it is written
    assert load_config(en).language == "en"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "folder not found"),
        ("empty", "no client files"),
        ("exists", "already exists"),
    ],
)
def test_problems_are_one_line_usage_errors(
    tmp_path: Path, client_folder: Path, case: str, expected: str, capsys: pytest.CaptureFixture
) -> None:
    folder = {"missing": tmp_path / "nope", "empty": tmp_path / "empty", "exists": client_folder}[case]
    if case == "empty":
        folder.mkdir()
    if case == "exists":
        (folder / "migration.yaml").write_text("name: mine\n", encoding="utf-8")
    with pytest.raises(UsageError) as error:
        init_config(folder)
    assert "\n" not in str(error.value)
    assert main(["init", str(folder), "--language", "en"]) == EXIT_USAGE
    assert expected in capsys.readouterr().err
    if case == "exists":
        assert (folder / "migration.yaml").read_text(encoding="utf-8") == "name: mine\n"
        assert main(["init", str(folder), "--force"]) == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Клиенты", "klienty"),
        ("Контрагенты 1С (2024)", "kontragenty_1s_2024"),
        ("old CRM.export", "old_crm_export"),
        ("Щёлково-Юг", "shchelkovo_yug"),
        ("№№№", "source"),
        ("Объём", "obem"),
    ],
)
def test_source_names_fit_the_config(name: str, expected: str) -> None:
    assert source_name(name) == expected


def test_the_committed_json_schema_is_the_generated_one() -> None:
    """Regenerate with: python -c "from pipelines.config import config_json_schema_text as t; print(t(), end='')"
    > docs/migration.schema.json"""
    assert SCHEMA.read_text(encoding="utf-8") == config_json_schema_text()
    schema = json.loads(config_json_schema_text())
    assert schema["additionalProperties"] is False and set(schema["required"]) == {"name", "target", "sources"}
    assert schema["properties"]["language"]["enum"] == ["ru", "en"]
    assert "base_dir" not in schema["properties"]
    assert "inn" in schema["$defs"]["ColumnsConfig"]["properties"]["company"]["propertyNames"]["enum"]
