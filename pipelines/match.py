"""Match and survive (group ``match``): clusters with reasons, then golden records."""

import dagster as dg
import pandas as pd

from connectors.crm_db.decisions import read_decisions
from connectors.crm_db.match_index import IndexUpdate, StoredIndex, link_fingerprints
from connectors.spill import parked
from pipelines.config import MigrationConfig
from pipelines.incremental import SourceDelta, in_scope, rerun_scope, sync_index, valid_index
from pipelines.inputs_digest import settings_digest
from pipelines.metadata import frame_metadata, sample
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import GoldenRecords, MatchedRecords, Normalised
from transforms.golden import golden_companies, golden_contacts
from transforms.matching import CLUSTER, cluster_of, match_companies, match_contacts
from transforms.matching.index import Stored
from validators.validate import Validated
from vocabulary import progress
from vocabulary.fields import COMPANY_RECORD, SOURCE, SOURCE_KEY
from vocabulary.messages import text

# A re-run matches everything again when more than this share of its records changed (the stored
# model and term frequencies describe a base that is no longer there) ...
RERUN_MAX_CHANGED = 0.3
# ... or when the changes reach, with their partners and clusters, more than this share of the records:
# matching a scope costs about its share of a full match, plus the look-ups that found it.
RERUN_MAX_SCOPE = 0.7


def build_match_assets() -> list[dg.AssetsDefinition]:
    """``matched`` and ``golden``, described in the current language."""
    return [
        dg.asset(group_name="match", description=text(f"dagster.asset.{fn.__name__}"))(fn) for fn in (matched, golden)
    ]


def matched(
    context: dg.AssetExecutionContext,
    migration: MigrationConfigResource,
    target: CrmTargetResource,
    validated: Validated,
    normalised: Normalised,
) -> dg.Output[MatchedRecords]:
    config = migration.load()
    url = target.resolve(config)
    with progress.stage(text("progress.match")) as step:
        result, decisions = _match(context, config, url, target.full, validated, normalised)
        companies, contacts = int(result.companies[CLUSTER].nunique()), int(result.contacts[CLUSTER].nunique())
        step.result = text("progress.companies_contacts", companies=companies, contacts=contacts)
    return dg.Output(
        result,
        metadata={
            **frame_metadata(
                result.links,
                ["entity", "left_source", "left_key", "right_source", "right_key", "reasons"],
                previews=config.privacy.previews,
            ),
            "dagster/row_count": len(result.companies) + len(result.contacts),
            "merges": len(result.links),
            "company_records": len(result.companies),
            "companies": companies,
            "contact_records": len(result.contacts),
            "contacts": contacts,
            "review_pairs": len(result.review),
            "decisions_applied": decisions,
            "review_preview": sample(result.review, rows=20, previews=config.privacy.previews),
        },
    )


def _match(
    context: dg.AssetExecutionContext,
    config: MigrationConfig,
    url: str,
    full: bool,
    validated: Validated,
    normalised: Normalised,
) -> tuple[MatchedRecords, int]:
    """The records matched, and how many of the review decisions stored in the target were read."""
    decisions = read_decisions(url)
    index, delta, validated = _incremental(config, url, full, validated, normalised)
    stored = {
        entity: _stored(index, entity, frame, delta) if index and delta else None
        for entity, frame in (("company", validated.companies), ("contact", validated.contacts))
    }
    companies = match_companies(
        validated.companies, config.matching.thresholds, decisions, stored["company"], validated.contacts
    )
    companies.index["rows"] = parked(companies.index["rows"])  # read by the load only: not through the contacts
    company_cluster = cluster_of(companies.frame)
    names = dict(zip(zip(companies.frame[SOURCE], companies.frame[SOURCE_KEY]), companies.frame["name_key"]))
    contacts = match_contacts(
        validated.contacts, company_cluster, config.matching.contacts.thresholds, decisions, stored["contact"], names
    )
    contacts.index["rows"] = parked(contacts.index["rows"])
    links = pd.concat([companies.links, contacts.links], ignore_index=True)
    review = pd.concat([companies.review, contacts.review], ignore_index=True)
    for line in companies.ignored_decisions + contacts.ignored_decisions + companies.splits + contacts.splits:
        context.log.warning(line)
    update = IndexUpdate(
        {"company": companies.index["rows"], "contact": contacts.index["rows"]},
        {
            (src, key): company_cluster[ref]
            for src, key, ref in zip(contacts.frame[SOURCE], contacts.frame[SOURCE_KEY], contacts.frame[COMPANY_RECORD])
            if isinstance(ref, tuple) and ref in company_cluster
        },
        {e: m.index["model"] for e, m in (("company", companies), ("contact", contacts)) if "model" in m.index},
        _scope(delta) if index and delta else None,
        settings_digest(config, url),
    )
    matched = MatchedRecords(
        companies.frame, contacts.frame, links, review, normalised.facts, update, delta if index else None
    )
    return matched, len(decisions)


