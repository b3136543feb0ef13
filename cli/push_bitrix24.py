"""Deliver golden records into Bitrix24: look up, create, then reconcile each record with what is there.

Per entity (companies first, so contacts can be bound to them):
1. records sent by an interrupted push and never recorded are looked up by ORIGINATOR_ID/ORIGIN_ID;
2. records never sent are marked as being sent (committed), created in batches of 50, their ids recorded;
3. created, found and changed records are read back (fields, multifields, requisites), compared with
   what should be there, and only the differences are sent; their item ids and hash are then recorded.
A batch whose answer was lost is re-read and re-planned (never re-sent blindly), so nothing is doubled.
"""

from __future__ import annotations

from cli.push_report import Delivery
from connectors.saas import RemoteCrmError, again_when_lost
from connectors.saas.bitrix24 import Bitrix24
from transforms.crm_payloads import (
    PRESET_NAMES,
    PRESET_XML_IDS,
    BitrixRecord,
    bitrix_company,
    bitrix_contact,
    multifield_ids,
    record_update,
    requisite_change,
)
from transforms.delivery_plan import DeliveryPlan, plan_delivery
from vocabulary.crm_records import CrmRecords, RemoteLink
from vocabulary.messages import text

CHUNK = 25  # records per read-back: their requisites fit one list page (50) even with a second one each
METHODS = {"company": "crm.company", "contact": "crm.contact"}
SELECT = {"company": ["*", "PHONE", "EMAIL", "WEB"], "contact": ["*", "PHONE", "EMAIL"]}


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def presets(client: Bitrix24) -> dict[str, str]:
    """Requisite preset ids for legal entities, entrepreneurs and persons (by XML_ID, else by name)."""
    rows = list(client.list_all("crm.requisite.preset.list", {"select": ["ID", "NAME", "XML_ID"]}))
    found: dict[str, str] = {}
    for kind, xml_id in PRESET_XML_IDS.items():
        row = next((r for r in rows if r.get("XML_ID") == xml_id), None) or next(
            (r for r in rows if r.get("NAME") == PRESET_NAMES[kind]), None
        )
        if row is not None:
            found[kind] = str(row["ID"])
    for kind in ("legal", "entrepreneur"):
        if kind not in found:
            raise RemoteCrmError(text("push.preset_missing", portal=client.portal, name=PRESET_NAMES[kind]))
    found.setdefault("person", found["entrepreneur"])
    return found


