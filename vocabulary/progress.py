"""Progress of a long run, as events any layer may emit and the CLI may show.

A stage (``extract old_crm``, ``normalise``, ``match``, ``load``) starts, may advance
through a known total, and finishes with a one-line result. Nothing is shown unless a
listener subscribed (the CLI does, on a terminal or as plain periodic lines); Dagster
runs without one pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Listener(Protocol):
    def started(self, stage: str, total: int | None) -> None: ...

    def advanced(self, stage: str, done: int) -> None: ...

    def finished(self, stage: str, result: str) -> None: ...


_listeners: list[Listener] = []


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every progress event to ``listener`` while the block runs."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class Stage:
    """One running stage; ``advance(n)`` counts ``n`` more items done, ``result`` is said when it ends."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.done = 0
        self.result = ""

    def advance(self, n: int = 1) -> None:
        self.done += n
        for listener in _listeners:
            listener.advanced(self.name, self.done)


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Stage]:
    """Report the block as the stage ``name`` (with ``total`` items to go through, when known)."""
    current = Stage(name)
    for listener in _listeners:
        listener.started(name, total)
    yield current
    for listener in _listeners:
        listener.finished(name, current.result)