def _incremental(
    config: MigrationConfig, url: str, full: bool, validated: Validated, normalised: Normalised
) -> tuple[StoredIndex | None, SourceDelta | None, Validated]:
    """(the stored index, the delta, the records to match) of a run that can match only what changed.

    A sync of one 1C OData source brings its delta from the extract (only the scope was read); any
    other run reads its sources whole and, when the target holds a valid index, matches only the
    records changed since the last load and those around them — unless ``--full`` asks for everything
    or so much changed, or the changes reach so far, that matching everything is as cheap and as right
    (``RERUN_MAX_CHANGED``, ``RERUN_MAX_SCOPE``).
    """
    if normalised.facts.delta is not None:
        return sync_index(config, url), normalised.facts.delta, validated
    index = None if full else valid_index(config, url)
    if index is None:
        return None, None, validated
    held = {
        (e, s, str(k))
        for e, s, k in zip(
            validated.quarantine["entity"], validated.quarantine["source"], validated.quarantine["source_key"]
        )
    }
    held |= {
        (e, s, str(k))
        for e, s, k in zip(normalised.rejects["entity"], normalised.rejects["source"], normalised.rejects["source_key"])
    }
    stored = link_fingerprints(url, [s.name for s in config.sources])
    delta = rerun_scope(index, stored, validated.companies, validated.contacts, held, normalised.facts.unread_origins())
    records = len(validated.companies) + len(validated.contacts)
    if len(delta.changed) > RERUN_MAX_CHANGED * records or len(delta.scope) > RERUN_MAX_SCOPE * records:
        return None, None, validated
    narrowed = Validated(
        in_scope(validated.companies, "company", delta),
        in_scope(validated.contacts, "contact", delta),
        validated.quarantine,
    )
    return index, delta, narrowed


def _stored(index: StoredIndex, entity: str, frame: pd.DataFrame, delta: SourceDelta) -> Stored:
    """A sync's view of the index for one entity: its model, value counts, and the stored clusters."""
    records = list(zip(frame[SOURCE], frame[SOURCE_KEY].astype(str)))
    changed = {(s, k) for e, s, k in delta.reopened if e == entity}
    return Stored(
        index.models[entity], lambda values: index.counts(entity, values), index.clusters(entity, records), changed
    )


def _scope(delta: SourceDelta) -> dict[str, set]:
    return {e: {(s, k) for ent, s, k in delta.scope if ent == e} for e in ("company", "contact")}


def golden(migration: MigrationConfigResource, matched: MatchedRecords) -> dg.Output[GoldenRecords]:
    config = migration.load()
    priority = {s.name: i for i, s in enumerate(config.sources)}
    rules = config.matching.survivorship
    with progress.stage(text("progress.golden")) as step:
        companies = golden_companies(matched.companies, priority, rules)
        contacts = golden_contacts(matched.contacts, cluster_of(matched.companies), priority, rules)
        step.result = text("progress.companies_contacts", companies=len(companies), contacts=len(contacts))
    return dg.Output(
        GoldenRecords(companies, contacts, matched.review, matched.facts, matched.links, matched.index, matched.delta),
        metadata={
            **frame_metadata(
                companies, ["name", "inn", "kpp", "type", "city", "phones", "emails"], previews=config.privacy.previews
            ),
            "dagster/row_count": len(companies) + len(contacts),
            "companies": len(companies),
            "contacts": len(contacts),
            "branches": int(companies["parent_cluster"].notna().sum()),
        },
    )
