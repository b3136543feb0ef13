"""`push` into a fake Bitrix24 portal: exactly once, idempotent, resumable, limits waited out, secrets kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.delivery import push
from cli.main import main
from connectors.crm_db.remote_links import RemoteLinkStore
from tests.clientdata import BUH_ROWS
from tests.deliverydata import FAST, build_target, remote_links
from tests.fake_bitrix24 import FakeBitrix24

CRM = "{kind: bitrix24, url_env: TEST_B24_WEBHOOK}"


@pytest.fixture
def portal(monkeypatch: pytest.MonkeyPatch):
    with FakeBitrix24() as fake:
        monkeypatch.setenv("TEST_B24_WEBHOOK", fake.webhook)
        yield fake


def _by_origin(rows: list[dict]) -> dict[str, dict]:
    return {r["ORIGIN_ID"]: r for r in rows}


def test_push_creates_each_record_once_and_a_second_push_writes_nothing(
    tmp_path: Path, target_url: str, portal: FakeBitrix24
) -> None:
    config = build_target(tmp_path, target_url, CRM)
    summary = push(config, target_url, False, **FAST)
    assert (summary["company"]["created"], summary["contact"]["created"]) == (4, 3)
    companies = {c["TITLE"] + (c.get("ADDRESS_CITY") or ""): c for c in portal.companies}
    assert len(portal.companies) == 4 and len({c["ORIGIN_ID"] for c in portal.companies}) == 4
    moscow = companies['ООО "Ромашка"Москва']
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in moscow["PHONE"]] == [("+74951234567", "WORK")]
    assert moscow["ORIGINATOR_ID"] == "crm-migrate:test-client"
    mobile = companies["ИП Кузнецов Павел АндреевичТверь"]["PHONE"]
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in mobile] == [("+79161234567", "MOBILE")]
    requisites = {(r["ENTITY_ID"], r["RQ_INN"]): r for r in portal.requisites}
    assert len(requisites) == 4
    legal = requisites[(moscow["ID"], "7707083893")]
    assert (legal["PRESET_ID"], legal["RQ_KPP"], legal["ENTITY_TYPE_ID"]) == ("1", "773601001", "4")
    ip = requisites[(companies["ИП Кузнецов Павел АндреевичТверь"]["ID"], "500100732259")]
    assert ip["PRESET_ID"] == "2" and "RQ_KPP" not in ip
    contacts = {c["LAST_NAME"]: c for c in portal.contacts}
    assert contacts["Иванов"]["COMPANY_ID"] == moscow["ID"] and contacts["Иванов"]["SECOND_NAME"] == "Иванович"
    assert contacts["Сидоров"]["COMPANY_ID"] == companies['ООО "Ромашка"Санкт-Петербург']["ID"]
    assert [e["VALUE"] for e in contacts["Иванов"]["EMAIL"]] == ["ivanov@romashka.ru"]
    links = remote_links(target_url)
    assert len(links) == 7 and all(x["remote_id"] and x["sent_hash"] for x in links)

    writes, requests = portal.write_count(), portal.requests
    again = push(config, target_url, False, **FAST)
    assert portal.write_count() == writes  # no add, no update
    assert portal.requests - requests == 1  # the requisite presets, nothing else
    assert (again["company"]["unchanged"], again["contact"]["unchanged"]) == (4, 3)


def test_a_changed_record_updates_only_itself_by_item_id(tmp_path: Path, portal: FakeBitrix24) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    push(config, url, False, **FAST)
    lutik = next(c for c in portal.companies if c["TITLE"] == 'АО "Лютик"')
    lutik["PHONE"].append({"ID": "900", "VALUE": "+74950000000", "VALUE_TYPE": "OTHER"})  # a CRM user added one
    portal.writes.clear()
    changed = [BUH_ROWS[0], ["002", 'АО "Лютик"', "7736050003", None, "+7 (383) 913-05-27"]]  # new number
    build_target(tmp_path, url, CRM, buh_rows=changed)
    summary = push(config, url, False, **FAST)
    assert summary["company"]["updated"] == 1 and summary["company"]["unchanged"] == 3
    assert dict(portal.writes) == {"crm.company.update": 1}
    assert sorted((p["ID"], p["VALUE"]) for p in lutik["PHONE"]) == sorted(
        [("900", "+74950000000"), (next(p["ID"] for p in lutik["PHONE"] if p["ID"] != "900"), "+73839130527")]
    )
    assert len(lutik["PHONE"]) == 2  # the old number changed in place by ID; the user's stays; nothing appended twice
    portal.writes.clear()
    push(config, url, False, **FAST)
    assert portal.write_count() == 0


def test_soft_deleted_record_is_reported_not_deleted(tmp_path: Path, portal: FakeBitrix24) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    push(config, url, False, **FAST)
    build_target(tmp_path, url, CRM, buh_rows=[BUH_ROWS[0]])  # Лютик gone from 1C: soft-deleted here
    portal.writes.clear()
    summary = push(config, url, False, **FAST)
    assert len(summary["company"]["deleted_here"]) == 1 and portal.write_count() == 0
    assert any(c["TITLE"] == 'АО "Лютик"' for c in portal.companies)


def test_a_lost_answer_and_a_killed_push_resume_without_twins(
    tmp_path: Path, portal: FakeBitrix24, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    portal.drop_next(after_processing=True)  # the companies' add batch runs, its answer never arrives
    portal.drop_next(writes_only=False)  # and one read drops before it is answered
    summary = push(config, url, False, **FAST)
    assert len(portal.companies) == 4 and len(portal.contacts) == 3 and len(portal.requisites) == 4
    assert summary["company"]["created"] == 4

    # A push killed right after its first create batch: the answer is in the CRM, not in remote_links.
    with FakeBitrix24() as second:
        monkeypatch.setenv("TEST_B24_WEBHOOK", second.webhook)
        save = RemoteLinkStore.save

        def killed(self: RemoteLinkStore, links) -> None:
            links = list(links)
            if any(link.remote_id for link in links):
                raise KeyboardInterrupt
            save(self, links)

        monkeypatch.setattr(RemoteLinkStore, "save", killed)
        with pytest.raises(KeyboardInterrupt):
            push(config, url, False, **FAST)
        assert len(second.companies) == 4
        monkeypatch.setattr(RemoteLinkStore, "save", save)
        resumed = push(config, url, False, **FAST)
        assert resumed["company"]["found"] == 4 and resumed["company"]["created"] == 0
        assert len(second.companies) == 4 and len(second.requisites) == 4 and len(second.contacts) == 3


def test_limits_are_waited_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    with FakeBitrix24(capacity=2, drain=2) as portal:
        monkeypatch.setenv("TEST_B24_WEBHOOK", portal.webhook)
        config = build_target(tmp_path, url, CRM)
        portal.time_limit_next(times=2)
        summary = push(config, url, False, **FAST)
        assert portal.refused[429] == 2 and portal.refused["limit"] > 0  # 503 QUERY_LIMIT_EXCEEDED answers
        assert summary["company"]["created"] == 4 and len(portal.companies) == 4 and len(portal.contacts) == 3


def test_a_refused_record_is_reported_and_sent_on_the_next_push(tmp_path: Path, portal: FakeBitrix24) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    portal.refuse_titles.add('АО "Лютик"')
    summary = push(config, url, False, **FAST)
    assert summary["company"]["failed"] == 1 and "отклонена" in summary["failures"][0]["error"]
    assert len(portal.companies) == 3
    portal.refuse_titles.clear()
    assert push(config, url, False, **FAST)["company"]["created"] == 1 and len(portal.companies) == 4


def test_dry_run_sends_no_write_and_the_webhook_code_is_never_shown(
    tmp_path: Path, portal: FakeBitrix24, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    config = build_target(tmp_path, url, CRM)
    assert main(["push", "--config", str(config.config_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert portal.write_count() == 0 and remote_links(url) == []
    assert "будет создано 4" in out and portal.code not in out
    assert main(["push", "--config", str(config.config_path), "--json"]) == 0
    captured = capsys.readouterr()
    assert '"created": 4' in captured.out and portal.code not in captured.out + captured.err
    monkeypatch.setenv("TEST_B24_WEBHOOK", portal.webhook.replace(portal.code, "wrong-" + portal.code))
    assert main(["push", "--config", str(config.config_path)]) == 1
    err = capsys.readouterr().err
    assert "INVALID_CREDENTIALS" in err and portal.code not in err and "/rest/7/***/" in err
    monkeypatch.delenv("TEST_B24_WEBHOOK")
    assert main(["push", "--config", str(config.config_path)]) == 2
    assert "crm.url_env: переменная окружения TEST_B24_WEBHOOK не задана" in capsys.readouterr().err
