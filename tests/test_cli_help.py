"""`crm-migrate --help` and argument errors: Russian by default, English with CRM_MIGRATE_LANGUAGE=en."""

from __future__ import annotations

import argparse
import inspect
import re
from collections.abc import Iterator

import pytest

from cli.argparse_texts import ARGPARSE_TEXTS, argparse_texts
from cli.main import EXIT_USAGE, _parser, main
from vocabulary.messages import LANGUAGE_ENV, current_language

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "show this help message", "error:")
COMMANDS = [[], ["run"], ["sync"], ["review"], ["review", "export"], ["review", "import"], ["report"], ["undo"]]
COMMANDS += [["push"], ["export"], ["init"], ["demo"]]


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _help(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "crm-migrate")
def test_help_is_russian_by_default(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    out = _help(argv, capsys)
    assert out.startswith("использование: crm-migrate") and "\nпараметры:\n" in out
    assert "показать эту справку и выйти" in out
    assert not any(english in out for english in ARGPARSE_ENGLISH)


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a) or "crm-migrate")
def test_help_is_english_with_the_environment_variable(
    argv: list[str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    out = _help(argv, capsys)
    assert out.startswith("usage: crm-migrate") and "\noptions:\n" in out
    assert not CYRILLIC.search(out)


def test_every_description_and_help_comes_from_the_catalogue() -> None:
    """Built in Russian, every text a person reads in --help has Russian words (an English literal would not)."""
    with argparse_texts():
        parsers = list(_parsers(_parser()))
    assert len(parsers) == len(COMMANDS)
    for parser in parsers:
        assert parser.description is None or CYRILLIC.search(parser.description), parser.prog
        for action in parser._actions:
            # a group of subcommands has no help of its own: each subcommand's line has one
            shown = action._choices_actions if isinstance(action, argparse._SubParsersAction) else [action]
            for item in shown:
                assert item.help and CYRILLIC.search(item.help), (parser.prog, item.option_strings or item.dest)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run"], "crm-migrate run: ошибка: не указаны обязательные аргументы: --config"),
        (["frobnicate"], "crm-migrate: ошибка: аргумент КОМАНДА: недопустимое значение 'frobnicate' (допустимы: 'run'"),
        (["run", "--config", "m.yaml", "--wait", "soon"], "аргумент --wait: недопустимое значение 'soon'"),
        (["run", "--config", "m.yaml", "--bogus"], "crm-migrate: ошибка: неизвестные аргументы: --bogus"),
        (["export", "--config", "m.yaml", "--out", "x", "--format", "csv"], "аргумент --format: недопустимое значение"),
    ],
)
def test_argument_errors_are_russian(argv: list[str], expected: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == EXIT_USAGE and err.startswith("использование: ") and expected in err


def test_argument_errors_are_english_with_the_environment_variable(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANGUAGE_ENV, "en")
    with pytest.raises(SystemExit):
        main(["run"])
    assert "crm-migrate run: error: the following arguments are required: --config" in capsys.readouterr().err


def test_an_unknown_language_in_the_environment_is_a_usage_error(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANGUAGE_ENV, "de")
    assert main(["--version"]) == EXIT_USAGE
    assert capsys.readouterr().err == "crm-migrate: CRM_MIGRATE_LANGUAGE='de': неизвестный язык (известны: ru, en)\n"
    assert current_language() == "ru"


def test_argparse_is_english_again_after_the_parse() -> None:
    with argparse_texts():
        assert argparse._("options") == "параметры"
    assert argparse._("options") == "options"


def test_every_translated_text_is_one_argparse_still_uses() -> None:
    """A Python whose argparse rewords a text would fall back to English: this names the text to update."""
    source = inspect.getsource(argparse)
    for original in ARGPARSE_TEXTS:
        assert f"_({original!r})" in source or f'_("{original}")' in source, original
