"""What each command of the CLI does (DESIGN §5), behind the argument parsing of ``cli.main``.

Each returns an ``Output``: the lines the CLI prints and, for `run`, `sync` and
`push`, the summary as data for ``--json``. Every failure a user can cause is a
``CrmMigrateError`` with a one-line message (the CLI prints it and exits).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli import delivery
from cli.review import export_review, import_review
from cli.runner import execute
from cli.summary import format_summary, summary_data
from connectors.crm_db.engine import target_errors
from connectors.crm_db.load import utcnow
from connectors.crm_db.lock import DEFAULT_WAIT, target_lock
from connectors.crm_db.report import report_sheets
from connectors.crm_db.report_workbook import report_workbook
from connectors.crm_db.run_log import record_unchanged_run
from connectors.crm_db.undo import describe_changes, undo_run
from connectors.urls import mask_url
from connectors.xlsx_writer import write_workbook
from pipelines.config import DEFAULT_CONFIG, MigrationConfig
from pipelines.scans import one_scan_per_command
from pipelines.sync import changed_sources, fingerprints, stored_fingerprints
from pipelines.unchanged import Unchanged, run_inputs, unchanged_since
from vocabulary.messages import text


def _review(args: argparse.Namespace, url: str) -> str:
    if args.review_command == "export":
        count = export_review(args.config, args.out, target=args.target, debug=args.debug, include_merges=args.all)
        return text("cli.review.exported", count=count, out=args.out, config=args.config)
    read, saved = import_review(args.workbook, url, reviewer=args.reviewer)
    return text(
        "cli.review.imported",
        read=read,
        file=args.workbook.name,
        added=saved.added,
        changed=saved.changed,
        unchanged=saved.unchanged,
        target=mask_url(url),
        config=args.config,
    )


def _report(args: argparse.Namespace, url: str) -> str:
    workbook = report_workbook(report_sheets(url, args.run))
    write_workbook(args.out, workbook)
    return text("report.written", path=args.out, sheets=", ".join(workbook))


def _undo(args: argparse.Namespace, url: str) -> str:
    result = undo_run(url, args.run, force=args.force, dry_run=args.dry_run)
    lines = [
        text("live_crm.undo_preview", run=args.run)
        if result.dry_run
        else text("live_crm.undo_done", run=args.run, target=mask_url(url))
    ]
    lines += [
        text("live_crm.undo_table", table=table, removed=c.removed, restored=c.restored, reverted=c.reverted)
        for table, c in result.tables.items()
    ]
    if result.dry_run and result.changed_since:
        lines.append(text("live_crm.undo_would_refuse", detail=describe_changes(result.changed_since)))
    return "\n".join(lines)


def _sync(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    now = fingerprints(config, args.source)
    changed = changed_sources(now, stored_fingerprints(url))
    if not changed:
        return Output(text("summary.no_change", sources=", ".join(now)), {"changed_sources": [], "run": None})
    summary = execute(
        args.config, target=args.target, dry_run=args.dry_run, debug=args.debug, allow_deletes=args.allow_deletes
    )
    return Output(
        text("summary.changed", sources=", ".join(changed)) + "\n" + format_summary(config, summary),
        {"changed_sources": changed, "run": summary_data(summary)},
    )


def _run(config_path: Path, config: MigrationConfig, target: str | None, args: argparse.Namespace) -> Output:
    """The whole graph; a real run (not --dry-run, not --full) whose inputs are as the last load left them
    writes only its migration_runs row (pipelines.unchanged)."""
    dry_run = getattr(args, "dry_run", False)
    inputs = None
    if not dry_run:
        url = config.target_url(target)
        with target_errors(url):
            inputs = run_inputs(config, url)
            previous = None if getattr(args, "full", False) else unchanged_since(url, inputs)
            if previous is not None:
                return _nothing_changed(config_path, config, url, previous)
    diff = getattr(args, "diff", None)
    summary = execute(
        config_path,
        target=target,
        dry_run=dry_run,
        debug=args.debug,
        allow_deletes=getattr(args, "allow_deletes", False),
        diff=diff,
        inputs=inputs,
        full=getattr(args, "full", False),
    )
    return Output(format_summary(config, summary, diff), summary_data(summary))


def _nothing_changed(config_path: Path, config: MigrationConfig, url: str, previous: Unchanged) -> Output:
    run_id, last = str(uuid.uuid4()), previous.run
    counts = record_unchanged_run(url, run_id, utcnow(), last)
    lines = [
        text("summary.title", name=config.name, dry="", target=mask_url(url), run_id=run_id),
        text("rerun.unchanged", previous=last["id"], when=f"{last['finished_at']:%Y-%m-%d %H:%M}", run=run_id),
        text(
            "rerun.as_loaded",
            records=last["records_read"],
            quarantined=last["quarantined"],
            review=last["review_pairs"] or 0,
        ),
    ]
    lines += [text("rerun.entity", label=text(f"rerun.{entity}"), **counts[entity]) for entity in counts]
    lines.append(text("rerun.full", config=config_path))
    data = {
        "run_id": run_id,
        "target": mask_url(url),
        "dry_run": False,
        "unchanged_since": last["id"],
        "records_read": last["records_read"],
        "quarantined": last["quarantined"],
        "review_pairs": last["review_pairs"] or 0,
        **counts,
    }
    return Output("\n".join(lines), data)


def demo_config(target: str | None) -> tuple[Path, str]:
    """The sample dataset's config and its target (sample_data/crm.db unless --target says otherwise)."""
    return DEFAULT_CONFIG, target or f"sqlite:///{DEFAULT_CONFIG.parent / 'crm.db'}"


