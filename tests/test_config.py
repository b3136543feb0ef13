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


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BASE + "matchng: {}\n", "matchng: неизвестный ключ"),
        (
            BASE.replace("kind: csv", "kind: xls"),
            "sources[0] (buh): kind: "
            + message("bad_input.config_not_one_of", value="xls", allowed="excel, csv, onec_odata, onec_xml"),
        ),
        (
            BASE.replace("kind: csv, ", ""),
            message("bad_input.config_kind_missing", allowed="excel, csv, onec_odata, onec_xml"),
        ),
        (
            BASE.replace("kind: csv, path: data.csv", "kind: csv, path: data.csv, entity: firms"),
            "sources[0] (buh).entity: "
            + message("bad_input.config_not_one_of", value="firms", allowed="companies, contacts, mixed"),
        ),
        (BASE.replace("path: data.csv", "path: missing.csv"), "sources[0] (buh).path: файл не найден"),
        (
            BASE.replace("path: data.csv", "path: data.csv, sheet: A"),
            "sheet применим только к источникам excel (здесь kind csv)",
        ),
        (
            BASE.replace("kind: csv, path: data.csv", "kind: csv, path: data.csv, colums: {}"),
            "sources[0] (buh).colums: неизвестный ключ",
        ),
        (
            BASE.replace(
                "{name: buh, kind: csv, path: data.csv}",
                "{name: buh, kind: csv, path: data.csv, columns: {company: {phon: Тел}}}",
            ),
            "неизвестное поле 'phon'",
        ),
        (BASE.replace('"sqlite:///crm.db"', '"not a url"'), "target.url: это не адрес базы данных"),
        (BASE.replace("name: t\n", ""), "name: обязательный ключ отсутствует"),
        (BASE + "  - {name: buh, kind: csv, path: data.csv}\n", "имя источника 'buh' используется дважды"),
        (
            BASE.replace('"sqlite:///crm.db"', '"postgresql://u:${NO_SUCH_VAR}@h/db"'),
            "переменная окружения NO_SUCH_VAR не задана",
        ),
        ("name: [unclosed\n", "это не корректный YAML (строка "),
        (
            BASE.replace("kind: csv, path: data.csv", "kind: onec_odata, url: http://1c/odata, timeout: 0"),
            "sources[0] (buh).timeout: должно быть больше 0",
        ),
        (
            BASE.replace("kind: csv, path: data.csv", "kind: onec_odata, url: http://1c/odata, page_size: many"),
            "sources[0] (buh).page_size: ожидается число, а указано 'many'",
        ),
        (
            BASE.replace("name: buh", "name: 'два слова'"),
            "sources[0] (два слова).name: 'два слова' не подходит под шаблон",
        ),
        ("name: t\ntarget: {url: 'sqlite:///crm.db'}\nsources: []\n", "sources: нужен хотя бы 1 элемент"),
        (BASE + "matching: {contacts: {review: 0.95}}\n", "review (0.95) не может быть больше auto_merge (0.93)"),
        (BASE + "matching: {contacts: {auto_merge: 1.5}}\n", "matching.contacts.auto_merge:"),
    ],
)
def test_bad_config_gives_one_line_naming_the_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert message in text and text.startswith(str(path)) and "\n" not in text


@pytest.mark.usefixtures("english")
def test_config_errors_in_english(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"matchng: unknown key$"):
        load_config(write(tmp_path, BASE + "matchng: {}\n"))
    with pytest.raises(ConfigError, match=r"sources\[0\] \(buh\)\.timeout: must be greater than 0$"):
        load_config(
            write(tmp_path, BASE.replace("kind: csv, path: data.csv", "kind: onec_odata, url: http://1c/o, timeout: 0"))
        )


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="файл конфигурации не найден"):
        load_config(tmp_path / "nope.yaml")


def test_env_expansion_and_relative_sqlite_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_DB_FILE", "clients.db")
    config = load_config(write(tmp_path, BASE.replace("crm.db", "${CRM_DB_FILE}")))
    assert config.target_url() == f"sqlite:///{tmp_path / 'clients.db'}"
    assert config.target_url("sqlite:///other.db") == "sqlite:///other.db"  # --target is taken as given


def test_passwords_are_masked() -> None:
    assert (
        mask_url("postgresql+psycopg://crm:s3cret@db.local:5432/crm")
        == "postgresql+psycopg://crm:***@db.local:5432/crm"
    )
    assert "s3cret" not in mask_url("weird://crm:s3cret@host")


def test_sample_like_config_loads(tmp_path: Path) -> None:
    config = load_config(write_dataset(tmp_path))
    assert [s.name for s in config.sources] == ["old_crm", "buh"]
    assert config.source("buh").key == "Код"
    with pytest.raises(ConfigError, match="нет источника с именем 'x'"):
        config.source("x")


def test_people_have_their_own_thresholds(tmp_path: Path) -> None:
    body = BASE + "matching: {auto_merge: 0.99, contacts: {auto_merge: 0.9}}\n"
    matching = load_config(write(tmp_path, body)).matching
    assert (matching.thresholds.auto_merge, matching.contacts.thresholds.auto_merge) == (0.99, 0.9)
    default = load_config(write(tmp_path, BASE)).matching
    assert (default.thresholds.auto_merge, default.contacts.thresholds.auto_merge) == (0.96, 0.93)
