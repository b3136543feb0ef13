"""A sync matches only what changed against the stored matching index (pipelines.incremental), on every
target database: new duplicates join the CRM record they belong to, untouched rows stay as they were,
and the result is the one a full run over the same 1C state gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cli.main import main
from tests.fake_onec import FakeOneC, bp_contact, counterparty, guid, retry_without_waiting
from tests.test_sync import rows

PASSWORD = "s3cret-1c"
COUNTERPARTIES = "Catalog_Контрагенты"
CONTACTS = "Catalog_КонтактныеЛица"
NAMES = (
    "Альтаир", "Бриз", "Вектор", "Гранит", "Дельта", "Енисей", "Журавль", "Зенит", "Ирбис", "Кедр",
    "Лотос", "Меридиан", "Нева", "Орион", "Полюс", "Радуга", "Сокол", "Тайга", "Урал", "Фрегат",
)  # fmt: skip
SURNAMES = ("Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков", "Зайцев", "Морозов", "Орлов")
FIRST = ("Андрей", "Борис", "Виктор", "Григорий", "Дмитрий", "Евгений", "Игорь", "Кирилл", "Леонид", "Максим")


def inn10(n: int) -> str:
    """A valid 10-digit INN (checksum) per number."""
    digits = [int(d) for d in f"77{n:07d}"]
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return "".join(map(str, digits)) + str(sum(w * d for w, d in zip(weights, digits)) % 11 % 10)


def name(n: int) -> str:
    return f"{NAMES[n % len(NAMES)]} {SURNAMES[(n // len(NAMES)) % 10]}а"


def company(n: int, **changes: object) -> dict:
    fields = {"inn": inn10(n), "phones": [f"+7 495 2{n:02d}-{n:02d}-{n:02d}"], "city": "Москва"}
    return counterparty(n, f"{name(n)} ООО", **(fields | changes))


def twin(n: int, of: int) -> dict:
    """Company ``of`` entered once more, as another bookkeeper writes it."""
    return counterparty(n, f"ООО «{name(of)}»", inn=inn10(of), city="г. Москва")


def person(n: int, owner: int, **changes: object) -> dict:
    name = f"{SURNAMES[n % 10]} {FIRST[(n // 10) % 10]} Петрович"
    return bp_contact(1000 + n, name, owner, **({"phones": [f"+7 916 3{n:02d}-{n:02d}-{n:02d}"]} | changes))


@pytest.fixture
def fast_odata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEC_TEST_PASSWORD", PASSWORD)
    retry_without_waiting(monkeypatch)


def base() -> dict[str, list[dict]]:
    companies = [company(n) for n in range(1, 41)]
    companies.append(twin(41, of=3))  # company 3 once more: one CRM company
    people = [person(n, owner=n % 40 + 1) for n in range(60)]
    return {COUNTERPARTIES: companies, CONTACTS: people}


def write_config(folder: Path, onec: FakeOneC, url: str, name: str = "migration.yaml") -> str:
    path = folder / name
    path.write_text(
        f"name: sync-matching\ntarget: {{url: '{url}'}}\nreport_dir: null\nsources:\n  - name: buh\n"
        f"    kind: onec_odata\n    url: {onec.url}\n    user: odata\n    password_env: ONEC_TEST_PASSWORD\n"
        "    timeout: 5\n    page_size: 50\n",
        encoding="utf-8",
    )
    return str(path)


def partition(url: str, entity: str) -> set[frozenset[str]]:
    """The records grouped by the live CRM record they are linked to."""
    groups: dict[int, set[str]] = {}
    for crm_id, key in rows(
        url, f"SELECT crm_id, source_key FROM source_links WHERE entity = '{entity}' AND deleted_at IS NULL"
    ):
        groups.setdefault(crm_id, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def crm_id(url: str, entity: str, key: str) -> int:
    [(found,)] = rows(url, f"SELECT crm_id FROM source_links WHERE entity = '{entity}' AND source_key = '{key}'")
    return found


def week_of_changes(onec: FakeOneC) -> None:
    onec.change(COUNTERPARTIES, guid(5), Description=f"{name(5)} ООО (офис)")  # a renamed company
    onec.add(COUNTERPARTIES, twin(50, of=7))  # company 7 once more
    onec.add(COUNTERPARTIES, company(51))  # a new company
    onec.remove(COUNTERPARTIES, guid(10))
    onec.change(CONTACTS, guid(1003), Должность="Главный бухгалтер")
    onec.add(CONTACTS, person(70, owner=51))


def test_a_sync_matches_only_what_changed_and_agrees_with_a_full_run(
    tmp_path: Path, target_url: str, fast_odata: None, capsys: pytest.CaptureFixture
) -> None:
    with FakeOneC(base(), user="odata", password=PASSWORD) as onec:
        cfg = write_config(tmp_path, onec, target_url)
        assert main(["run", "--config", cfg]) == 0
        stamps = dict(rows(target_url, "SELECT id, updated_at FROM companies"))
        company_3 = crm_id(target_url, "company", guid(3))
        assert crm_id(target_url, "company", guid(41)) == company_3
        company_7 = crm_id(target_url, "company", guid(7))
        week_of_changes(onec)
        capsys.readouterr()

        assert main(["sync", "--config", cfg]) == 0
        out = capsys.readouterr().out
        assert "сопоставляются заново" in out  # matched incrementally, not the whole base
        scope = int(out.split("сопоставляются заново ")[1].split()[0])
        assert scope < 30, out
        # the new duplicate joined the CRM company it belongs to; the new one is new; the gone one is gone
        assert crm_id(target_url, "company", guid(50)) == company_7
        assert crm_id(target_url, "company", guid(3)) == company_3
        assert rows(
            target_url, f"SELECT CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END FROM companies WHERE id = {company_7}"
        ) == [(0,)]
        gone = crm_id(target_url, "company", guid(10))
        assert rows(
            target_url, f"SELECT CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END FROM companies WHERE id = {gone}"
        ) == [(1,)]
        # nothing the changes do not concern was written
        concerned = {crm_id(target_url, "company", guid(n)) for n in (5, 7, 10, 50, 51)}
        after = dict(rows(target_url, "SELECT id, updated_at FROM companies"))
        assert {i for i, stamp in stamps.items() if after[i] != stamp} <= concerned

        synced = {e: partition(target_url, e) for e in ("company", "contact")}
        fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        assert main(["run", "--config", write_config(tmp_path, onec, fresh, "fresh.yaml")]) == 0
        assert {e: partition(fresh, e) for e in ("company", "contact")} == synced

        capsys.readouterr()
        assert main(["sync", "--config", cfg]) == 0  # nothing changed since: nothing to do
        assert "сопоставляются заново" not in capsys.readouterr().out


def _undo_the_last_run(url: str, cfg: str) -> None:
    [(last,)] = rows(url, "SELECT id FROM migration_runs ORDER BY started_at DESC LIMIT 1")
    assert main(["undo", "--run", last, "--config", cfg]) == 0


def _change_the_matching_settings(url: str, cfg: str) -> None:
    Path(cfg).write_text(Path(cfg).read_text("utf-8") + "matching: {auto_merge: 0.99}\n", "utf-8")


@pytest.mark.parametrize("invalidate", [_undo_the_last_run, _change_the_matching_settings])
def test_after_an_undo_or_other_settings_the_next_sync_matches_the_whole_base(
    tmp_path: Path, fast_odata: None, capsys: pytest.CaptureFixture, invalidate
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    with FakeOneC(base(), user="odata", password=PASSWORD) as onec:
        cfg = write_config(tmp_path, onec, url)
        assert main(["run", "--config", cfg]) == 0
        onec.change(COUNTERPARTIES, guid(5), Description=f"{name(5)} ООО (офис)")
        assert main(["sync", "--config", cfg]) == 0
        invalidate(url, cfg)
        onec.change(COUNTERPARTIES, guid(6), Description=f"{name(6)} ООО (склад)")
        capsys.readouterr()
        assert main(["sync", "--config", cfg]) == 0
        assert "сопоставляются заново" not in capsys.readouterr().out  # the index was not the target's state
        onec.change(COUNTERPARTIES, guid(7), Description=f"{name(7)} ООО (цех)")
        assert main(["sync", "--config", cfg]) == 0
        assert "сопоставляются заново" in capsys.readouterr().out  # the full sync rebuilt the index


def test_a_large_random_week_agrees_with_a_full_run(tmp_path: Path, fast_odata: None) -> None:
    """Random edits, duplicates and deletions over several syncs: the same clusters as one full run."""
    rng = random.Random(7)
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    with FakeOneC(base(), user="odata", password=PASSWORD) as onec:
        cfg = write_config(tmp_path, onec, url)
        assert main(["run", "--config", cfg]) == 0
        alive = set(range(1, 42))
        for week in range(3):
            for n in rng.sample(sorted(alive), 4):
                onec.change(COUNTERPARTIES, guid(n), Description=f"{name(n)} АО")
            for k in range(3):
                new = 100 + 10 * week + k
                onec.add(COUNTERPARTIES, twin(new, of=rng.choice(sorted(alive & set(range(1, 42))))))
                alive.add(new)
            gone = rng.choice(sorted(alive - {3, 41}))
            onec.remove(COUNTERPARTIES, guid(gone))
            alive.discard(gone)
            assert main(["sync", "--config", cfg]) == 0
        fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        assert main(["run", "--config", write_config(tmp_path, onec, fresh, "fresh.yaml")]) == 0
        assert partition(fresh, "company") == partition(url, "company")
        assert partition(fresh, "contact") == partition(url, "contact")
