"""Match and survive (group ``match``): clusters with reasons, then golden records."""

import dagster as dg
import pandas as pd

from connectors.crm_db.decisions import read_decisions
from pipelines.metadata import frame_metadata, sample
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import GoldenRecords, MatchedRecords
from transforms.golden import golden_companies, golden_contacts
from transforms.matching import CLUSTER, cluster_of, match_companies, match_contacts
from validators.validate import Validated


@dg.asset(
    group_name="match",
    description="Source records grouped per real company and person, with reasons; "
    "uncertain pairs go to the review queue.",
)
def matched(
    context: dg.AssetExecutionContext,
    migration: MigrationConfigResource,
    target: CrmTargetResource,
    validated: Validated,
) -> dg.Output[MatchedRecords]:
    config = migration.load()
    decisions = read_decisions(target.resolve(config))
    limits = config.matching.thresholds
    companies = match_companies(validated.companies, limits, decisions)
    contacts = match_contacts(validated.contacts, cluster_of(companies.frame), limits, decisions)
    links = pd.concat([companies.links, contacts.links], ignore_index=True)
    review = pd.concat([companies.review, contacts.review], ignore_index=True)
    for line in companies.ignored_decisions + contacts.ignored_decisions:
        context.log.warning(line)
    return dg.Output(
        MatchedRecords(companies.frame, contacts.frame, links, review),
        metadata={
            **frame_metadata(
                links,
                ["entity", "left_source", "left_key", "right_source", "right_key", "reasons"],
                previews=config.privacy.previews,
            ),
            "dagster/row_count": len(companies.frame) + len(contacts.frame),
            "merges": len(links),
            "company_records": len(companies.frame),
            "companies": int(companies.frame[CLUSTER].nunique()),
            "contact_records": len(contacts.frame),
            "contacts": int(contacts.frame[CLUSTER].nunique()),
            "review_pairs": len(review),
            "decisions_applied": len(decisions),
            "review_preview": sample(review, rows=20, previews=config.privacy.previews),
        },
    )


@dg.asset(group_name="match", description="One golden record per real company and person (field survivorship).")
def golden(migration: MigrationConfigResource, matched: MatchedRecords) -> dg.Output[GoldenRecords]:
    config = migration.load()
    priority = {s.name: i for i, s in enumerate(config.sources)}
    rules = config.matching.survivorship
    companies = golden_companies(matched.companies, priority, rules)
    contacts = golden_contacts(matched.contacts, cluster_of(matched.companies), priority, rules)
    return dg.Output(
        GoldenRecords(companies, contacts, matched.review, matched.links),
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