def _demo(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    config_path, target = demo_config(args.target)
    done = _run(config_path, config, target, args)
    here = Path.cwd()
    options = f"--config {config_path.relative_to(here) if config_path.is_relative_to(here) else config_path}"
    options += f" --target {mask_url(target)}" if args.target else ""
    home = os.environ.get("DAGSTER_HOME")
    lines = [
        done.text,
        "",
        text("demo.database", target=mask_url(target)),
        text("demo.again"),
        text("demo.report", options=options),
        text("demo.review", options=options),
        text("demo.ui") + (text("demo.ui_home", home=home) if home else ""),
    ]
    return Output("\n".join(lines), done.data)


def _push(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    summary = delivery.push(config, url, args.dry_run)
    return Output(delivery.format_push(summary), summary)


def _export(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    files = delivery.export(config, url, args.format, args.out)
    return Output("\n".join(str(f) for f in files), {"files": [str(f) for f in files]})


@dataclass
class Output:
    """What a command prints: ``text`` for people, ``data`` for ``--json``."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)


def _writes(args: argparse.Namespace) -> bool:
    """Whether the command writes into the target (and so holds its lock for the whole command, extract included)."""
    if args.command in ("run", "sync", "undo", "push", "demo"):
        return not getattr(args, "dry_run", False)
    return args.command == "review" and args.review_command == "import"


def _tell(line: str) -> None:
    print(f"crm-migrate: {line}", file=sys.stderr, flush=True)


def dispatch(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    """Run the command ``args`` names against ``url``; a command that writes holds the target's lock."""
    with one_scan_per_command():  # the change check and the extract share each 1C scan
        if _writes(args):
            with target_lock(url, getattr(args, "wait", DEFAULT_WAIT), on_wait=_tell):
                return _dispatch(args, config, url)
        return _dispatch(args, config, url)


def _dispatch(args: argparse.Namespace, config: MigrationConfig, url: str) -> Output:
    if args.command == "run":
        return _run(args.config, config, args.target, args)
    if args.command == "demo":
        return _demo(args, config, url)
    if args.command == "sync":
        return _sync(args, config, url)
    if args.command == "push":
        return _push(args, config, url)
    with target_errors(url):
        if args.command == "export":
            return _export(args, config, url)
        if args.command == "review":
            return Output(_review(args, url))
        if args.command == "report":
            return Output(_report(args, url))
        return Output(_undo(args, url))
