"""What a push did, per entity: the summary `push` prints (and `--json` returns)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.crm_db.remote_links import RemoteLinkStore
from vocabulary.crm_records import RemoteLink
from vocabulary.messages import text


@dataclass
class EntityReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    found: int = 0  # sent by an interrupted push and found in the CRM by its origin id
    failed: int = 0
    deleted_here: list[int] = field(default_factory=list)
    deleted_there: list[int] = field(default_factory=list)


@dataclass
class PushReport:
    crm: str
    portal: str
    dry_run: bool
    company: EntityReport = field(default_factory=EntityReport)
    contact: EntityReport = field(default_factory=EntityReport)
    failures: list[dict] = field(default_factory=list)  # {entity, crm_id, error}
    requests: int = 0

    def entity(self, name: str) -> EntityReport:
        return self.company if name == "company" else self.contact

    def refuse(self, entity: str, crm_id: int, error: str) -> None:
        self.entity(entity).failed += 1
        self.failures.append({"entity": entity, "crm_id": crm_id, "error": error})

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [text("push.header", crm=self.crm, portal=self.portal, dry=text("push.dry") if self.dry_run else "")]
        for name in ("company", "contact"):
            e, label = self.entity(name), text(f"push.label.{name}")
            out.append(
                text(
                    "push.would" if self.dry_run else "push.counts",
                    label=label,
                    created=e.created,
                    updated=e.updated,
                    unchanged=e.unchanged,
                    found=e.found,
                    failed=e.failed,
                )
            )
            if e.deleted_here:
                out.append(text("push.deleted_here", label=label, ids=_ids(e.deleted_here)))
            if e.deleted_there:
                out.append(text("push.deleted_there", label=label, ids=_ids(e.deleted_there)))
        if self.failures:
            out.append(text("push.failed_header"))
            out += [text("push.failed", **f) for f in self.failures[:20]]
        out.append(text("push.requests", n=self.requests))
        return out


def _ids(ids: list[int], shown: int = 20) -> str:
    head = ", ".join(map(str, ids[:shown]))
    return head + (f" … (+{len(ids) - shown})" if len(ids) > shown else "")


class Delivery:
    """What both CRMs' deliveries share: the client, the links (kept in step with the table) and the report.

    ``store`` is None for a dry run: nothing is sent, nothing is recorded.
    """

    def __init__(
        self,
        client: Any,
        store: RemoteLinkStore | None,
        links: dict[tuple[str, int], RemoteLink],
        originator: str,
        report: PushReport,
    ) -> None:
        self.client, self.store, self.links, self.originator, self.report = client, store, links, originator, report

    def _save(self, links: list[RemoteLink]) -> None:
        """Commit ``links`` and remember them for the rest of the push."""
        self.store.save(links)
        self.links.update({(link.entity, link.crm_id): link for link in links})
