"""Cheap change detectors for sources a sync watches."""

from __future__ import annotations

import hashlib
from pathlib import Path

from connectors.errors import SourceError
from vocabulary.messages import text


def file_fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes: a re-exported 1C file with the same content is no change."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise SourceError(text("bad_input.file_unreadable", file=path.name, detail=exc.strerror or exc)) from None
    return digest.hexdigest()
