"""Golden records as delivery reads them from the target database: what `push` and `export` send.

Plain frozen records, so the connector that reads them and the pure functions that turn them
into a SaaS CRM's payloads share one shape without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phone:
    e164: str  # +74951234567
    extension: str | None = None


@dataclass(frozen=True)
class CrmCompany:
    id: int
    name: str
    legal_name: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    type: str | None = None  # legal | entrepreneur | person
    address: str | None = None
    city: str | None = None
    website: str | None = None
    manager: str | None = None
    note: str | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    deleted: bool = False  # soft-deleted (or merged into another record) in the target database


@dataclass(frozen=True)
class CrmContact:
    id: int
    full_name: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    position: str | None = None
    note: str | None = None
    company_ids: tuple[int, ...] = ()  # the main company first, then every other company the person works for
    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    deleted: bool = False


@dataclass(frozen=True)
class CrmRecords:
    """Every company and contact of the target database (soft-deleted ones flagged, not dropped)."""

    companies: tuple[CrmCompany, ...] = ()
    contacts: tuple[CrmContact, ...] = ()

    def live_companies(self) -> tuple[CrmCompany, ...]:
        return tuple(c for c in self.companies if not c.deleted)

    def live_contacts(self) -> tuple[CrmContact, ...]:
        return tuple(c for c in self.contacts if not c.deleted)


@dataclass(frozen=True)
class RemoteLink:
    """A CRM record here and the remote record it became in a SaaS CRM (a row of ``remote_links``).

    ``remote_id`` None: a create was sent and its answer not recorded (look it up before creating again).
    ``sent_hash`` None: the remote record exists but its delivery did not complete (reconcile it).
    ``item_ids``: remote ids of what this tool sent, e.g. ``{"PHONE": {"+74951234567": "17"}, "requisite": "5"}``.
    """

    entity: str  # company | contact
    crm_id: int
    remote_id: str | None = None
    item_ids: dict | None = None
    sent_hash: str | None = None
