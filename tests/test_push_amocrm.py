"""`push` into a fake amoCRM account: exactly once with fields and links, idempotent, 429 and lost answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.delivery import push
from cli.main import main
from tests.clientdata import BUH_ROWS
from tests.deliverydata import FAST, build_target
from tests.fake_amocrm import FakeAmoCrm


@pytest.fixture
def amo(monkeypatch: pytest.MonkeyPatch):
    with FakeAmoCrm() as fake:
        monkeypatch.setenv("TEST_AMO_TOKEN", fake.token)
        yield fake


def _crm(amo: FakeAmoCrm) -> str:
    return f"{{kind: amocrm, url: '{amo.url}', token_env: TEST_AMO_TOKEN}}"


def _values(record: dict, code: str) -> list[tuple]:
    entry = next((e for e in record["custom_fields_values"] or [] if e["field_code"] == code), {"values": []})
    return [(v["value"], v.get("enum_code")) for v in entry["values"]]


def test_push_creates_each_record_once_with_fields_and_links(tmp_path: Path, target_url: str, amo: FakeAmoCrm) -> None:
    config = build_target(tmp_path, target_url, _crm(amo))
    summary = push(config, target_url, False, **FAST)
    assert (summary["company"]["created"], summary["contact"]["created"]) == (4, 3)
    assert len(amo.companies) == 4 and len(amo.contacts) == 3
    ip = next(c for c in amo.companies if c["name"].startswith("ИП"))
    assert _values(ip, "PHONE") == [("+79161234567", "MOB")] and _values(ip, "INN") == [("500100732259", None)]
    ivanov = next(c for c in amo.contacts if c["name"] == "Иванов Иван Иванович")
    assert _values(ivanov, "EMAIL") == [("ivanov@romashka.ru", "WORK")] and _values(ivanov, "POSITION")
    moscow = next(
        c for c in amo.companies if c["name"] == 'ООО "Ромашка"' and _values(c, "KPP") == [("773601001", None)]
    )
    assert (ivanov["id"], moscow["id"]) in amo.links and len(amo.links) == 3
    assert {f["code"] for f in amo.fields["companies"]} >= {"CRM_MIGRATE_ID", "INN", "KPP", "OGRN"}

    writes = amo.write_count()
    again = push(config, target_url, False, **FAST)
    assert amo.write_count() == writes and (again["company"]["unchanged"], again["contact"]["unchanged"]) == (4, 3)


def test_changed_record_is_patched_and_429_and_lost_answers_leave_no_twins(tmp_path: Path, amo: FakeAmoCrm) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, _crm(amo))
    amo.too_many_next(times=2)
    amo.drop_next(after_processing=True)  # the custom fields are created, the answer is lost
    amo.drop_next(after_processing=True)  # …and so on for the next write: nothing may be created twice
    push(config, url, False, **FAST)
    assert amo.refused[429] == 2
    assert len(amo.companies) == 4 and len(amo.contacts) == 3
    assert sorted(f["code"] for f in amo.fields["companies"]).count("INN") == 1
    amo.writes.clear()
    build_target(
        tmp_path,
        url,
        _crm(amo),
        buh_rows=[BUH_ROWS[0], ["002", 'АО "Лютик"', "7736050003", None, "+7 (383) 913-05-27"]],
    )
    summary = push(config, url, False, **FAST)
    assert summary["company"]["updated"] == 1 and dict(amo.writes) == {"PATCH companies": 1}
    lutik = next(c for c in amo.companies if c["name"] == 'АО "Лютик"')
    assert _values(lutik, "PHONE") == [("+73839130527", "WORK")]


def test_validation_errors_are_reported_per_record(
    tmp_path: Path, amo: FakeAmoCrm, capsys: pytest.CaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, _crm(amo))
    amo.refuse_names.add('АО "Лютик"')
    assert main(["push", "--config", str(config.config_path)]) == 0
    out = capsys.readouterr().out
    assert "ошибок 1" in out and "name: This value is not allowed." in out and amo.token not in out
    assert len(amo.companies) == 3  # the others were sent again without the refused one
    amo.token = "another"
    assert main(["push", "--config", str(config.config_path)]) == 1
    err = capsys.readouterr().err
    assert "токен отклонён (HTTP 401); проверьте crm.token_env" in err and "secret-token" not in err
