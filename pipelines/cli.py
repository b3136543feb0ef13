"""The ``crm-migrate`` command line (DESIGN §5): a thin layer over the Dagster asset graph.

Every failure a user can cause (config, source file, target database) is
printed as one line naming the file or key, with a non-zero exit code; a
traceback is shown only with ``--debug``.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from pipelines.config import DEFAULT_CONFIG, ConfigError, load_config, mask_url

EXIT_FAILED = 1  # the run failed: a source or the target could not be used; nothing was written
EXIT_USAGE = 2  # the command or the config is wrong


def _command(sub: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    """A subcommand that reads the config and touches the target (so it takes --target, DESIGN §5)."""
    cmd = sub.add_parser(name, help=help_text)
    cmd.add_argument("--config", required=True, type=Path, help="migration.yaml")
    cmd.add_argument("--target", help="database URL overriding target.url (passwords: use ${ENV_VAR})")
    return cmd


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crm-migrate", description="Migrate and cleanse client data into a CRM database.")
    p.add_argument("--debug", action="store_true", help="show tracebacks and Dagster logs")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = _command(sub, "run", "extract, clean, match and load every source of the config")
    run.add_argument("--dry-run", action="store_true", help="compute the same summary, write nothing")
    sync = _command(sub, "sync", "incremental sync: load again when a 1C source changed since the last sync")
    sync.add_argument("--source", help="the 1C source to check (default: every onec_odata/onec_xml source)")
    sync.add_argument("--dry-run", action="store_true", help="compute the same summary, write nothing")
    review = sub.add_parser("review", help="the review queue of uncertain duplicate pairs, as a workbook")
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="export|import")
    export = _command(review_sub, "export", "write the pairs awaiting a decision to a workbook")
    export.add_argument("--out", required=True, type=Path, help="review.xlsx to write")
    imported = _command(review_sub, "import", "store the decisions of a filled-in review workbook")
    imported.add_argument("workbook", type=Path, help="the review.xlsx filled in by the reviewer")
    imported.add_argument("--reviewer", help="who decided (kept with each decision)")
    report = _command(sub, "report", "write the data-quality workbook of the last run")
    report.add_argument("--out", required=True, type=Path, help="quality.xlsx to write")
    report.add_argument("--run", help="a run id (default: the last successful run)")
    undo = _command(sub, "undo", "restore the target as it was before a run (and every later run)")
    undo.add_argument("--run", required=True, help="the run id printed by `run` (or listed by `report`)")
    init = sub.add_parser("init", help="write a commented migration.yaml from a folder of client files")
    init.add_argument("folder", type=Path, help="the folder with the client's files (xlsx, xls, xlsb, ods, csv, 1C xml)")
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
        if args.command == "demo":
            return _demo(args)
        if args.command == "init":
            return _init(args)
        if args.command == "run":
            return _run(args.config, target=args.target, dry_run=args.dry_run, debug=args.debug)
        return _other(args)
    except ConfigError as exc:
        print(f"crm-migrate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("crm-migrate: interrupted; the target was not changed", file=sys.stderr)
        return EXIT_FAILED


def _init(args: argparse.Namespace) -> int:
    from cli.init_config import init_config
    from vocabulary.errors import UsageError
    from vocabulary.messages import set_language, text

    set_language(args.language)
    try:
        out, scan = init_config(args.folder, args.out, language=args.language, force=args.force)
    except UsageError as exc:
        print(f"crm-migrate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(text("init.written", path=out, sources=len(scan.sources), skipped=len(scan.skipped)))
    return 0


def _other(args: argparse.Namespace) -> int:
    """sync, review, report and undo: one line on stdout when done, one line on stderr when not."""
    from pipelines import commands  # Dagster and the connectors are imported only when needed
    from pipelines.runner import RunFailed

    config = load_config(args.config)
    url = config.target_url(args.target)
    try:
        print(commands.dispatch(args, config, url))
    except RunFailed as exc:
        print(f"crm-migrate: {exc.scrubbed(url)}", file=sys.stderr)
        if args.debug and exc.__cause__ is not None:
            raise
        return EXIT_FAILED
    except commands.USAGE_ERRORS as exc:
        print(f"crm-migrate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except commands.FAILURES as exc:
        print(f"crm-migrate: {commands.scrub(str(exc), url)}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_FAILED
    return 0


def _run(config_path: Path, *, target: str | None, dry_run: bool, debug: bool) -> int:
    from pipelines.runner import RunFailed, execute  # Dagster is imported only when a run starts
    from pipelines.summary import format_summary

    config = load_config(config_path)
    url = config.target_url(target)
    try:
        summary = execute(config_path, target=target, dry_run=dry_run, debug=debug)
    except RunFailed as exc:
        print(f"crm-migrate: {exc.scrubbed(url)}", file=sys.stderr)
        if debug and exc.__cause__ is not None:
            raise
        return EXIT_FAILED
    print(format_summary(config, summary))
    return 0


def _demo(args: argparse.Namespace) -> int:
    target = args.target or f"sqlite:///{DEFAULT_CONFIG.parent / 'crm.db'}"
    code = _run(DEFAULT_CONFIG, target=target, dry_run=False, debug=args.debug)
    if code == 0:
        home = os.environ.get("DAGSTER_HOME")
        print(f"\nThe CRM database: {mask_url(target)}")
        print("Run `make demo` again: nothing changes (idempotent load).")
        here = Path.cwd()
        options = f"--config {DEFAULT_CONFIG.relative_to(here) if DEFAULT_CONFIG.is_relative_to(here) else DEFAULT_CONFIG}"
        options += f" --target {mask_url(target)}" if args.target else ""
        print(f"Data-quality workbook: .venv/bin/crm-migrate report {options} --out quality.xlsx")
        print(f"Review queue:          .venv/bin/crm-migrate review export {options} --out review.xlsx")
        print("Open the Dagster UI: `make ui`, then http://127.0.0.1:3000"
              + (f" (runs are stored in {home})" if home else ""))
    return code


if __name__ == "__main__":
    sys.exit(main())
