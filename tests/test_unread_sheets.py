"""A sheet not read this time — hidden since, or its header no longer recognised — is not a sheet whose
records were deleted: the load retires none of them, says so, and retires what is really gone elsewhere."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cli.main import main
from tests.test_sync import rows

HEADER = ["Код", "Клиент", "ИНН", "Телефон"]
INNS = ["7707083893", "7702070139", "7736050003", "7710140679", "7728168971", "7704217370", "7725168980"]
# names of the rows past the INNs: INN-less companies that are no one's duplicates
WORDS = "Альфа Бета Гамма Дельта Эпсилон Зета Тета Йота Каппа Лямбда Омикрон Сигма Ипсилон Омега".split()


def workbook(folder: Path, *, archive: str, moscow: int = 4) -> None:
    """Sheet «Москва» (``moscow`` rows) and sheet «Архив» (3 rows): visible, hidden or with another header."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Москва"
    first.append(HEADER)
    for n in range(moscow):
        name, inn = (f"ООО Москва-{n}", INNS[n]) if n < 4 else (f"ООО {WORDS[n - 4]}", None)
        first.append([f"M{n}", name, inn, f"8 495 100-00-{n:02d}"])
    second = book.create_sheet("Архив")
    second.append(HEADER if archive != "renamed" else ["Примечание", "Дата"])
    for n in range(3):
        second.append([f"A{n}", f"ООО Архив-{n}", INNS[4 + n], f"8 495 200-00-{n:02d}"])
    if archive == "hidden":
        second.sheet_state = "hidden"
    book.save(folder / "clients.xlsx")


def config(folder: Path, url: str) -> str:
    path = folder / "migration.yaml"
    path.write_text(
        f"name: sheets\ntarget: {{url: '{url}'}}\nreport_dir: null\nsources:\n  - name: crm\n    kind: excel\n"
        "    path: clients.xlsx\n    entity: companies\n    key: Код\n    columns:\n"
        "      company: {name: Клиент, inn: ИНН, phone: Телефон}\n",
        encoding="utf-8",
    )
    return str(path)


def live(url: str) -> set[str]:
    return {k for (k,) in rows(url, "SELECT source_key FROM source_links WHERE deleted_at IS NULL")}


@pytest.mark.parametrize("archive", ["hidden", "renamed"])
def test_records_of_a_sheet_not_read_are_not_retired(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture, archive: str
) -> None:
    cfg = config(tmp_path, target_url)
    workbook(tmp_path, archive="visible")
    assert main(["run", "--config", cfg]) == 0
    assert live(target_url) == {"M0", "M1", "M2", "M3", "A0", "A1", "A2"}

    workbook(tmp_path, archive=archive, moscow=3)  # the archive is not read; M3 is really gone
    capsys.readouterr()
    assert main(["run", "--config", cfg, "--allow-deletes"]) == 0
    out = capsys.readouterr().out
    assert live(target_url) == {"M0", "M1", "M2", "A0", "A1", "A2"}
    assert "Источник прочитан не полностью, удаления пропущены: crm" in out
    assert rows(target_url, "SELECT COUNT(*) FROM companies WHERE deleted_at IS NULL") == [(6,)]


def test_a_rerun_matching_only_what_changed_says_the_source_was_read_incompletely(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture
) -> None:
    """One row gone of 18: the re-run matches only around it (its scope never reaches the hidden sheet's
    records) and still reports that the source was read incompletely and retires none of the archive."""
    cfg = config(tmp_path, target_url)
    workbook(tmp_path, archive="visible", moscow=15)
    assert main(["run", "--config", cfg]) == 0

    workbook(tmp_path, archive="hidden", moscow=14)  # M14 is really gone
    capsys.readouterr()
    assert main(["run", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "сопоставлены заново 1 " in out  # only around what changed
    assert "Источник прочитан не полностью, удаления пропущены: crm" in out
    assert live(target_url) == {f"M{n}" for n in range(14)} | {"A0", "A1", "A2"}
    assert rows(target_url, "SELECT COUNT(*) FROM companies WHERE deleted_at IS NULL") == [(17,)]
