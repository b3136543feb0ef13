"""The whole pipeline (extract → load) on the 100k-row intake workbook, into SQLite.

Measures a first load and an idempotent re-run. No target is set by an issue yet: the
figures tell where time goes as client bases grow.
"""

from __future__ import annotations

from pathlib import Path

from bench import measure_in_child
from bench.bench_intake import XLSX_ROWS, make_xlsx

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cli.runner import execute
config, db = Path(sys.argv[1]), Path(sys.argv[2])
db.unlink(missing_ok=True)
times = []
for _ in range(2):
    start = time.perf_counter()
    summary = execute(config, target=f"sqlite:///{db}", dry_run=False)
    times.append(time.perf_counter() - start)
c = summary.result.companies
print(json.dumps({"first": times[0], "rerun": times[1], "created_then_unchanged": c.unchanged,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(workdir: Path) -> list[dict]:
    workbook = make_xlsx(workdir / "intake_100k.xlsx")
    config = workdir / "pipeline_100k.yaml"
    config.write_text(
        f"name: bench\ntarget: {{url: 'sqlite:///{workdir / 'pipeline.db'}'}}\n"
        f"sources:\n  - {{name: crm, kind: excel, path: {workbook.name}, key: Код}}\n",
        encoding="utf-8",
    )
    m = measure_in_child(_CHILD, str(config), str(workdir / "pipeline.db"))
    return [
        {
            "name": "pipeline 100k mixed rows → SQLite, first load",
            "rows": XLSX_ROWS,
            "seconds": m["first"],
            "peak_mb": m["peak_mb"],
            "target_seconds": None,
        },
        {
            "name": "pipeline 100k mixed rows → SQLite, re-run (nothing changes)",
            "rows": XLSX_ROWS,
            "seconds": m["rerun"],
            "peak_mb": m["peak_mb"],
            "target_seconds": None,
        },
    ]
