"""The short summary ``crm-migrate run`` prints (DESIGN §5)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from connectors.crm_db.load import LoadResult
from pipelines.config import MigrationConfig
from pipelines.stages import RunSummary, TableIntake
from vocabulary.messages import text

NOTES_SHOWN = 5


def _table_line(table: TableIntake) -> str:
    """``Клиенты: header row 3, mixed; company.name ← Клиент; …; custom fields ← …``."""
    mapping = table.mapping
    fields = [
        f"{entity}.{name} ← {', '.join(cols)}"
        for entity, block in (("company", mapping.company), ("contact", mapping.contact))
        for name, cols in block.items()
    ]
    if mapping.unmapped:
        fields.append(f"{text('summary.custom_fields')} ← {', '.join(mapping.unmapped)}")
    return text(
        "summary.table", name=table.name, header_row=table.header_row, entity=mapping.entity, fields="; ".join(fields)
    )


def format_summary(config: MigrationConfig, summary: RunSummary, diff: Path | None = None) -> str:
    r = summary.result
    width = max([len(s.name) for s in config.sources] + [8])
    lines = [
        text(
            "summary.title",
            name=config.name,
            dry=text("summary.dry_run") if summary.dry_run else "",
            target=summary.target,
            run_id=summary.run_id,
        ),
        text("summary.records_read"),
    ]
    for source in config.sources:
        lines.append(
            text(
                "summary.source_line",
                source=f"{source.name:<{width}}",
                read=summary.rows_read.get(source.name, 0),
                quarantined=summary.quarantine_by_source.get(source.name, 0),
            )
        )
    if any(summary.intake.values()):
        lines.append(text("summary.mapping"))
    for source in config.sources:
        lines += [f"  {source.name} / {_table_line(t)}" for t in summary.intake.get(source.name, [])]
    if summary.notes:
        lines.append(text("summary.notes"))
    for source, notes in summary.notes.items():
        lines += [f"  {source}: {n}" for n in notes[:NOTES_SHOWN]]
        if len(notes) > NOTES_SHOWN:
            lines.append(text("summary.more_notes", source=source, n=len(notes) - NOTES_SHOWN))
    lines.append(
        text("summary.quarantined", n=r.quarantined) + (text("summary.quarantined_hint") if r.quarantined else "")
    )
    for label, c in ((text("summary.companies"), r.companies), (text("summary.contacts"), r.contacts)):
        lines.append(
            f"{label:<11}"
            + text("summary.counts", created=c.created, updated=c.updated, unchanged=c.unchanged, merged=c.merged)
            + (text("summary.deleted", n=c.deleted) if c.deleted else "")
        )
    lines += live_crm_lines(config, r, diff)
    lines.append(
        text("summary.review", n=summary.review_pairs)
        + (
            text("summary.review_hint", config=config.config_path)
            if summary.review_pairs and not summary.dry_run
            else ""
        )
    )
    return "\n".join(lines)


def summary_data(summary: RunSummary) -> dict[str, object]:
    """The run summary as plain data (``--json``): the same figures the text shows."""
    r = summary.result
    return {
        "run_id": summary.run_id,
        "target": summary.target,
        "dry_run": summary.dry_run,
        "records_read": summary.rows_read,
        "quarantined": r.quarantined,
        "quarantined_by_source": summary.quarantine_by_source,
        "companies": asdict(r.companies),
        "contacts": asdict(r.contacts),
        "review_pairs": summary.review_pairs,
        "notes": summary.notes,
        "conflicts": r.conflicts,
        "crm_edits_kept": r.crm_kept,
        "crm_deleted_not_revived": r.crm_deleted,
        "row_position_identity_changed": r.identity_changed,
    }


def live_crm_lines(config: MigrationConfig, r: LoadResult, diff: Path | None) -> list[str]:
    """What a live CRM made of the run: conflicts, CRM users' edits kept, row-position records that moved."""
    lines = [text("live_crm.summary_conflicts", n=r.conflicts)] if r.conflicts else []
    if r.crm_kept or r.crm_deleted:
        lines.append(text("live_crm.summary_crm_kept", fields=r.crm_kept, deleted=r.crm_deleted))
    if r.identity_changed:
        positional = [s.name for s in config.sources if s.kind in ("excel", "csv") and not s.key]
        lines.append(text("live_crm.summary_identity", n=r.identity_changed, sources=", ".join(positional)))
    if r.incomplete:
        lines.append(text("live_crm.summary_incomplete", sources=", ".join(r.incomplete)))
    if diff is not None and r.changes is not None:
        lines.append(text("live_crm.diff_written", path=diff, n=len(r.changes)))
    return lines
