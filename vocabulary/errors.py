"""The one exception hierarchy of crm-migrate.

Every error the tool raises on purpose derives from ``CrmMigrateError`` and carries a
one-line message written for the user (already in the run's language, secrets masked).
Two categories decide the exit code of the command line:

- ``UsageError`` (exit 2): the command, the config or an input the user has to fix;
- ``RunFailure`` (exit 1): a source, the target or a remote CRM could not be used, and
  nothing was written.

Anything else that escapes is a bug: the CLI says so in one line (``--debug`` shows the traceback).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CrmMigrateError(Exception):
    """Base of every error crm-migrate raises on purpose; ``str(error)`` is the line shown to the user."""

    exit_code = EXIT_FAILED


class UsageError(CrmMigrateError):
    """The command line, the config or an input the user must fix (exit 2)."""

    exit_code = EXIT_USAGE


class RunFailure(CrmMigrateError):
    """A run that could not complete; the target was left as it was (exit 1)."""

    exit_code = EXIT_FAILED
