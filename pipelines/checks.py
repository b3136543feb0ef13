"""Asset checks that explain: counts and a sample of the offending rows.

The check functions are plain; ``build_checks`` makes them Dagster checks with their descriptions
in the current language (``pipelines.definitions`` builds them in the config's).
"""

from collections.abc import Callable
from typing import Any

import dagster as dg
import pandas as pd
import pandera.pandas as pa
from sqlalchemy import ColumnElement, Table, select

from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect
from connectors.crm_db.match_index import live_links
from pipelines.metadata import sample
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import GoldenRecords, Normalised, RecordKey, RunSummary
from transforms.golden import MEMBERS
from validators.schemas import COMPANY_SCHEMA, CONTACT_SCHEMA
from validators.validate import Validated
from vocabulary.messages import text

PHONE_VALIDITY_MIN = 0.8  # below this share of valid numbers, look at the source before loading
SAMPLE = 10


def schema_conformance(validated: Validated) -> dg.AssetCheckResult:
    failures = []
    for name, frame, schema in (
        ("companies", validated.companies, COMPANY_SCHEMA),
        ("contacts", validated.contacts, CONTACT_SCHEMA),
    ):
        if frame.empty:
            continue
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            failures.append(exc.failure_cases.assign(entity=name))
    cases = pd.concat(failures) if failures else pd.DataFrame()
    return dg.AssetCheckResult(
        passed=cases.empty,
        metadata={
            "failure_cases": len(cases),
            "sample": sample(cases, ["entity", "column", "check", "failure_case"], SAMPLE),
        },
    )


def phone_validity(migration: MigrationConfigResource, normalised: Normalised) -> dg.AssetCheckResult:
    rows = [
        (src, origin, p.raw, p.issue and str(p.issue), p.e164)
        for frame in (normalised.companies, normalised.contacts)
        for src, origin, items in zip(frame["_source"], frame["_origin"], frame["phones"])
        for p in items
    ]
    invalid = pd.DataFrame([r[:4] for r in rows if r[4] is None], columns=["source", "origin", "raw", "issue"])
    unverified = sum(1 for r in rows if r[4] is not None and r[3])
    rate = 1.0 if not rows else 1 - len(invalid) / len(rows)
    return dg.AssetCheckResult(
        passed=rate >= PHONE_VALIDITY_MIN,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "phones": len(rows),
            "invalid": len(invalid),
            "unverified": unverified,
            "valid_rate": round(rate, 4),
            "sample": sample(invalid, rows=SAMPLE, previews=migration.load().privacy.previews),
        },
    )


def _reconciled(expected: set[RecordKey], found: dict[str, set[RecordKey]], previews: bool) -> dg.AssetCheckResult:
    """Passed when every expected record is in one of ``found``'s sets; counts per set and a sample of the missing."""
    missing = sorted(expected.difference(*found.values()))
    return dg.AssetCheckResult(
        passed=not missing,
        metadata={
            "expected": len(expected),
            **{name: len(expected & keys) for name, keys in found.items()},
            "missing": len(missing),
            "sample": sample(pd.DataFrame(missing[:SAMPLE], columns=["entity", "source", "key"]), previews=previews),
        },
    )


def reconciliation_before_load(
    migration: MigrationConfigResource, golden: GoldenRecords, quarantine: pd.DataFrame
) -> dg.AssetCheckResult:
    expected = golden.facts.expected(golden.delta)
    kept = {
        (entity, m.source, m.source_key)
        for entity, frame in (("company", golden.companies), ("contact", golden.contacts))
        for members in frame[MEMBERS]
        for m in members
    }
    held = set(zip(quarantine["entity"], quarantine["source"], quarantine["source_key"]))
    return _reconciled(expected, {"in_golden_records": kept, "quarantined": held}, migration.load().privacy.previews)


def duplicate_identifiers(migration: MigrationConfigResource, golden: GoldenRecords) -> dg.AssetCheckResult:
    companies = golden.companies[golden.companies["inn"].notna()]
    dup_companies = companies[companies.duplicated(["inn", "kpp"], keep=False)]
    return dg.AssetCheckResult(
        passed=dup_companies.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "companies_sharing_inn_kpp": len(dup_companies),
            "sample": sample(
                dup_companies, ["name", "inn", "kpp", "city"], SAMPLE, previews=migration.load().privacy.previews
            ),
        },
    )


def shared_emails(migration: MigrationConfigResource, golden: GoldenRecords) -> dg.AssetCheckResult:
    emails = golden.contacts[["full_name", "emails"]].explode("emails").dropna(subset=["emails"])
    dup_emails = emails[emails.duplicated("emails", keep=False)]
    return dg.AssetCheckResult(
        passed=dup_emails.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "contacts_sharing_email": len(dup_emails),
            "sample": sample(dup_emails, rows=SAMPLE, previews=migration.load().privacy.previews),
        },
    )


def reconciliation(
    migration: MigrationConfigResource, target: CrmTargetResource, loaded: RunSummary, golden: GoldenRecords
) -> dg.AssetCheckResult:
    expected = golden.facts.expected()
    if loaded.dry_run:
        return dg.AssetCheckResult(passed=True, metadata={"expected": len(expected), "dry_run": True})
    url = target.resolve(migration.load())
    if golden.facts.delta is not None:  # a sync that matched only what changed: the links of its records
        linked = {
            (entity, *record)
            for entity in ("company", "contact")
            for record in live_links(url, entity, {(src, key) for e, src, key in expected if e == entity})
        }
    else:
        linked = _keys(url, s.source_links, s.source_links.c.deleted_at.is_(None))
    held = _keys(url, s.quarantine, s.quarantine.c.run_id == loaded.run_id)
    return _reconciled(expected, {"linked": linked, "quarantined": held}, migration.load().privacy.previews)


def _keys(url: str, table: Table, where: ColumnElement[bool]) -> set[tuple[str, str, str]]:
    """(entity, source, source_key) of the rows of ``table`` that match ``where``."""
    engine = connect(url)
    try:
        with engine.connect() as conn:
            query = select(table.c.entity, table.c.source, table.c.source_key).where(where)
            return {(r.entity, r.source, r.source_key) for r in conn.execute(query)}
    finally:
        engine.dispose()


def build_checks() -> list[dg.AssetChecksDefinition]:
    """Every check on its asset; blocking ones stop the run before the asset after them."""

    def check(fn: Callable[..., dg.AssetCheckResult], asset: str, **options: Any) -> dg.AssetChecksDefinition:
        # share: the phone check's threshold (the other descriptions have no placeholder)
        description = text(f"dagster.check.{fn.__name__}", share=f"{PHONE_VALIDITY_MIN:.0%}")
        return dg.asset_check(asset=asset, description=description, **options)(fn)

    return [
        check(schema_conformance, "validated"),
        check(phone_validity, "normalised"),
        check(
            reconciliation_before_load,
            "golden",
            blocking=True,
            additional_ins={"quarantine": dg.AssetIn("quarantine")},
        ),
        check(duplicate_identifiers, "golden"),
        check(shared_emails, "golden"),
        check(reconciliation, "loaded", additional_ins={"golden": dg.AssetIn("golden")}),
    ]
