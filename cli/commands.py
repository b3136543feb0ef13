"""The commands besides `run`: review export/import, report, undo and sync (DESIGN §5).

Each returns the one line (or few lines) the CLI prints; every failure a user can
cause is a ``CrmMigrateError`` with a one-line message (the CLI prints it and exits).
"""
from __future__ import annotations

import argparse

from cli.review import export_review, import_review
from cli.runner import execute
from cli.summary import format_summary
from connectors.crm_db.engine import target_errors
from connectors.crm_db.report import COLUMN_NOTES, quality_report
from connectors.crm_db.undo import undo_run
from connectors.urls import mask_url
from connectors.xlsx_writer import write_workbook
from pipelines.config import MigrationConfig
from pipelines.sync import changed_sources, fingerprints, stored_fingerprints


def _review(args: argparse.Namespace, url: str) -> str:
    if args.review_command == "export":
        count = export_review(args.config, args.out, target=args.target, debug=args.debug)
        return (f"{count} pairs awaiting a decision written to {args.out} (sheet 'review'); fill in column "
                f"'decision' with same/different, then: crm-migrate review import --config {args.config} {args.out}")
    read, saved = import_review(args.workbook, url, reviewer=args.reviewer)
    return (f"{read} decisions read from {args.workbook.name}: {saved.added} new, {saved.changed} changed, "
            f"{saved.unchanged} unchanged; stored in {mask_url(url)}. They apply from the next "
            f"`crm-migrate run --config {args.config}`.")


def _report(args: argparse.Namespace, url: str) -> str:
    sheets = quality_report(url, args.run)
    write_workbook(args.out, sheets, column_notes=COLUMN_NOTES)
    return f"Quality report written to {args.out} (sheets: {', '.join(sheets)})"


def _undo(args: argparse.Namespace, url: str) -> str:
    result = undo_run(url, args.run)
    lines = [f"Undone {len(result.runs)} run(s), newest first: {', '.join(result.runs)}. "
             f"The target {mask_url(url)} is as it was before run {result.runs[-1]}."]
    lines += [f"  {table}: {c.removed} removed, {c.restored} put back, {c.reverted} reverted"
              for table, c in result.tables.items()]
    return "\n".join(lines)


def _sync(args: argparse.Namespace, config: MigrationConfig, url: str) -> str:
    now = fingerprints(config, args.source)
    changed = changed_sources(now, stored_fingerprints(url))
    if not changed:
        return f"No change in 1C since the last sync ({', '.join(now)}): nothing to load."
    summary = execute(args.config, target=args.target, dry_run=args.dry_run, debug=args.debug)
    return f"Changed in 1C since the last sync: {', '.join(changed)}\n" + format_summary(config, summary)


def dispatch(args: argparse.Namespace, config: MigrationConfig, url: str) -> str:
    """Run the command ``args`` names against ``url``; the text to print."""
    if args.command == "sync":
        return _sync(args, config, url)
    with target_errors(url):
        if args.command == "review":
            return _review(args, url)
        if args.command == "report":
            return _report(args, url)
        return _undo(args, url)
