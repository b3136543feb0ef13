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

from cli.argparse_texts import argparse_texts
from cli.progress import shown
from pipelines.config import load_config
from vocabulary.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CrmMigrateError, UsageError
from vocabulary.messages import LANGUAGE_ENV, LANGUAGES, current_language, environment_language, set_language, text

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]


def _version() -> str:
    try:
        return metadata.version("crm-migrate")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _help(key: str) -> str:
    return text(f"cli.help.{key}")


def _metavar(key: str) -> str:
    return text(f"cli.metavar.{key}")


def _command(
    sub: argparse._SubParsersAction, name: str, help_key: str, *, summary: bool = False, dry_run: str | None = None
) -> argparse.ArgumentParser:
    """A subcommand that reads the config and touches the target (so it takes --target, DESIGN §5).

    ``help_key`` and ``dry_run`` are keys of ``cli.help.*`` in the message catalogue.
    """
    cmd = sub.add_parser(name, help=_help(help_key), description=_help(help_key))
    cmd.add_argument("--config", required=True, type=Path, metavar=_metavar("file"), help=_help("config"))
    cmd.add_argument("--target", metavar="URL", help=_help("target"))
    if dry_run:
        cmd.add_argument("--dry-run", action="store_true", help=_help(dry_run))
    if summary:
        cmd.add_argument("--json", action="store_true", help=_help("json"))
    return cmd


def _writes(cmd: argparse.ArgumentParser, deletes: bool = False) -> argparse.ArgumentParser:
    """Options of a command that writes into the target: how long to wait for another one (DESIGN §5)."""
    cmd.add_argument("--wait", type=float, default=60, metavar=_metavar("seconds"), help=_help("wait"))
    if deletes:
        cmd.add_argument("--allow-deletes", action="store_true", help=_help("allow_deletes"))
    return cmd


def _parser() -> argparse.ArgumentParser:
    """The whole command line, its help in the current language (build it inside ``argparse_texts()``)."""
    p = argparse.ArgumentParser(prog="crm-migrate", description=_help("description"), epilog=_help("epilog"))
    p.add_argument("--debug", action="store_true", help=_help("debug"))
    p.add_argument("--version", action="version", version=f"crm-migrate {_version()}", help=_help("version"))
    p.add_argument("-q", "--quiet", action="store_true", help=_help("quiet"))
    sub = p.add_subparsers(dest="command", required=True, metavar=_metavar("command"))
    run = _writes(_command(sub, "run", "run", summary=True, dry_run="dry_run"), deletes=True)
    run.add_argument("--full", action="store_true", help=_help("full"))
    run.add_argument("--diff", type=Path, metavar=_metavar("file"), help=_help("diff"))
    sync = _writes(_command(sub, "sync", "sync", summary=True, dry_run="dry_run"), deletes=True)
    sync.add_argument("--source", metavar=_metavar("source"), help=_help("source"))
    review = sub.add_parser("review", help=_help("review"), description=_help("review"))
    review_sub = review.add_subparsers(dest="review_command", required=True, metavar="export|import")
    export = _command(review_sub, "export", "review_export")
    export.add_argument("--out", required=True, type=Path, metavar=_metavar("file"), help=_help("review_out"))
    export.add_argument("--all", action="store_true", help=_help("review_all"))
    imported = _writes(_command(review_sub, "import", "review_import"))
    imported.add_argument("workbook", type=Path, metavar=_metavar("workbook"), help=_help("review_workbook"))
    imported.add_argument("--reviewer", metavar=_metavar("name"), help=_help("reviewer"))
    report = _command(sub, "report", "report")
    report.add_argument("--out", required=True, type=Path, metavar=_metavar("file"), help=_help("report_out"))
    report.add_argument("--run", metavar="ID", help=_help("report_run"))
    undo = _writes(_command(sub, "undo", "undo", dry_run="undo_dry_run"))
    undo.add_argument("--run", required=True, metavar="ID", help=_help("undo_run"))
    undo.add_argument("--force", action="store_true", help=_help("undo_force"))
    _writes(_command(sub, "push", "push", summary=True, dry_run="push_dry_run"))
    files = _command(sub, "export", "export")
    files.add_argument("--format", required=True, choices=("bitrix24", "amocrm"), help=_help("export_format"))
    files.add_argument("--out", required=True, type=Path, metavar=_metavar("folder"), help=_help("export_out"))
    init = sub.add_parser("init", help=_help("init"), description=_help("init"))
    init.add_argument("folder", type=Path, metavar=_metavar("folder"), help=_help("init_folder"))
    init.add_argument("--out", type=Path, metavar=_metavar("file"), help=_help("init_out"))
    init.add_argument("--language", choices=LANGUAGES, default=current_language(), help=_help("init_language"))
    init.add_argument("--force", action="store_true", help=_help("init_force"))
    demo = sub.add_parser("demo", help=_help("demo"), description=_help("demo"))
    demo.add_argument("--target", metavar="URL", help=_help("demo_target"))
    return p


def _startup_language() -> None:
    """The language of --help and of everything before a config is read: $CRM_MIGRATE_LANGUAGE, else Russian."""
    language = environment_language()
    if language is None:
        return
    if language not in LANGUAGES:
        raise UsageError(text("cli.unknown_language", env=LANGUAGE_ENV, value=language, known=", ".join(LANGUAGES)))
    set_language(language)


def main(argv: list[str] | None = None) -> int:
    try:
        _startup_language()
    except UsageError as exc:
        print(f"crm-migrate: {exc}", file=sys.stderr)
        return exc.exit_code
    with argparse_texts():
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
