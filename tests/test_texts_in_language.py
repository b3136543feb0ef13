"""Reasons and errors that were English in any language: Russian by default, English on `language: en`.

Each case runs the real code path (a CSV through the intake, a contact whose company is
quarantined, a config with a mistake after its `language:` key) in both languages; the last
test scans the code for English sentences that bypass the catalogue.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_config
from pipelines.intake import extract_source
from tests.test_references import FIRMS, _contact
from vocabulary.errors import CrmMigrateError
from vocabulary.messages import speaking

HEADER = "Код;Наименование;ИНН\n"


def _write(tmp_path: Path, body: str, *, key: str = "Код", extra: str = "", entity: str = "companies") -> Path:
    (tmp_path / "k.csv").write_text(body, encoding="utf-8")
    config = tmp_path / "migration.yaml"
    config.write_text(
        f'name: t\n{extra}target: {{url: "sqlite:///crm.db"}}\nsources:\n'
        f"  - {{name: buh, kind: csv, path: k.csv, entity: {entity}, key: {key}}}\n",
        encoding="utf-8",
    )
    return config


def _reasons(tmp_path: Path, body: str, entity: str) -> list[str]:
    config = load_config(_write(tmp_path, body, entity=entity))
    rejects = extract_source(config, config.sources[0]).records.rejects
    return [reason for reasons in rejects["reasons"] for reason in reasons]


@pytest.mark.parametrize(
    ("entity", "body", "ru", "en"),
    [
        (
            "companies",
            HEADER + "R1;ООО Альфа;7707083893\nR2;;\n",
            "ни в одном распознанном поле нет значения (заполнены: Код)",
            "no recognised field has a value (filled: Код)",
        ),
        (
            "companies",
            HEADER + "R1;ООО Альфа;7707083893\nR1;ООО Альфа;7707083893\n",
            "код 'R1' повторяет k.csv:2",
            "key 'R1' repeats k.csv:2",
        ),
        (
            "mixed",  # a row per order: the same key with other company data is a conflict
            HEADER + "R1;ООО Альфа;7707083893\nR1;ООО Бета;7736050003\n",
            "код 'R1' повторяет k.csv:2, но с другими данными компании",
            "key 'R1' repeats k.csv:2 with different company data",
        ),
    ],
)
def test_reasons_of_rows_that_make_no_record(tmp_path: Path, entity: str, body: str, ru: str, en: str) -> None:
    assert _reasons(tmp_path, body, entity) == [ru]
    with speaking("en"):
        assert _reasons(tmp_path, body, entity) == [en]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "ключевой столбец (key) 'Номер' не найден (столбцы: Код, Наименование, ИНН)"),
        ("en", "key column 'Номер' not found (columns: Код, Наименование, ИНН)"),
    ],
)
def test_a_key_column_that_is_not_there(tmp_path: Path, language: str, expected: str) -> None:
    config = load_config(_write(tmp_path, HEADER + "R1;ООО Альфа;7707083893\n", key="Номер"))
    with speaking(language), pytest.raises(CrmMigrateError) as caught:
        extract_source(config, config.sources[0])
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "его компания a row 0 в карантине"),
        ("en", "its company a row 0 is quarantined"),
    ],
)
def test_a_contact_of_a_quarantined_company(language: str, expected: str) -> None:
    from validators.references import attach_companies

    with speaking(language):
        attached, rejects, _ = attach_companies(_contact("7707083893"), FIRMS.iloc[1:], FIRMS)
    assert attached.empty and list(rejects["reasons"]) == [[expected]]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", "sources[0] (buh): kind: 'excell' — не одно из значений excel, csv"),  # no language: Russian
        ("language: ru\n", "sources[0] (buh): kind: 'excell' — не одно из значений excel, csv"),
        ("language: en\n", "sources[0] (buh): kind: 'excell' is not one of excel, csv"),
        ("language: de\n", "sources[0] (buh): kind: 'excell' — не одно из значений excel, csv"),  # not ours
    ],
)
def test_config_errors_speak_the_language_the_config_asks_for(tmp_path: Path, extra: str, expected: str) -> None:
    config = _write(tmp_path, HEADER, extra=extra)
    config.write_text(config.read_text(encoding="utf-8").replace("kind: csv", "kind: excell"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert expected in str(caught.value)


def test_a_missing_source_file_in_an_english_config(tmp_path: Path) -> None:
    config = _write(tmp_path, HEADER, extra="language: en\n")
    (tmp_path / "k.csv").unlink()
    with pytest.raises(ConfigError, match=r"sources\[0\] \(buh\)\.path: file not found: "):
        load_config(config)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            [
                "ИНН '7707083894': контрольная цифра ИНН не сходится",
                "телефон 'нет': нет цифр — это не номер телефона",
                "e-mail 'ivan@gmial.com': домен gmial.com похож на опечатку в gmail.com "
                "(возможно, имелось в виду ivan@gmail.com)",
            ],
        ),
        (
            "en",
            [
                "inn '7707083894': INN checksum does not match",
                "phone 'нет': no digits; not a phone number",
                "email 'ivan@gmial.com': domain gmial.com looks like a typo of gmail.com "
                "(did you mean ivan@gmail.com?)",
            ],
        ),
    ],
)
def test_warnings_about_values_speak_the_run_language(tmp_path: Path, language: str, expected: list[str]) -> None:
    from transforms.normalise import normalise_companies

    body = "Код;Наименование;ИНН;Телефон;E-mail\nR1;ООО Альфа;7707083894;нет;ivan@gmial.com\n"
    config = load_config(_write(tmp_path, body, extra=f"language: {language}\n"))
    with speaking(config.language):  # as the CLI and the Dagster resource set it for a run
        companies = extract_source(config, config.sources[0]).records.companies
        assert normalise_companies(companies, {"buh": "RU"}).iloc[0]["_issues"] == expected


@pytest.mark.parametrize(
    ("language", "webhook", "amocrm", "busy"),
    [
        (
            "ru",
            "Bitrix24: адрес вебхука должен быть вида https://PORTAL/rest/USER_ID/CODE/ "
            "(это не адрес вебхука Bitrix24)",
            "amoCRM: crm.url должен быть вида https://SUBDOMAIN.amocrm.ru (указано 'acme')",
            "amoCRM acme GET /api/v4/companies: CRM отказывает и после 2 попыток (HTTP 429) — превышен лимит "
            "запросов; повторите push позже",
        ),
        (
            "en",
            "Bitrix24: the webhook URL is not https://PORTAL/rest/USER_ID/CODE/ (not a Bitrix24 webhook URL)",
            "amoCRM: crm.url must be https://SUBDOMAIN.amocrm.ru (got 'acme')",
            "amoCRM acme GET /api/v4/companies: still refused after 2 attempts (HTTP 429)",
        ),
    ],
)
def test_saas_crm_errors_speak_the_run_language(language: str, webhook: str, amocrm: str, busy: str) -> None:
    from connectors.saas import Busy, RemoteCrmError, RetryPolicy, send
    from connectors.saas.amocrm import AmoCrm
    from connectors.saas.bitrix24 import Bitrix24

    def refused() -> None:
        raise Busy("HTTP 429", 0)

    policy = RetryPolicy(attempts=2, sleep=lambda _: None)
    with speaking(language):
        for attempt, expected in (
            (lambda: Bitrix24("https://portal.bitrix24.ru/secret"), webhook),
            (lambda: AmoCrm("acme", "token"), amocrm),
            (lambda: send(policy, refused, write=False, where="amoCRM acme GET /api/v4/companies"), busy),
        ):
            with pytest.raises(RemoteCrmError) as caught:
                attempt()
            assert str(caught.value) == expected


# --- no English sentence outside the catalogue -------------------------------------------------------

PACKAGES = ("cli", "pipelines", "connectors", "transforms", "validators", "vocabulary")
# Three or more lower-case English words in a row: what a sentence for a person looks like.
SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?: [a-z]{2,}){2,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Exceptions raised only when the code itself is wrong (a bug line, never a user's mistake).
BUG_ERRORS = {"ValueError", "TypeError", "AssertionError", "RuntimeError", "KeyError"}
# English that is not said to anyone: what each file's English is.
NOT_MESSAGES = {
    "cli/argparse_texts.py": "argparse's own English texts, the keys its words are looked up by",
    "connectors/csv_file.py": "a UnicodeDecodeError reason compared with",
    "transforms/emails.py": "email-validator's English explanations, matched to ours",
    "transforms/matching/translit.py": "a transliteration table",
    "validators/schemas.py": "pandera's error ids of our checks (their texts: validation.check.*)",
}


def _literals(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of the module's string literals and f-strings, docstrings and bug messages left out."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = getattr(node.exc.func, "id", None)
            if name in BUG_ERRORS:
                skip.update(id(n) for arg in node.exc.args for n in ast.walk(arg))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_english_sentence_outside_the_message_catalogue() -> None:
    root = Path(__file__).parent.parent
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name.startswith("vocabulary/messages/") or name in NOT_MESSAGES:
                continue
            for line, literal in _literals(ast.parse(path.read_text(encoding="utf-8"))):
                if CYRILLIC.search(literal) or not SENTENCE.search(literal):
                    continue
                found.append(f"{name}:{line}: {literal[:80]!r}")
    assert not found, "user-facing English outside vocabulary/messages:\n" + "\n".join(found)
