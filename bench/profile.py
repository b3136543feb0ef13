"""Summarise a py-spy ``--format raw`` profile of `crm-migrate run`: seconds per stage and the top functions.

Raw profiles are collapsed stacks, one ``frame;frame;… count`` line per distinct stack. Only the
main thread counts (stacks rooted at ``_run_module_as_main``): it does the work, Dagster's other
threads mostly wait. Sampled with ``--idle``, time spent waiting on the database is included.
"""

from __future__ import annotations

import re
from collections import Counter

RATE_HZ = 20  # bench_e2e samples at this rate
# Asset and check functions of pipelines/ → the stage a consultant knows.
STAGES = {
    "_extract": "extract",
    "normalised": "normalise",
    "validate": "validate",
    "matched": "match",
    "golden": "golden",
    "loaded": "load",
    "quality_report": "quality report",
    "schema_conformance": "checks",
    "phone_validity": "checks",
    "duplicate_identifiers": "checks",
    "reconciliation": "checks",
}
_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
REPO_DIRS = ("cli/", "pipelines/", "connectors/", "transforms/", "validators/", "vocabulary/")


def _frames(stack: str) -> list[tuple[str, str]]:
    out = []
    for frame in stack.split(";"):
        m = _FRAME.match(frame.strip())
        out.append((m["func"], m["file"]) if m else (frame.strip(), ""))
    return out


def _short(func: str, file: str) -> str:
    for d in REPO_DIRS:
        if f"/{d}" in f"/{file}":
            return f"{func} ({d}{file.split('/' + d, 1)[-1] if '/' + d in file else file.split(d, 1)[-1]})"
    parts = file.split("site-packages/")[-1].split("/")
    return f"{func} ({'/'.join(parts[-2:])})"


def _stage(frames: list[tuple[str, str]]) -> str:
    for func, file in frames:
        name = func.rsplit(".", 1)[-1]  # build_clean_assets.<locals>.normalised → normalised
        if "pipelines/" in file and name in STAGES:
            return STAGES[name]
    return "startup, Dagster and the CLI"


def summarise_py_spy(raw: str, rate: int = RATE_HZ, top: int = 25) -> str:
    """A text report: wall seconds and share per stage, the top functions by own and by total time."""
    stages: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or "_run_module_as_main" not in stack:
            continue
        n = int(count)
        frames = _frames(stack)
        samples += n
        stages[_stage(frames)] += n
        own[_short(*frames[-1])] += n
        for name in {_short(*f) for f in frames}:
            total[name] += n
    if not samples:
        return "no samples of the main thread\n"

    def table(counter: Counter[str], limit: int) -> list[str]:
        return [f"{n / rate:8.1f} s {n / samples:6.1%}  {name}" for name, n in counter.most_common(limit)]

    return "\n".join(
        [
            f"main thread: {samples / rate:.1f} s sampled",
            "",
            "by stage:",
            *table(stages, 20),
            "",
            "by own time:",
            *table(own, top),
            "",
            "by total time (project functions):",
            *table(Counter({k: v for k, v in total.items() if any(f"({d}" in k for d in REPO_DIRS)}), top),
            "",
        ]
    )
