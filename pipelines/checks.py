"""Asset checks that explain: counts and a sample of the offending rows."""

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from sqlalchemy import select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect
from pipelines.stages import GoldenRecords, Normalised, RunSummary
from pipelines.metadata import markdown_table
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from validators.schemas import COMPANY_SCHEMA, CONTACT_SCHEMA
from validators.validate import Validated

PHONE_VALIDITY_MIN = 0.8  # below this share of valid numbers, look at the source before loading
SAMPLE = 10


@dg.asset_check(asset="validated", description="Every validated record conforms to its pandera schema.")
def schema_conformance(validated: Validated) -> dg.AssetCheckResult:
    failures = []
    for name, frame, schema in (("companies", validated.companies, COMPANY_SCHEMA),
                                ("contacts", validated.contacts, CONTACT_SCHEMA)):
        if frame.empty:
            continue
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            failures.append(exc.failure_cases.assign(entity=name))
    cases = pd.concat(failures) if failures else pd.DataFrame()
    return dg.AssetCheckResult(passed=cases.empty, metadata={
        "failure_cases": len(cases),
        "sample": dg.MetadataValue.md(markdown_table(cases, ["entity", "column", "check", "failure_case"], SAMPLE))})


@dg.asset_check(asset="normalised", description=f"At least {PHONE_VALIDITY_MIN:.0%} of phone numbers are valid.")
def phone_validity(normalised: Normalised) -> dg.AssetCheckResult:
    rows = [(src, origin, p.raw, p.issue) for frame in (normalised.companies, normalised.contacts)
            for src, origin, items in zip(frame["_source"], frame["_origin"], frame["phones"]) for p in items]
    invalid = pd.DataFrame([r for r in rows if r[3]], columns=["source", "origin", "raw", "issue"])
    rate = 1.0 if not rows else 1 - len(invalid) / len(rows)
    return dg.AssetCheckResult(
        passed=rate >= PHONE_VALIDITY_MIN, severity=dg.AssetCheckSeverity.WARN,
        metadata={"phones": len(rows), "invalid": len(invalid), "valid_rate": round(rate, 4),
                  "sample": dg.MetadataValue.md(markdown_table(invalid, rows=SAMPLE))})


@dg.asset_check(asset="golden", description="No two golden companies share INN+KPP; no two contacts share an email.")
def duplicate_identifiers(golden: GoldenRecords) -> dg.AssetCheckResult:
    companies = golden.companies[golden.companies["inn"].notna()]
    dup_companies = companies[companies.duplicated(["inn", "kpp"], keep=False)]
    emails = golden.contacts[["full_name", "emails"]].explode("emails").dropna(subset=["emails"])
    dup_emails = emails[emails.duplicated("emails", keep=False)]
    return dg.AssetCheckResult(passed=dup_companies.empty and dup_emails.empty, metadata={
        "companies_sharing_inn_kpp": len(dup_companies), "contacts_sharing_email": len(dup_emails),
        "sample": dg.MetadataValue.md(markdown_table(dup_companies, ["name", "inn", "kpp", "city"], SAMPLE)
                                      + "\n\n" + markdown_table(dup_emails, rows=SAMPLE))})


@dg.asset_check(asset="loaded", additional_ins={"normalised": dg.AssetIn("normalised")},
                description="Every source record read is linked in source_links or quarantined in this run.")
def reconciliation(migration: MigrationConfigResource, target: CrmTargetResource, loaded: RunSummary,
                   normalised: Normalised) -> dg.AssetCheckResult:
    expected = normalised.expected()
    if loaded.dry_run:
        return dg.AssetCheckResult(passed=True, metadata={"expected": len(expected), "dry_run": True})
    engine = connect(target.resolve(migration.load()))
    try:
        with engine.connect() as conn:
            linked = {(r.entity, r.source, r.source_key) for r in conn.execute(
                select(s.source_links.c.entity, s.source_links.c.source, s.source_links.c.source_key)
                .where(s.source_links.c.deleted_at.is_(None)))}
            held = {(r.entity, r.source, r.source_key) for r in conn.execute(
                select(s.quarantine.c.entity, s.quarantine.c.source, s.quarantine.c.source_key)
                .where(s.quarantine.c.run_id == loaded.run_id))}
    finally:
        engine.dispose()
    missing = sorted(expected - linked - held)
    return dg.AssetCheckResult(passed=not missing, metadata={
        "expected": len(expected), "linked": len(expected & linked), "quarantined": len(expected & held),
        "missing": len(missing),
        "sample": dg.MetadataValue.md(markdown_table(pd.DataFrame(missing[:SAMPLE],
                                                                  columns=["entity", "source", "key"])))})


ALL_CHECKS = [schema_conformance, phone_validity, duplicate_identifiers, reconciliation]
