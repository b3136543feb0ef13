"""The short summary ``crm-migrate run`` prints (DESIGN §5)."""
from __future__ import annotations

from dataclasses import asdict

from pipelines.config import MigrationConfig
from pipelines.stages import RunSummary


NOTES_SHOWN = 5


def format_summary(config: MigrationConfig, summary: RunSummary) -> str:
    r = summary.result
    width = max([len(s.name) for s in config.sources] + [8])
    lines = [f"crm-migrate {config.name}: {'DRY RUN, nothing written — ' if summary.dry_run else ''}"
             f"target {summary.target}, run {summary.run_id}", "Records read:"]
    for source in config.sources:
        lines.append(f"  {source.name:<{width}} {summary.rows_read.get(source.name, 0):>7}"
                     f"   quarantined {summary.quarantine_by_source.get(source.name, 0)}")
    if any(summary.intake.values()):
        lines.append("Column mapping (copy into columns: to fix it):")
    for source in config.sources:
        lines += [f"  {source.name} / {t.one_line()}" for t in summary.intake.get(source.name, [])]
    if summary.notes:
        lines.append("Notes:")
    for source, notes in summary.notes.items():
        lines += [f"  {source}: {n}" for n in notes[:NOTES_SHOWN]]
        if len(notes) > NOTES_SHOWN:
            lines.append(f"  {source}: … {len(notes) - NOTES_SHOWN} more in the extract asset's metadata (make ui)")
    lines.append(f"Quarantined: {r.quarantined}" + (" (see the quarantine table: each row says why)"
                                                    if r.quarantined else ""))
    for label, c in (("Companies", r.companies), ("Contacts", r.contacts)):
        lines.append(f"{label + ':':<11}{c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
                     f"{c.merged} merged" + (f", {c.deleted} deleted" if c.deleted else ""))
    lines.append(f"Pairs sent to review: {summary.review_pairs}" + (
        f" (crm-migrate review export --config {config.config_path} --out review.xlsx)"
        if summary.review_pairs and not summary.dry_run else ""))
    return "\n".join(lines)


def summary_data(summary: RunSummary) -> dict[str, object]:
    """The run summary as plain data (``--json``): the same figures the text shows."""
    r = summary.result
    return {"run_id": summary.run_id, "target": summary.target, "dry_run": summary.dry_run,
            "records_read": summary.rows_read, "quarantined": r.quarantined,
            "quarantined_by_source": summary.quarantine_by_source,
            "companies": asdict(r.companies), "contacts": asdict(r.contacts),
            "review_pairs": summary.review_pairs, "notes": summary.notes}
