"""Deliver golden records into amoCRM: custom fields first, then companies, contacts and their links.

amoCRM has no external-id field: the remote id kept in ``remote_links`` and the «ID в crm-migrate»
text field are what make a retry safe. A record marked as being sent whose answer never came back
is looked up by that field (``?query=``) before it is created again. Updates (PATCH) and links
are idempotent, so a lost answer there is simply sent again.
"""

from __future__ import annotations

from cli.push_report import Delivery
from connectors.saas import again_when_lost
from connectors.saas.amocrm import CHUNK, AmoCrm
from transforms.crm_payloads import (
    AMO_TEXT_FIELDS,
    amo_company,
    amo_contact,
    amo_source_id,
    amo_source_value,
    delivery_hash,
)
from transforms.delivery_plan import plan_delivery
from vocabulary.crm_records import CrmRecords, RemoteLink
from vocabulary.messages import text

PATHS = {"company": "companies", "contact": "contacts"}


def custom_fields(client: AmoCrm, path: str, create: bool) -> dict[str, int]:
    """code → field id of this tool's text fields, created when missing (unless ``create`` is False)."""
    wanted = AMO_TEXT_FIELDS[path]
    existing = list(client.pages(f"{path}/custom_fields", "custom_fields"))
    ids = {
        code: f["id"]
        for code, name in wanted.items()
        for f in existing
        if f.get("code") == code or (f.get("name") == name and f.get("type") == "text")
    }
    missing = [code for code in wanted if code not in ids]
    if missing and create:
        answer = client.request(
            "POST",
            f"{path}/custom_fields",
            body=[
                {"name": wanted[code], "type": "text", "code": code, "sort": 500 + n} for n, code in enumerate(missing)
            ],
        )
        for field in (answer or {}).get("_embedded", {}).get("custom_fields", []):
            ids[field.get("code") or next(c for c in missing if wanted[c] == field["name"])] = field["id"]
    return ids | {code: 0 for code in missing if code not in ids}  # dry run: placeholders, never sent


