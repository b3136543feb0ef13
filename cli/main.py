"""The ``crm-migrate`` command line (DESIGN §5): a thin layer over the Dagster asset graph.

Every failure a user can cause (config, source file, target database, a remote CRM)
is a ``CrmMigrateError``: printed as one line naming the file or key, exit 2 for
usage errors and 1 for failed runs. Anything else is a bug, said so in one line;
``--debug`` shows the traceback. Ctrl-C exits 130 with the target unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from importlib import metadata
from pathlib import Path

from cli.progress import shown
from pipelines.config import load_config
from vocabulary.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CrmMigrateError, UsageError
from vocabulary.messages import set_language, text

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]


def _version() -> str:
    try:
        return metadata.version("crm-migrate")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _command(
    sub: argparse._SubParsersAction, name: str, help_text: str, *, summary: bool = False, dry_run: str | None = None
) -> argparse.ArgumentParser:
    """A subcommand that reads the config and touches the target (so it takes --target, DESIGN §5)."""
    cmd = sub.add_parser(name, help=help_text)
    cmd.add_argument("--config", required=True, type=Path, help="migration.yaml")
    cmd.add_argument("--target", help="database URL overriding target.url (passwords: use ${ENV_VAR})")
    if dry_run:
        cmd.add_argument("--dry-run", action="store_true", help=dry_run)
    if summary:
        cmd.add_argument("--json", action="store_true", help="print the summary as one JSON object on stdout")
    return cmd


def _writes(cmd: argparse.ArgumentParser, deletes: bool = False) -> argparse.ArgumentParser:
    """Options of a command that writes into the target: how long to wait for another one (DESIGN §5)."""
    cmd.add_argument(
        "--wait",
        type=float,
        default=60,
        metavar="SECONDS",
        help="wait this long for another crm-migrate command on the same target (default 60)",
    )
    if deletes:
        cmd.add_argument(
            "--allow-deletes",
            action="store_true",
            help="soft-delete even more than max_delete_share of a source's records",
        )
    return cmd


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm-migrate", description="Migrate and cleanse client data into a CRM database.")
    p.add_argument("--debug", action="store_true", help="show tracebacks and Dagster logs")
    p.add_argument("--version", action="version", version=f"crm-migrate {_version()}")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display (errors are still printed)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = _writes(
        _command(
            sub,
            "run",
            "extract, clean, match and load every source of the config",
            summary=True,
            dry_run="compute the same summary, write nothing",
        ),
        deletes=True,
    )
    run.add_argument(
        "--full",
        action="store_true",
        help="run every stage even when no source, config or decision changed since the last load",
    )
    run.add_argument("--diff", type=Path, metavar="FILE", help="with --dry-run: every record's changes to FILE.xlsx")
    sync = _writes(
        _command(
            sub,
            "sync",
            "incremental sync: load again when a 1C source changed since the last sync",
            summary=True,
            dry_run="compute the same summary, write nothing",
        ),
        deletes=True,
    )
    sync.add_argument("--source", help="the 1C source to check (default: every onec_odata/onec_xml source)")
    review = sub.add_parser("review", help="the review queue of uncertain duplicate pairs, as a workbook")
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="export|import")
    export = _command(review_sub, "export", "write the pairs awaiting a decision to a workbook")
    export.add_argument("--out", required=True, type=Path, help="review.xlsx to write")
    export.add_argument(
        "--all", action="store_true", help="also list every automatic merge, so one can be undone with 'different'"
    )
    imported = _writes(_command(review_sub, "import", "store the decisions of a filled-in review workbook"))
    imported.add_argument("workbook", type=Path, help="the review.xlsx filled in by the reviewer")
    imported.add_argument("--reviewer", help="who decided (kept with each decision)")
    report = _command(sub, "report", "write the data-quality workbook of the last run")
    report.add_argument("--out", required=True, type=Path, help="quality.xlsx to write")
    report.add_argument("--run", help="a run id (default: the last successful run)")
    undo = _writes(
        _command(
            sub,
            "undo",
            "restore what one run wrote as it was before that run",
            dry_run="show what the undo would do, change nothing",
        )
    )
    undo.add_argument("--run", required=True, help="the run id printed by `run` (or listed by `report`)")
    undo.add_argument("--force", action="store_true", help="undo even rows later runs or CRM users changed since")
    _writes(
        _command(
            sub,
            "push",
            "send the golden records to the CRM of crm: (Bitrix24 or amoCRM) over its REST API",
            summary=True,
            dry_run="send no write; print what would be done",
        )
    )
    files = _command(sub, "export", "write the golden records as files for the CRM's own importer")
    files.add_argument("--format", required=True, choices=("bitrix24", "amocrm"), help="whose importer")
    files.add_argument("--out", required=True, type=Path, help="folder for the files")
    init = sub.add_parser("init", help="write a commented migration.yaml from a folder of client files")
    init.add_argument(
        "folder", type=Path, help="the folder with the client's files (xlsx, xls, xlsb, ods, csv, 1C xml)"
    )
    init.add_argument("--out", type=Path, help="the config to write (default: FOLDER/migration.yaml)")
    init.add_argument("--language", choices=("ru", "en"), default="ru", help="language of its comments and of the run")
    init.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    demo = sub.add_parser("demo", help="run the sample client dataset end to end into SQLite")
    demo.add_argument("--target", help="database URL instead of sample_data/crm.db")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.debug:
        warnings.filterwarnings("ignore")
    try:
        return _dispatch(args)
    except CrmMigrateError as exc:
        print(f"crm-migrate: {exc}", file=sys.stderr)
        if args.debug and exc.__cause__ is not None:
            raise
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"crm-migrate: {text('common.interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            raise
        print(f"crm-migrate: {text('common.bug', kind=type(exc).__name__, detail=exc)}", file=sys.stderr)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    from cli import commands  # Dagster and the connectors are imported only when a command runs

    if args.command == "init":
        return _init(args)
    if args.command == "demo":
        config_path, target = commands.demo_config(args.target)
    else:
        config_path, target = args.config, args.target
    config = load_config(config_path)
    set_language(config.language)
    if getattr(args, "diff", None) and not args.dry_run:
        raise UsageError(text("live_crm.diff_needs_dry_run"))
    with shown(quiet=args.quiet or getattr(args, "json", False) and not sys.stderr.isatty()):
        output = commands.dispatch(args, config, config.target_url(target))
    if getattr(args, "json", False):
        print(json.dumps(output.data, ensure_ascii=False, default=str))
    else:
        print(output.text)
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from cli.init_config import init_config

    set_language(args.language)
    out, scan = init_config(args.folder, args.out, language=args.language, force=args.force)
    print(text("init.written", path=out, sources=len(scan.sources), skipped=len(scan.skipped)))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
