"""The one error type a connector raises for a file or service it cannot read."""

from __future__ import annotations

import csv
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vocabulary.errors import RunFailure
from vocabulary.messages import text


class SourceError(RunFailure):
    """A source that cannot be read at all: the message names the file and the problem.

    The CLI prints it as one line and exits non-zero; the target is never touched.
    Problems with single rows are not errors: they become ``RejectedRow`` entries.
    """


# What a reader's libraries raise on a hostile file: a number too long to convert ("Exceeds the
# limit (4300 digits) for integer string conversion"), a field past the size limit, a bogus
# codec, a structure that points outside the file, nesting too deep, a CSV field past the size limit.
_FILE_FAULTS = (
    csv.Error,
    ValueError,
    OverflowError,
    LookupError,
    UnicodeError,
    struct.error,
    IndexError,
    KeyError,
    RecursionError,
    EOFError,
    OSError,
)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none), for a one-line error."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


@contextmanager
def reading(path: Path, name: str | None = None) -> Iterator[None]:
    """Turn whatever reading ``path`` raises into a one-line ``SourceError`` that names the file.

    ``name`` is how the message names it (default: the file name). ``SourceError`` passes
    unchanged; memory exhaustion says the file is too large.
    """
    name = name or path.name
    try:
        yield
    except SourceError:
        raise
    except MemoryError:
        raise SourceError(text("bad_input.file_too_large", file=name, size=_size(path))) from None
    except _FILE_FAULTS as exc:
        raise SourceError(text("bad_input.file_unreadable", file=name, detail=first_line(exc))) from None


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "?"
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"
