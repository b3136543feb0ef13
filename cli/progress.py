"""Progress on the terminal: a live display on a TTY (rich), plain periodic lines elsewhere, nothing with -q.

Everything goes to stderr, so ``--json`` keeps stdout to one JSON object.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from vocabulary import progress
from vocabulary.messages import text

PLAIN_EVERY = 30.0  # seconds: no plain line before, and at most one line per such interval


class RichListener:
    """A live line per stage with a bar, counts, elapsed and remaining time."""

    def __init__(self, display: Progress) -> None:
        self.display = display
        self.tasks: dict[str, TaskID] = {}

    def started(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.display.add_task(stage, total=total)

    def advanced(self, stage: str, done: int) -> None:
        self.display.update(self.tasks[stage], completed=done)

    def finished(self, stage: str, result: str) -> None:
        task = self.tasks.pop(stage)
        total = self.display.tasks[task].total
        self.display.update(
            task, completed=total or 1, total=total or 1, description=f"{stage}: {result}" if result else stage
        )


class PlainListener:
    """Lines like ``[00:42] normalise: 120000/376000`` for logs, at most one every ``PLAIN_EVERY`` seconds.

    A run shorter than that prints nothing, so a quick failure stays the one line of its error.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.begun = self.last = time.monotonic()
        self.totals: dict[str, int | None] = {}

    def _line(self, message: str, *, always: bool = False) -> None:
        now = time.monotonic()
        if now - self.last < PLAIN_EVERY and not (always and now - self.begun >= PLAIN_EVERY):
            return
        self.last = now
        elapsed = int(now - self.begun)
        print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {message}", file=self.out, flush=True)

    def started(self, stage: str, total: int | None) -> None:
        self.totals[stage] = total
        self._line(text("progress.started", stage=stage), always=True)

    def advanced(self, stage: str, done: int) -> None:
        total = self.totals.get(stage)
        self._line(f"{stage}: {done}" + (f"/{total}" if total else ""))

    def finished(self, stage: str, result: str) -> None:
        self.totals.pop(stage, None)
        self._line(f"{stage}: {result or text('progress.done')}", always=True)


@contextmanager
def shown(quiet: bool, out: TextIO | None = None) -> Iterator[None]:
    """Show the run's progress on ``out`` (default: stderr) while the block runs (nothing when ``quiet``)."""
    out = out or sys.stderr
    if quiet:
        yield
        return
    if not out.isatty():
        with progress.listening(PlainListener(out)):
            yield
        return
    display = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=out),
        transient=False,
    )
    with display, progress.listening(RichListener(display)):
        yield