class AmoDelivery(Delivery):
    def push(self, records: CrmRecords) -> None:
        dry = self.store is None
        fields: dict[str, dict[str, int]] = {}
        for path in PATHS.values():  # custom_fields looks before it creates: safe to run again
            again_when_lost(lambda path=path: fields.__setitem__(path, custom_fields(self.client, path, not dry)))
        companies = {c.id: amo_company(c, self.originator, fields["companies"]) for c in records.live_companies()}
        self._entity(
            "company",
            companies,
            {i: () for i in companies},
            {c.id for c in records.companies if c.deleted},
            fields["companies"],
        )
        remote = {i: link.remote_id for (e, i), link in self.links.items() if e == "company" and link.remote_id}
        contacts = {c.id: amo_contact(c, self.originator, fields["contacts"]) for c in records.live_contacts()}
        bound = {
            c.id: tuple(remote.get(i, f"new:{i}" if dry else None) for i in c.company_ids if dry or i in remote)
            for c in records.live_contacts()
        }
        self._entity("contact", contacts, bound, {c.id for c in records.contacts if c.deleted}, fields["contacts"])

    def _entity(
        self,
        entity: str,
        payloads: dict[int, dict],
        bound: dict[int, tuple],
        deleted: set[int],
        field_ids: dict[str, int],
    ) -> None:
        hashes = {i: delivery_hash({"payload": p, "companies": bound[i]}) for i, p in payloads.items()}
        plan = plan_delivery(entity, hashes, deleted, self.links)
        counts = self.report.entity(entity)
        counts.unchanged, counts.deleted_here = len(plan.unchanged), plan.deleted_here
        if self.store is None:
            counts.created, counts.updated, counts.found = len(plan.create), len(plan.reconcile), len(plan.lookup)
            return
        found = self._look_up(entity, plan.lookup, field_ids["CRM_MIGRATE_ID"])
        counts.found = len(found)
        to_create = [i for i in plan.lookup if i not in found] + plan.create
        for n in range(0, len(to_create), CHUNK):
            chunk = to_create[n : n + CHUNK]
            again_when_lost(lambda chunk=chunk: self._create(entity, payloads, hashes, chunk, field_ids))
        counts.created = len([i for i in to_create if (entity, i) in self.links])
        update = plan.reconcile + list(found)
        items = [payloads[i] | {"id": int(self.links[(entity, i)].remote_id)} for i in update]
        if items:
            _, refused = self._send("PATCH", entity, items, [str(i) for i in update])
            for i in update:
                if str(i) in refused:
                    self.report.refuse(entity, i, refused[str(i)])
            self._save(
                [
                    RemoteLink(entity, i, self.links[(entity, i)].remote_id, None, hashes[i])
                    for i in update
                    if str(i) not in refused
                ]
            )
            counts.updated = len([i for i in plan.reconcile if str(i) not in refused])
        if entity == "contact":
            self._link([i for i in to_create + update if (entity, i) in self.links], bound)

    def _send(self, method: str, entity: str, items: list[dict], request_ids: list[str]) -> tuple[list, dict]:
        with_ids = [item | {"request_id": r} for item, r in zip(items, request_ids, strict=True)]
        result: dict = {}

        def step() -> None:
            result["value"] = self.client.send_items(method, PATHS[entity], with_ids)

        again_when_lost(step)
        return result["value"]

    def _look_up(self, entity: str, crm_ids: list[int], field_id: int) -> dict[int, str]:
        """crm id → remote id of records an interrupted push created (found by the source-id field)."""
        found = {}
        for i in crm_ids:
            source_id = amo_source_id(self.originator, entity, i)
            for record in self.client.pages(PATHS[entity], PATHS[entity], {"query": source_id}):
                if amo_source_value(record, field_id) == source_id:
                    found[i] = str(record["id"])
                    break
        self._save([RemoteLink(entity, i, remote_id) for i, remote_id in found.items()])
        for i in crm_ids:
            if i not in found:
                self.links.pop((entity, i), None)
        return found

    def _create(self, entity: str, payloads: dict, hashes: dict, chunk: list[int], field_ids: dict) -> None:
        sent = [i for i in chunk if (entity, i) in self.links and self.links[(entity, i)].remote_id is None]
        done = self._look_up(entity, sent, field_ids["CRM_MIGRATE_ID"]) if sent else {}
        pending = [i for i in chunk if i not in done and (entity, i) not in self.links]
        self._save([RemoteLink(entity, i, remote_id, None, hashes[i]) for i, remote_id in done.items()])
        if not pending:
            return
        self.store.mark_sending(entity, pending)
        self.links.update({(entity, i): RemoteLink(entity, i) for i in pending})
        answers, refused = self.client.send_items(
            "POST", PATHS[entity], [payloads[i] | {"request_id": str(i)} for i in pending]
        )
        by_request = {str(a.get("request_id")): str(a["id"]) for a in answers}
        self._save(
            [RemoteLink(entity, i, by_request[str(i)], None, hashes[i]) for i in pending if str(i) in by_request]
        )
        failed = [i for i in pending if str(i) not in by_request]
        self.store.forget(entity, failed)
        for i in failed:
            self.links.pop((entity, i), None)
            self.report.refuse(entity, i, refused.get(str(i), text("push.remote.no_answer")))

    def _link(self, crm_ids: list[int], bound: dict[int, tuple]) -> None:
        links = [
            {
                "entity_id": int(self.links[("contact", i)].remote_id),
                "to_entity_id": int(company),
                "to_entity_type": "companies",
            }
            for i in crm_ids
            for company in bound[i]
            if company
        ]
        for n in range(0, len(links), CHUNK):
            chunk = links[n : n + CHUNK]
            again_when_lost(lambda chunk=chunk: self.client.request("POST", "contacts/link", body=chunk))
