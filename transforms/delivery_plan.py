"""What a push has to do for each record, from the records here and the remote links (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vocabulary.crm_records import RemoteLink


@dataclass
class DeliveryPlan:
    lookup: list[int] = field(default_factory=list)  # sent before, answer never recorded: find it first
    create: list[int] = field(default_factory=list)
    reconcile: list[int] = field(default_factory=list)  # changed here, or a delivery that did not complete
    unchanged: list[int] = field(default_factory=list)
    deleted_here: list[int] = field(default_factory=list)  # soft-deleted here, still in the CRM: reported only


def plan_delivery(
    entity: str, wanted: dict[int, str], deleted: set[int], links: dict[tuple[str, int], RemoteLink]
) -> DeliveryPlan:
    """``wanted``: crm id → hash of what should be there, for every live record; ``deleted``: soft-deleted ids."""
    plan = DeliveryPlan()
    for crm_id, wanted_hash in sorted(wanted.items()):
        link = links.get((entity, crm_id))
        if link is None:
            plan.create.append(crm_id)
        elif link.remote_id is None:
            plan.lookup.append(crm_id)
        elif link.sent_hash != wanted_hash:
            plan.reconcile.append(crm_id)
        else:
            plan.unchanged.append(crm_id)
    plan.deleted_here = sorted(
        i for i in deleted if (link := links.get((entity, i))) is not None and link.remote_id is not None
    )
    return plan
