"""Match and survive (group ``match``): clusters with reasons, then golden records."""

from dataclasses import dataclass

import dagster as dg
import pandas as pd

from pipelines.metadata import frame_metadata
from pipelines.resources import MigrationConfigResource
from transforms.golden import golden_companies, golden_contacts
from transforms.matching import CLUSTER, cluster_of, match_companies, match_contacts
from validators.validate import Validated


@dataclass
class Matched:
    companies: pd.DataFrame  # records with ``cluster``
    contacts: pd.DataFrame
    links: pd.DataFrame  # why records were merged
    review: pd.DataFrame  # candidate pairs awaiting a decision


@dataclass
class Golden:
    companies: pd.DataFrame
    contacts: pd.DataFrame
    review_pairs: int


@dg.asset(group_name="match", description="Source records grouped per real company and person, with reasons.")
def matched(migration: MigrationConfigResource, validated: Validated) -> dg.Output[Matched]:
    companies = match_companies(validated.companies, migration.load().matching.name_similarity)
    contacts = match_contacts(validated.contacts, cluster_of(companies.frame))
    links = pd.concat([companies.links, contacts.links], ignore_index=True)
    review = links.iloc[0:0]
    return dg.Output(Matched(companies.frame, contacts.frame, links, review), metadata={
        **frame_metadata(links, ["entity", "left_source", "left_key", "right_source", "right_key", "reasons"]),
        "dagster/row_count": len(companies.frame) + len(contacts.frame), "merges": len(links),
        "company_records": len(companies.frame), "companies": int(companies.frame[CLUSTER].nunique()),
        "contact_records": len(contacts.frame), "contacts": int(contacts.frame[CLUSTER].nunique()),
        "review_pairs": len(review)})


@dg.asset(group_name="match", description="One golden record per real company and person (field survivorship).")
def golden(migration: MigrationConfigResource, matched: Matched) -> dg.Output[Golden]:
    priority = {s.name: i for i, s in enumerate(migration.load().sources)}
    companies = golden_companies(matched.companies, priority)
    contacts = golden_contacts(matched.contacts, cluster_of(matched.companies), priority)
    return dg.Output(Golden(companies, contacts, len(matched.review)), metadata={
        **frame_metadata(companies, ["name", "inn", "kpp", "type", "city", "phones", "emails"]),
        "dagster/row_count": len(companies) + len(contacts),
        "companies": len(companies), "contacts": len(contacts),
        "branches": int(companies["parent_cluster"].notna().sum())})
