"""Time and memory per stage of one ``crm-migrate`` command, from the progress stages it reports.

    python -m bench.stage_memory OUT.json -- run --config crm.yaml --target sqlite:///crm.db

Runs the CLI in this process with a listener on ``vocabulary.progress`` and a thread polling the
process's RSS; writes one entry per stage (``extract …``, ``normalise``, ``validate``, ``match``,
``golden records``, ``load into the CRM``) and per gap between stages (``after <stage>``: Dagster,
the checks, the report): seconds, RSS at its start and end, and the highest RSS seen while it ran.
Stage names are those of the run's language (``language: en`` in the config gives English ones).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from vocabulary import progress

POLL_S = 0.1
_MB = 2**20


@dataclass
class StageMemory:
    stage: str
    seconds: float = 0.0
    start_mb: int = 0
    end_mb: int = 0
    peak_mb: int = 0


class StageWatch:
    """A progress listener that splits the process's time and RSS by the stage running."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.stages: list[StageMemory] = []
        self._began = time.perf_counter()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._open("startup")
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _rss(self) -> int:
        return round(self.process.memory_info().rss / _MB)

    def _open(self, name: str) -> None:
        rss = self._rss()
        with self._lock:
            if self.stages:
                last = self.stages[-1]
                last.seconds = round(time.perf_counter() - self._began, 1)
                last.end_mb, last.peak_mb = rss, max(last.peak_mb, rss)
            self._began = time.perf_counter()
            self.stages.append(StageMemory(name, start_mb=rss, peak_mb=rss))

    def _poll(self) -> None:
        while not self._done.wait(POLL_S):
            rss = self._rss()
            with self._lock:
                self.stages[-1].peak_mb = max(self.stages[-1].peak_mb, rss)

    def started(self, stage: str, total: int | None) -> None:
        self._open(stage)

    def advanced(self, stage: str, done: int) -> None:
        pass

    def finished(self, stage: str, result: str) -> None:
        self._open(f"after {stage}")

    def close(self) -> list[StageMemory]:
        self._done.set()
        self._thread.join()
        self._open("end")
        return self.stages[:-1]


def main(argv: list[str]) -> int:
    out, sep, *cli_args = argv
    if sep != "--":
        raise SystemExit("usage: python -m bench.stage_memory OUT.json -- <crm-migrate arguments>")
    watch = StageWatch()  # before the CLI's imports: they are part of the startup
    from cli.main import main as crm_migrate

    try:
        with progress.listening(watch):
            return crm_migrate(cli_args)
    finally:
        stages = watch.close()
        Path(out).write_text(json.dumps([asdict(s) for s in stages], ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
