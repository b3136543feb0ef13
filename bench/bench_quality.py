"""Matching quality on a generated client base, crm-migrate vs splink 5 (see ``bench/quality``).

``make bench`` measures 2,000 companies; ``BENCH_QUALITY_COMPANIES=2000,20000`` sets the sizes,
``python -m bench.quality --companies N`` runs one size alone. Tables: ``bench/results/quality.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.quality.__main__ import measure, write_results


def run(workdir: Path) -> list[dict]:
    rows = []
    for n in (int(s) for s in os.environ.get("BENCH_QUALITY_COMPANIES", "2000").split(",")):
        result = measure(n)
        write_results(n, result)
        for tool, r in result["tools"].items():
            rows.append(
                {
                    "name": f"quality {n:,} companies, {tool}: company F1 {r['company']['f1']:.3f}, "
                    f"contact F1 {r['contact']['f1']:.3f}",
                    "rows": result["manifest"]["records"],
                    "seconds": r["seconds"],
                    "peak_mb": r["peak_mb"],
                    "target_seconds": None,
                }
            )
    return rows
