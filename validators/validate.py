"""Validation stage: schema rules per record, then contact → company references."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from validators.quarantine import split_valid
from validators.references import attach_companies
from validators.schemas import COMPANY_SCHEMA, CONTACT_SCHEMA


@dataclass
class Validated:
    companies: pd.DataFrame
    contacts: pd.DataFrame  # with ``company_record`` set
    quarantine: pd.DataFrame  # schema failures and unresolved references


def validate_records(companies: pd.DataFrame, contacts: pd.DataFrame) -> Validated:
    valid_companies, bad_companies = split_valid(companies, COMPANY_SCHEMA, "company")
    valid_contacts, bad_contacts = split_valid(contacts, CONTACT_SCHEMA, "contact")
    attached, bad_refs, created = attach_companies(valid_contacts, valid_companies, companies)
    parts = [f for f in (bad_companies, bad_contacts, bad_refs) if not f.empty]
    quarantine = pd.concat(parts, ignore_index=True) if parts else bad_companies
    if not created.empty:  # companies only a contact's reference names (each with a warning)
        valid_companies = pd.concat([valid_companies, created[list(valid_companies.columns)]], ignore_index=True)
    return Validated(valid_companies.reset_index(drop=True), attached.reset_index(drop=True), quarantine)