class BitrixDelivery(Delivery):
    # -- the whole push ------------------------------------------------------------------------
    def push(self, records: CrmRecords) -> None:
        kinds = presets(self.client)
        companies = {c.id: bitrix_company(c, self.originator, kinds) for c in records.live_companies()}
        self._entity("company", companies, {c.id for c in records.companies if c.deleted})
        remote_companies = {
            crm_id: link.remote_id
            for (entity, crm_id), link in self.links.items()
            if entity == "company" and link.remote_id is not None
        }
        if self.store is None:  # dry run: companies to be created count as bound
            remote_companies |= {i: f"new:{i}" for i in companies if i not in remote_companies}
        contacts = {c.id: bitrix_contact(c, self.originator, remote_companies) for c in records.live_contacts()}
        self._entity("contact", contacts, {c.id for c in records.contacts if c.deleted})

    def _entity(self, entity: str, records: dict[int, BitrixRecord], deleted: set[int]) -> None:
        plan = plan_delivery(entity, {i: r.hash() for i, r in records.items()}, deleted, self.links)
        counts = self.report.entity(entity)
        counts.unchanged, counts.deleted_here = len(plan.unchanged), plan.deleted_here
        if self.store is None:
            counts.created, counts.updated, counts.found = len(plan.create), len(plan.reconcile), len(plan.lookup)
            return
        self._deliver(entity, records, plan)

    def _deliver(self, entity: str, records: dict[int, BitrixRecord], plan: DeliveryPlan) -> None:
        counts = self.report.entity(entity)
        found = self._look_up(entity, plan.lookup)
        counts.found = len(found)
        to_create = [i for i in plan.lookup if i not in found] + plan.create
        for i in to_create:
            self.links.pop((entity, i), None)  # not in Bitrix24: created below like a new record
        for chunk in _chunks(to_create, 50):
            again_when_lost(lambda chunk=chunk: self._create(entity, records, chunk))
        created = [i for i in to_create if self._remote(entity, i)]
        counts.created = len(created)
        changed = set(plan.reconcile)
        for chunk in _chunks(sorted(set(found) | set(created) | changed), CHUNK):
            again_when_lost(lambda chunk=chunk: self._reconcile(entity, records, chunk, changed))

    def _remote(self, entity: str, crm_id: int) -> str | None:
        link = self.links.get((entity, crm_id))
        return link.remote_id if link else None

    # -- steps -------------------------------------------------------------------------------------
    def _look_up(self, entity: str, crm_ids: list[int]) -> dict[int, str]:
        """crm id → remote id of the records already in Bitrix24 (sent before, answer lost)."""
        if not crm_ids:
            return {}
        commands = {
            f"find{n}": (
                f"{METHODS[entity]}.list",
                {
                    "filter": {"ORIGINATOR_ID": self.originator, "ORIGIN_ID": [str(i) for i in chunk]},
                    "select": ["ID", "ORIGIN_ID"],
                },
            )
            for n, chunk in enumerate(_chunks(crm_ids, 50))
        }
        results, errors = self.client.batch(commands, write=False)
        if errors:
            raise RemoteCrmError(f"Bitrix24 {self.client.masked} {METHODS[entity]}.list: {next(iter(errors.values()))}")
        found = {
            int(row["ORIGIN_ID"]): str(row["ID"])
            for rows in results.values()
            for row in rows or []
            if str(row.get("ORIGIN_ID", "")).isdigit()
        }
        self._save([RemoteLink(entity, i, remote_id) for i, remote_id in found.items()])
        return found

    def _create(self, entity: str, records: dict[int, BitrixRecord], chunk: list[int]) -> None:
        pending = [i for i in chunk if not self._remote(entity, i)]
        sent = [i for i in pending if (entity, i) in self.links]  # by an attempt whose answer was lost
        if sent:
            found = self._look_up(entity, sent)
            pending = [i for i in pending if i not in found]
        if not pending:
            return
        self.store.mark_sending(entity, pending)
        self.links.update({(entity, i): RemoteLink(entity, i) for i in pending})
        commands = {
            f"add{i}": (
                f"{METHODS[entity]}.add",
                {"fields": records[i].add_fields(), "params": {"REGISTER_SONET_EVENT": "N"}},
            )
            for i in pending
        }
        results, errors = self.client.batch(commands, write=True)
        self._save([RemoteLink(entity, i, str(results[f"add{i}"])) for i in pending if results.get(f"add{i}")])
        refused = [i for i in pending if f"add{i}" in errors]
        self.store.forget(entity, refused)
        for i in refused:
            self.links.pop((entity, i), None)
            self.report.refuse(entity, i, errors[f"add{i}"])

    def _read(self, entity: str, remote_ids: list[str]) -> tuple[dict[str, dict], dict[str, list[dict]]]:
        """remote id → the record (with multifields), and company remote id → its requisites."""
        commands = {"records": (f"{METHODS[entity]}.list", {"filter": {"ID": remote_ids}, "select": SELECT[entity]})}
        if entity == "company":
            commands["requisites"] = (
                "crm.requisite.list",
                {"filter": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": remote_ids}, "select": ["*"]},
            )
        results, errors = self.client.batch(commands, write=False)
        if errors:
            raise RemoteCrmError(f"Bitrix24 {self.client.masked}: {next(iter(errors.values()))}")
        requisites: dict[str, list[dict]] = {}
        for row in results.get("requisites") or []:
            requisites.setdefault(str(row["ENTITY_ID"]), []).append(row)
        return {str(r["ID"]): r for r in results.get("records") or []}, requisites

    def _reconcile(self, entity: str, records: dict[int, BitrixRecord], chunk: list[int], changed: set[int]) -> None:
        remote_ids = {i: self._remote(entity, i) for i in chunk if self._remote(entity, i)}
        remote, requisites = self._read(entity, list(remote_ids.values()))
        commands: dict[str, tuple[str, dict]] = {}
        appended = False
        for i, remote_id in remote_ids.items():
            if remote_id not in remote:
                self.report.entity(entity).deleted_there.append(i)
                continue
            link = self.links[(entity, i)]
            fields = record_update(records[i], remote[remote_id], link.item_ids)
            if fields:
                commands[f"upd{i}"] = (
                    f"{METHODS[entity]}.update",
                    {"id": remote_id, "fields": fields, "params": {"REGISTER_SONET_EVENT": "N"}},
                )
                appended |= any("ID" not in item for kind in ("PHONE", "EMAIL", "WEB") for item in fields.get(kind, []))
            change = requisite_change(records[i], remote_id, requisites.get(remote_id, []), link.item_ids)
            if change is not None:
                action, params = change
                commands[f"req{i}"] = (f"crm.requisite.{action}", {"fields": params} if action == "add" else params)
        results, errors = self.client.batch(commands, write=True) if commands else ({}, {})
        if appended:
            remote, requisites = self._read(entity, list(remote_ids.values()))
        done = []
        for i, remote_id in remote_ids.items():
            if remote_id not in remote:
                continue
            failed = [errors[n] for n in (f"upd{i}", f"req{i}") if n in errors]
            if failed:
                self.report.refuse(entity, i, "; ".join(failed))
                continue
            ids = dict(multifield_ids(records[i], remote[remote_id]))
            requisite = self._requisite_id(records[i], requisites.get(remote_id, []), results.get(f"req{i}"))
            if requisite:
                ids["requisite"] = requisite
            done.append(RemoteLink(entity, i, remote_id, ids, records[i].hash()))
            if i in changed and (f"upd{i}" in commands or f"req{i}" in commands):
                self.report.entity(entity).updated += 1
            elif i in changed:
                self.report.entity(entity).unchanged += 1  # changed here in a way Bitrix24 already shows
        self._save(done)

    @staticmethod
    def _requisite_id(record: BitrixRecord, requisites: list[dict], added: object) -> str | None:
        if record.requisite is None:
            return None
        if isinstance(added, int | str) and not isinstance(added, bool):
            return str(added)
        mine = next((r for r in requisites if r.get("XML_ID") == record.requisite["XML_ID"]), None)
        return str(mine["ID"]) if mine else None
