"""A sync that matches only what changed (transforms.matching.index): which records it reads again.

When the target holds a valid matching index and the config's one source is 1C over OData whose
versions are stored, a sync fetches the new and changed elements and, from the stored elements,
rebuilds only the records they concern:

* the stored records sharing a blocking key with a new or changed record (its possible partners),
* every other record of the clusters of those, of the changed records and of the gone ones,
* the companies the contacts among them refer to, with their clusters.

Everything downstream — normalise, validate, match, golden, load — runs on that scope alone; the
load (``Partial``) leaves every other record, CRM row and link as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from connectors.crm_db.match_index import StoredIndex, stored_index
from connectors.crm_db.run_log import last_load
from pipelines.config import MigrationConfig
from pipelines.inputs_digest import settings_digest
from transforms.matching.companies import alike_names
from transforms.matching.features import company_features, contact_features
from transforms.matching.index import retrieval_keys
from transforms.normalise import normalise_companies, normalise_contacts
from transforms.onec_catalogs import onec_data
from transforms.onec_records import onec_records
from vocabulary.fields import REF_KEY, SOURCE, SOURCE_KEY
from vocabulary.onec import CONTACT_CATALOGS, COUNTERPARTIES, UT_CONTACTS
from vocabulary.pairs import Record

RecordKey = tuple[str, str, str]  # (entity, source, source_key)


@dataclass(frozen=True)
class SourceDelta:
    """What a sync of one source matches again."""

    changed: frozenset[RecordKey]  # new and changed records
    scope: frozenset[RecordKey]  # every record matched again, and every record gone


def sync_index(config: MigrationConfig, url: str | None) -> StoredIndex | None:
    """The stored index when this run can match only what changed; None: a full run (also when the
    config, the code or the reviewers' decisions changed since the index was built)."""
    if url is None or len(config.sources) != 1 or config.sources[0].kind != "onec_odata":
        return None
    previous = last_load(url)
    return stored_index(url, previous["id"] if previous else None, settings_digest(config, url))


def _entity(catalog: str) -> str | None:
    return "company" if catalog == COUNTERPARTIES else "contact" if catalog in CONTACT_CATALOGS else None


def _records(source: str, elements: Mapping[str, list[dict]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = onec_records(source, onec_data(elements))
    return records.companies, records.contacts


def _keys(frame: pd.DataFrame) -> set[Record]:
    return set(zip(frame[SOURCE], frame[SOURCE_KEY].astype(str)))


def _partners(
    index: StoredIndex, source: str, companies: pd.DataFrame, contacts: pd.DataFrame, region: str
) -> tuple[set[Record], set[Record]]:
    """Stored records sharing a blocking key with the new and changed ones."""
    company_frame = normalise_companies(companies, {source: region})
    keys = retrieval_keys("company", company_features(company_frame), range(len(company_frame)))
    words = {"word": keys.pop("word", set())}
    found_companies = index.find("company", keys)
    by_word = index.values("company", "name", index.find("company", words) - found_companies)
    found_companies |= set(alike_names(by_word, [k for k in company_frame["name_key"] if k]))
    person_frame = normalise_contacts(contacts, company_frame, {source: region})
    employers = index.clusters("company", {(source, str(k)) for k in person_frame[REF_KEY] if k})
    companies_of = [employers.get((source, str(k))) if k else None for k in person_frame[REF_KEY]]
    keys = retrieval_keys("contact", contact_features(person_frame, companies_of), range(len(person_frame)))
    keys["company"] = {str(c) for c in companies_of if c is not None}
    return found_companies, index.find("contact", keys)


def _with_clusters(index: StoredIndex, entity: str, records: set[Record]) -> tuple[set[Record], set[int]]:
    """(``records`` and every stored record of their clusters, those clusters' CRM ids)."""
    crm_ids = set(index.clusters(entity, records).values())
    return records | set(index.members(entity, crm_ids)), crm_ids


def sync_scope(
    index: StoredIndex,
    source: str,
    region: str,
    fetched: Mapping[str, list[dict]],
    gone: Mapping[str, set[str]],
    read_stored: Callable[[dict[str, set[str]]], dict[str, list[dict]]],
) -> tuple[dict[str, list[dict]], SourceDelta]:
    """(the elements to read records from, the delta) for a sync of ``source``.

    ``fetched``: every scanned catalog → its new and changed elements; ``gone``: catalog → Ref_Keys no
    longer in 1C; ``read_stored(catalog → keys)`` the stored elements of unchanged records.
    """
    companies, contacts = _records(source, fetched)
    changed = {("company", *r) for r in _keys(companies)} | {("contact", *r) for r in _keys(contacts)}
    sent = {(_entity(c), source, str(e.get("Ref_Key"))) for c, rows in fetched.items() for e in rows}
    removed = {(_entity(c), source, k) for c, keys in gone.items() for k in keys} | (sent - changed)
    found_companies, found_contacts = _partners(index, source, companies, contacts, region)
    old = {e: {(s, k) for ent, s, k in changed | removed if ent == e} for e in ("company", "contact")}
    firms, employers = _with_clusters(index, "company", found_companies | old["company"])
    # the contacts of those companies (their company may change, or be gone), with their clusters
    people, _ = _with_clusters(
        index, "contact", found_contacts | old["contact"] | index.find("contact", {"company": set(map(str, employers))})
    )
    # the companies of the contacts matched again, so that each finds its company in the scope
    person_keys = {k for _, k in people} - {k for e, _, k in changed | removed if e == "contact"}
    stored_people = read_stored({c: person_keys for c in fetched if _entity(c) == "contact"})
    _, again = _records(source, stored_people)
    referred = {(source, str(k)) for frame in (again, contacts) for k in frame[REF_KEY] if k} - firms
    firms |= _with_clusters(index, "company", referred)[0]
    gone_keys = {(e, k) for e, _, k in removed}
    firm_keys = {k for _, k in firms if ("company", k) not in gone_keys and ("company", source, k) not in changed}
    elements = {c: list(rows) for c, rows in fetched.items()}
    for catalog, rows in read_stored({COUNTERPARTIES: firm_keys}).items():
        elements.setdefault(catalog, []).extend(rows)
    for catalog, rows in stored_people.items():
        elements.setdefault(catalog, []).extend(e for e in rows if ("contact", str(e.get("Ref_Key"))) not in gone_keys)
    scope = {("company", s, k) for s, k in firms} | {("contact", s, k) for s, k in people} | changed | removed
    return elements, SourceDelta(frozenset(changed), frozenset(scope))


def can_sync_incrementally(catalogs: Mapping[str, object]) -> bool:
    """UT's contact persons point at a partner, not a counterparty: their scope is the whole base."""
    return UT_CONTACTS not in catalogs
