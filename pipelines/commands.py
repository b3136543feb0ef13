"""The commands besides `run`: review export/import, report, undo and sync (DESIGN §5).

Each returns the one line (or few lines) the CLI prints; every failure a user can
cause is an exception from ``FAILURES`` or ``USAGE_ERRORS`` with a one-line message.
"""
from __future__ import annotations

import argparse

from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db.engine import TargetError
from connectors.crm_db.report import quality_report
from connectors.crm_db.report_workbook import report_workbook
from connectors.crm_db.undo import undo_run
from connectors.errors import SourceError
from connectors.xlsx_writer import OutputError, write_workbook
from pipelines.config import MigrationConfig, mask_url
from pipelines.review import export_review, import_review
from pipelines.runner import execute, scrub
from pipelines.summary import format_summary
from pipelines.sync import UsageError, changed_sources, fingerprints, stored_fingerprints
from transforms.review import ReviewFileError
from vocabulary.messages import text


USAGE_ERRORS = (UsageError,)
FAILURES = (SourceError, TargetError, OutputError, ReviewFileError, SQLAlchemyError)

__all__ = ["FAILURES", "USAGE_ERRORS", "UsageError", "dispatch", "scrub"]


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
    workbook = report_workbook(quality_report(url, args.run))
    write_workbook(args.out, workbook)
    return text("report.written", path=args.out, sheets=", ".join(workbook))


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
    if args.command == "review":
        return _review(args, url)
    if args.command == "report":
        return _report(args, url)
    return _undo(args, url)
