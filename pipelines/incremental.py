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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from connectors.crm_db.match_index import StoredIndex, stored_index
from connectors.crm_db.run_log import last_load
from pipelines.config import MigrationConfig
from pipelines.inputs_digest import settings_digest
from transforms.matching.companies import alike_names
from transforms.matching.features import company_features, contact_features
from transforms.matching.index import DIGEST_RULE, feature_digests, retrieval_keys
from transforms.normalise import normalise_companies, normalise_contacts
from transforms.onec_catalogs import onec_data
from transforms.onec_records import onec_records
from vocabulary.digests import payload_hash
from vocabulary.fields import COMPANY_RECORD, ORIGIN, PAYLOAD, REF_KEY, SOURCE, SOURCE_KEY
from vocabulary.onec import CONTACT_CATALOGS, COUNTERPARTIES, UT_CONTACTS
from vocabulary.pairs import Record

RecordKey = tuple[str, str, str]  # (entity, source, source_key)
ORIGIN_LENGTH = 300  # source_links.origin keeps this much


@dataclass(frozen=True)
class SourceDelta:
    """What a sync or a re-run matches again."""

    changed: frozenset[RecordKey]  # new and changed records
    scope: frozenset[RecordKey]  # every record matched again, and every record gone
    # the records matched afresh: new, gone, or changed in what matching reads (their pairs are all new);
    # the others in scope keep their cluster and their pairs with records outside the scope
    reopened: frozenset[RecordKey]
    # records not matched again whose place in their source moved (a row deleted above): their new origin
    moved: Mapping[RecordKey, str] = field(default_factory=dict)
    untouched: Mapping[str, int] = field(default_factory=dict)  # entity → CRM records of records not matched again
    spared: frozenset[str] = frozenset()  # sources whose unread part (a hidden sheet) held a record: none retired


def sync_index(config: MigrationConfig, url: str | None) -> StoredIndex | None:
    """The stored index when a sync of the config's one 1C OData source can fetch and match only what
    changed; None: a full run (also when the config, the code or the reviewers' decisions changed since
    the index was built)."""
    if len(config.sources) != 1 or config.sources[0].kind != "onec_odata":
        return None
    return valid_index(config, url)


def valid_index(config: MigrationConfig, url: str | None) -> StoredIndex | None:
    """The stored index, when the last load wrote it under this config, code and decisions."""
    if url is None:
        return None
    previous = last_load(url)
    return stored_index(url, previous["id"] if previous else None, settings_digest(config, url))


def _entity(catalog: str) -> str | None:
    return "company" if catalog == COUNTERPARTIES else "contact" if catalog in CONTACT_CATALOGS else None


