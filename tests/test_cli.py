"""The command line: summary on success; one line and a non-zero exit on every user error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from cli.main import EXIT_FAILED, EXIT_USAGE, main
from tests.clientdata import write_dataset


def test_run_prints_summary_and_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path)
    assert main(["run", "--config", str(config), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "ПРОБНЫЙ ЗАПУСК" in out and "Компании:  создано 4" in out and "В карантине: 1" in out
    assert "old_crm / Клиенты: строка заголовка 3, mixed; company.name ← Клиент" in out
    assert not (tmp_path / "crm.db").exists()
    assert main(["run", "--config", str(config)]) == 0
    assert (tmp_path / "crm.db").exists()
    assert main(["run", "--config", str(config), "--full"]) == 0  # every stage again: the load is idempotent
    assert "создано 0, обновлено 0, без изменений 4" in capsys.readouterr().out


def test_runs_are_stored_in_a_new_dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh $DAGSTER_HOME folder is created on the first run, and the run is recorded there for the UI."""
    home = tmp_path / "not" / "yet" / "there"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    assert main(["run", "--config", str(write_dataset(tmp_path)), "--dry-run"]) == 0
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
    assert (home / "dagster.yaml").exists()
    assert len(runs) == 1 and runs[0].is_success and runs[0].tags["crm-migrate/dry_run"] == "true"


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        (lambda d: d / "missing.yaml", EXIT_USAGE, "файл конфигурации не найден"),
        (
            lambda d: _edit(write_dataset(d), "name: test-client", "name: x\nsurprise: 1"),
            EXIT_USAGE,
            "surprise: неизвестный ключ",
        ),
        (lambda d: _broken_workbook(d), EXIT_FAILED, "clients.xlsx"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, setup, code: int, message: str
) -> None:
    assert main(["run", "--config", str(setup(tmp_path))]) == code
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "crm.db").exists()


def test_unreachable_target_masks_password(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path)
    url = "postgresql+psycopg://crm:topsecret@127.0.0.1:1/crm"
    assert main(["run", "--config", str(config), "--target", url]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "topsecret" not in err and "crm:***@127.0.0.1:1/crm" in err and len(err.strip().splitlines()) == 1
    assert "сервер недоступен" in err


def test_a_target_of_an_unknown_kind_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path)
    assert main(["run", "--config", str(config), "--target", "oracle2://x/y"]) == EXIT_FAILED
    assert "неизвестный вид базы 'oracle2'" in capsys.readouterr().err


def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "crm-migrate"
    done = subprocess.run(
        [str(exe), "run", "--config", str(tmp_path / "nope.yaml")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == EXIT_USAGE and "файл конфигурации не найден" in done.stderr


def _edit(path: Path, old: str, new: str) -> Path:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return path


def _broken_workbook(folder: Path) -> Path:
    config = write_dataset(folder)
    (folder / "clients.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    return config


def test_json_summary_is_one_object_with_the_figures(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import json

    config = write_dataset(tmp_path)
    assert main(["run", "--config", str(config), "--dry-run", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] is True and summary["companies"]["created"] == 4 and summary["quarantined"] == 1
    assert set(summary["records_read"]) == {"old_crm", "buh"} and all(summary["records_read"].values())


def test_version_is_printed(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("crm-migrate ")


def test_ctrl_c_exits_130_and_says_the_target_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from cli import commands

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "dispatch", interrupted)
    assert main(["run", "--config", str(write_dataset(tmp_path))]) == 130
    assert "целевая база не изменена" in capsys.readouterr().err
    assert not (tmp_path / "crm.db").exists()


def test_a_bug_is_reported_as_a_bug_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from cli import commands

    def broken(*_args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(commands, "dispatch", broken)
    assert main(["run", "--config", str(write_dataset(tmp_path))]) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert err == "crm-migrate: внутренняя ошибка ValueError: boom (запустите с --debug, чтобы увидеть трассировку)"


def test_progress_goes_to_stderr_per_stage_and_q_silences_it(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain lines when stderr is no terminal (as if the run took long: a short run prints none)."""
    from cli import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    config = write_dataset(tmp_path)
    assert main(["run", "--config", str(config), "--dry-run"]) == 0
    err = capsys.readouterr().err
    stages = ("чтение old_crm: записей:", "чтение buh: записей:", "нормализация: компаний", "поиск дублей: компаний")
    for stage in (*stages, "эталонные записи: компаний", "загрузка в CRM"):
        assert stage in err
    assert main(["-q", "run", "--config", str(config), "--dry-run"]) == 0
    assert capsys.readouterr().err == ""


def test_language_en_gives_the_summary_in_english(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    config = write_dataset(tmp_path, extra_yaml="language: en\n")
    assert main(["run", "--config", str(config), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "Companies: 4 created" in out and "Quarantined: 1" in out
    assert "old_crm / Клиенты: header row 3, mixed; company.name ← Клиент" in out
