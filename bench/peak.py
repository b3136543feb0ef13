"""Peak memory of a child process tree, as the benchmarks report it.

A child's own ``ru_maxrss`` (``wait4``) cannot be trusted alone: Python starts children by vfork +
exec, and Linux hands the parent's high-water mark to the child at exec — a bench parent that had
generated 1M records (3 GB) made an unchanged re-run that read nothing "peak" at 3 GB. So the tree's
RSS is polled, and ``ru_maxrss`` counts only when it is above the parent's own high-water mark.
"""

from __future__ import annotations

import resource
import threading
from collections.abc import Callable

import psutil

POLL_S = 0.2


class TreeWatch:
    """Polls the RSS sum of ``pid`` and its descendants (and, optionally, more per process) until stopped."""

    def __init__(self, pid: int, each: Callable[[psutil.Process], None] | None = None) -> None:
        self.pid, self.each = pid, each
        self.peak = 0  # bytes
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _poll(self) -> None:
        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._done.wait(POLL_S):
            try:
                tree = [proc, *proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                if self.each is not None:
                    for p in tree:
                        self.each(p)
            except psutil.Error:
                pass


def peak_mb(polled: int, usage: resource.struct_rusage) -> int:
    """The child's peak in MB: the polled tree RSS, or its ``ru_maxrss`` when that is its own."""
    own = usage.ru_maxrss * 1024
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return round(max(polled, own if own > inherited else 0) / 2**20)