def _records(source: str, elements: Mapping[str, list[dict]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = onec_records(source, onec_data(elements))
    return records.companies, records.contacts


def _keys(frame: pd.DataFrame) -> set[Record]:
    return set(_records_of(frame))


def _partners(
    index: StoredIndex, company_frame: pd.DataFrame, person_frame: pd.DataFrame, employers: list[Record | None]
) -> tuple[set[Record], set[Record]]:
    """Stored records sharing a blocking key with the normalised new and changed ones; ``employers``: each
    contact's company record (or None)."""
    found_companies: set[Record] = set()
    if len(company_frame):
        keys = retrieval_keys("company", company_features(company_frame), range(len(company_frame)))
        words = {"word": keys.pop("word", set())}
        found_companies = index.find("company", keys)
        by_word = index.values("company", "name", index.find("company", words) - found_companies)
        found_companies |= set(alike_names(by_word, [k for k in company_frame["name_key"] if k]))
    if not len(person_frame):
        return found_companies, set()
    crm_ids = index.clusters("company", {r for r in employers if r is not None})
    companies_of = [crm_ids.get(r) if r is not None else None for r in employers]
    keys = retrieval_keys("contact", contact_features(person_frame, companies_of), range(len(person_frame)))
    keys["company"] = {str(c) for c in companies_of if c is not None}
    return found_companies, index.find("contact", keys)


def _with_clusters(index: StoredIndex, entity: str, records: set[Record]) -> tuple[set[Record], set[int]]:
    """(``records`` and every stored record of their clusters, those clusters' CRM ids)."""
    crm_ids = set(index.clusters(entity, records).values())
    return records | set(index.members(entity, crm_ids)), crm_ids


def _around(
    index: StoredIndex, companies: set[Record], contacts: set[Record], touched: set[RecordKey]
) -> tuple[set[Record], set[Record]]:
    """(companies, contacts) matched again: the partners found and the ``touched`` records (new, changed,
    gone) with their whole clusters, and the contacts of those companies (their company may change, or
    be gone) with theirs."""
    old = {e: {(s, k) for ent, s, k in touched if ent == e} for e in ("company", "contact")}
    firms, employers = _with_clusters(index, "company", companies | old["company"])
    of_firms = index.find("contact", {"company": set(map(str, employers))})
    people, _ = _with_clusters(index, "contact", contacts | old["contact"] | of_firms)
    return firms, people


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
    company_frame = normalise_companies(companies, {source: region})
    person_frame = normalise_contacts(contacts, company_frame, {source: region})
    employers = [(source, str(k)) if k else None for k in person_frame[REF_KEY]]
    found_companies, found_contacts = _partners(index, company_frame, person_frame, employers)
    firms, people = _around(index, found_companies, found_contacts, changed | removed)
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
    return elements, SourceDelta(frozenset(changed), frozenset(scope), frozenset(changed | removed))


def rerun_scope(
    index: StoredIndex,
    stored: Mapping[RecordKey, tuple[str | None, str, int]],
    companies: pd.DataFrame,
    contacts: pd.DataFrame,
    quarantined: set[RecordKey],
    unread: Mapping[str, tuple[str, ...]],
) -> SourceDelta:
    """The delta of a run over sources read whole, against what the last load saw (``stored``:
    ``match_index.link_fingerprints``): records new or changed since (their payload's hash differs),
    records gone from a completely read source, and everything around them.

    ``companies``/``contacts`` are the validated records (contacts with their company record);
    ``quarantined`` the records held back this run: not gone, and never matched; ``unread``: source →
    origin prefixes of what was not read (a skipped sheet), whose records are not gone either.
    """
    frames = {"company": companies, "contact": contacts}
    seen = {e: _fingerprints(e, f) for e, f in frames.items()}
    changed = {key for e in frames for key, (digest, _) in seen[e].items() if stored.get(key, (None,))[0] != digest}
    present = {key for e in frames for key in seen[e]} | quarantined
    missing = [(key, origin) for key, (_, origin, _) in stored.items() if key not in present]
    removed = {key for key, origin in missing if not origin.startswith(unread.get(key[1], ()))}
    spared = frozenset(key[1] for key, _ in missing if key not in removed)
    fresh = {e: [(e, *r) in changed for r in _records_of(f)] for e, f in frames.items()}
    edited = _as_stored(index, companies[fresh["company"]], contacts[fresh["contact"]])
    reopened = (changed - edited) | removed
    # partners only of what matching sees changed; an edit it does not read rebuilds the record's cluster only
    to_match = {e: [(e, *r) in reopened for r in _records_of(f)] for e, f in frames.items()}
    new_contacts = contacts[to_match["contact"]]
    found_companies, found_contacts = _partners(
        index, companies[to_match["company"]], new_contacts, _company_records(new_contacts)
    )
    firms, people = _around(index, found_companies, found_contacts, reopened)
    firms |= _with_clusters(index, "company", {(s, k) for e, s, k in edited if e == "company"})[0]
    people |= _with_clusters(index, "contact", {(s, k) for e, s, k in edited if e == "contact"})[0]
    # the companies of the contacts matched again, so that each finds its company in the scope
    again = contacts[[r in people or ("contact", *r) in changed for r in _records_of(contacts)]]
    referred = {r for r in _company_records(again) if r is not None} - firms
    firms |= _with_clusters(index, "company", referred)[0]
    scope = {("company", s, k) for s, k in firms} | {("contact", s, k) for s, k in people} | changed | removed
    kept = [key for e in frames for key in seen[e] if key not in scope and key in stored]
    moved = {key: seen[key[0]][key][1] for key in kept if stored[key][1] != seen[key[0]][key][1]}
    untouched = {e: len({stored[key][2] for key in kept if key[0] == e}) for e in frames}
    return SourceDelta(frozenset(changed), frozenset(scope), frozenset(reopened), moved, untouched, spared)


def _as_stored(index: StoredIndex, companies: pd.DataFrame, contacts: pd.DataFrame) -> set[RecordKey]:
    """The new and changed records whose matching features are as the index stored them: their edits are
    of fields matching does not read (a position, a comment, a name's case)."""
    out: set[RecordKey] = set()
    for entity, frame in (("company", companies), ("contact", contacts)):
        if not len(frame):  # (of no rows, maybe of no columns either)
            continue
        records = _records_of(frame)
        if entity == "company":
            digests = feature_digests(entity, company_features(frame), len(records))
        else:
            features = contact_features(frame, [None] * len(records))
            digests = feature_digests(entity, features, len(records), _company_records(frame))
        stored = index.values(entity, DIGEST_RULE, records)
        out |= {(entity, *r) for r, digest in zip(records, digests) if stored.get(r) == digest}
    return out


def _records_of(frame: pd.DataFrame) -> list[Record]:
    return list(zip(frame[SOURCE], frame[SOURCE_KEY].astype(str)))


def _fingerprints(entity: str, frame: pd.DataFrame) -> dict[RecordKey, tuple[str, str]]:
    """(entity, source, key) → (the hash of its payload, its origin as source_links keeps it), in frame order."""
    return {
        (entity, src, key): (payload_hash(payload), (origin or "")[:ORIGIN_LENGTH])
        for (src, key), payload, origin in zip(_records_of(frame), frame[PAYLOAD], frame[ORIGIN])
    }


def _company_records(contacts: pd.DataFrame) -> list[Record | None]:
    refs = contacts[COMPANY_RECORD] if COMPANY_RECORD in contacts else [None] * len(contacts)  # no contacts at all
    return [ref if isinstance(ref, tuple) else None for ref in refs]


def in_scope(frame: pd.DataFrame, entity: str, delta: SourceDelta) -> pd.DataFrame:
    """The rows of ``frame`` a run matching only ``delta`` matches again."""
    keep = np.fromiter(((entity, *r) in delta.scope for r in _records_of(frame)), dtype=bool, count=len(frame))
    return frame[keep].reset_index(drop=True)  # a mask, even of no rows: an empty list would pick no columns


def can_sync_incrementally(catalogs: Mapping[str, object]) -> bool:
    """UT's contact persons point at a partner, not a counterparty: their scope is the whole base."""
    return UT_CONTACTS not in catalogs
