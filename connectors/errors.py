"""The one error type a connector raises for a file or service it cannot read."""
from __future__ import annotations

from vocabulary.errors import RunFailure


class SourceError(RunFailure):
    """A source that cannot be read at all: the message names the file and the problem.

    The CLI prints it as one line and exits non-zero; the target is never touched.
    Problems with single rows are not errors: they become ``RejectedRow`` entries.
    """
