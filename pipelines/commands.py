"""The commands besides `run`: review export/import, report, undo and sync (DESIGN §5).

Each returns the one line (or few lines) the CLI prints; every failure a user can
cause is an exception from ``FAILURES`` or ``USAGE_ERRORS`` with a one-line message.
"""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from connectors.crm_db.engine import TargetError
from connectors.crm_db.report import COLUMN_NOTES, quality_report
from connectors.crm_db.lock import target_lock
from connectors.crm_db.undo import describe_changes, undo_run
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
    sheets = quality_report(url, args.run)
    write_workbook(args.out, sheets, column_notes=COLUMN_NOTES)
    return f"Quality report written to {args.out} (sheets: {', '.join(sheets)})"


def _undo(args: argparse.Namespace, url: str) -> str:
    result = undo_run(url, args.run, force=args.force, dry_run=args.dry_run)
    lines = [text("live_crm.undo_preview", run=args.run) if result.dry_run
             else text("live_crm.undo_done", run=args.run, target=mask_url(url))]
    lines += [text("live_crm.undo_table", table=table, removed=c.removed, restored=c.restored, reverted=c.reverted)
              for table, c in result.tables.items()]
    if result.dry_run and result.changed_since:
        lines.append(text("live_crm.undo_would_refuse", detail=describe_changes(result.changed_since)))
    return "\n".join(lines)


def _sync(args: argparse.Namespace, config: MigrationConfig, url: str) -> str:
    now = fingerprints(config, args.source)
    changed = changed_sources(now, stored_fingerprints(url))
    if not changed:
        return f"No change in 1C since the last sync ({', '.join(now)}): nothing to load."
    summary = execute(args.config, target=args.target, dry_run=args.dry_run, debug=args.debug,
                      allow_deletes=args.allow_deletes, wait=args.wait)
    return f"Changed in 1C since the last sync: {', '.join(changed)}\n" + format_summary(config, summary)


def _writes(args: argparse.Namespace) -> bool:
    """Whether the command writes into the target (and so holds its lock for the whole command)."""
    return (args.command in ("sync", "undo") and not args.dry_run) or \
        (args.command == "review" and args.review_command == "import")


def dispatch(args: argparse.Namespace, config: MigrationConfig, url: str) -> str:
    """Run the command ``args`` names against ``url``; the text to print."""
    if _writes(args):
        with target_lock(url, args.wait, on_wait=lambda line: print(f"crm-migrate: {line}", file=sys.stderr,
                                                                     flush=True)):
            return _dispatch(args, config, url)
    return _dispatch(args, config, url)


def _dispatch(args: argparse.Namespace, config: MigrationConfig, url: str) -> str:
    if args.command == "sync":
        return _sync(args, config, url)
    if args.command == "review":
        return _review(args, url)
    if args.command == "report":
        return _report(args, url)
    return _undo(args, url)
