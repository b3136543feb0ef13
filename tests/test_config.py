"""migration.yaml: strict validation with one-line errors, ${ENV} expansion, masked secrets."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config, mask_url
from tests.clientdata import write_dataset
from vocabulary.messages import text as message


def write(folder: Path, body: str) -> Path:
    (folder / "data.csv").write_text("Наименование;ИНН\nООО Ромашка;7707083893\n", encoding="utf-8")
    path = folder / "migration.yaml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """name: t
target: {url: "sqlite:///crm.db"}
sources:
  - {name: buh, kind: csv, path: data.csv}
"""


@pytest.mark.parametrize(("body", "message"), [
    (BASE + "matchng: {}\n", "matchng: unknown key"),
    (BASE.replace("kind: csv", "kind: xls"),
     "sources[0] (buh): kind: " + message("bad_input.config_not_one_of", value="xls",
                                          allowed="excel, csv, onec_odata, onec_xml")),
    (BASE.replace("kind: csv, ", ""),
     message("bad_input.config_kind_missing", allowed="excel, csv, onec_odata, onec_xml")),
    (BASE.replace("kind: csv, path: data.csv", "kind: csv, path: data.csv, entity: firms"),
     "sources[0] (buh).entity: " + message("bad_input.config_not_one_of", value="firms",
                                           allowed="companies, contacts, mixed")),
    (BASE.replace("path: data.csv", "path: missing.csv"), "sources[0] (buh).path: file not found"),
    (BASE.replace("path: data.csv", "path: data.csv, sheet: A"), "sheet applies to excel sources only"),
    (BASE.replace("kind: csv, path: data.csv", "kind: csv, path: data.csv, colums: {}"),
     "sources[0] (buh).colums: unknown key"),
    (BASE.replace("{name: buh, kind: csv, path: data.csv}",
                  "{name: buh, kind: csv, path: data.csv, columns: {company: {phon: Тел}}}"),
     "unknown field 'phon'"),
    (BASE.replace('"sqlite:///crm.db"', '"not a url"'), "target.url: not a database URL"),
    (BASE.replace("name: t\n", ""), "name: required key is missing"),
    (BASE + "  - {name: buh, kind: csv, path: data.csv}\n", "source name 'buh' is used twice"),
    (BASE.replace('"sqlite:///crm.db"', '"postgresql://u:${NO_SUCH_VAR}@h/db"'),
     "environment variable NO_SUCH_VAR is not set"),
    ("name: [unclosed\n", "not valid YAML (line "),
])
def test_bad_config_gives_one_line_naming_the_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert message in text and text.startswith(str(path)) and "\n" not in text


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_env_expansion_and_relative_sqlite_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_DB_FILE", "clients.db")
    config = load_config(write(tmp_path, BASE.replace("crm.db", "${CRM_DB_FILE}")))
    assert config.target_url() == f"sqlite:///{tmp_path / 'clients.db'}"
    assert config.target_url("sqlite:///other.db") == "sqlite:///other.db"  # --target is taken as given


def test_passwords_are_masked() -> None:
    assert mask_url("postgresql+psycopg://crm:s3cret@db.local:5432/crm") == \
        "postgresql+psycopg://crm:***@db.local:5432/crm"
    assert "s3cret" not in mask_url("weird://crm:s3cret@host")


def test_sample_like_config_loads(tmp_path: Path) -> None:
    config = load_config(write_dataset(tmp_path))
    assert [s.name for s in config.sources] == ["old_crm", "buh"]
    assert config.source("buh").key == "Код"
    with pytest.raises(ConfigError, match="no source named 'x'"):
        config.source("x")
