"""Workbook writing: 200,000 rows as an Excel table, the report's quarantine sheet (6 text columns)
and a wider one (8 columns: 6 text, 2 numbers).

The frame is built in the child (not timed); the time is ``write_workbook`` alone, file
closed and renamed; CPU seconds are given too, as the wall clock depends on the machine's load.
Every tenth client value looks like a formula or a phone (``=…``,
``+7 …``, ``-1``), so the text guard and quote-prefixed cells are part of the cost.
"""

from __future__ import annotations

from pathlib import Path

from bench import measure_in_child

ROWS = 200_000

_CHILD = """
import json, resource, sys, time
from pathlib import Path
import pandas as pd
from connectors.xlsx_writer import Sheet, write_workbook
rows, out, width = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
odd = ["=HYPERLINK(\\"http://x\\")", "+7 495 123-45-67", "-1", "@SUM(A1)", "0012345678"]
frame = pd.DataFrame({
    "source": ["old_crm" if i % 3 else "buh" for i in range(rows)],
    "origin": [f"Клиенты!{i + 2}" for i in range(rows)],
    "entity": ["company" if i % 4 else "contact" for i in range(rows)],
    "source_key": [odd[i % 5] if i % 10 == 0 else str(100000 + i) for i in range(rows)],
    "reasons": ["name: is empty" if i % 2 else "inn: checksum does not match; phone: too short" for i in range(rows)],
    "record": [f"Код: {i}; Клиент: ООО Ромашка-{i}; Телефон: +7 495 {i:07d}" for i in range(rows)],
    "score": [i % 100 for i in range(rows)],
    "share": [i / rows for i in range(rows)],
}, dtype=object).iloc[:, :width]
start, cpu = time.perf_counter(), time.process_time()
write_workbook(out, {"quarantine": Sheet(frame, table=True, notes={"reasons": "why"})})
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "mb": out.stat().st_size / 1e6,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(workdir: Path) -> list[dict]:
    out = []
    for width, what in ((6, "the quarantine sheet's 6 text columns"), (8, "8 columns")):
        m = measure_in_child(_CHILD, str(ROWS), str(workdir / "report_200k.xlsx"), str(width))
        out.append(
            {
                "name": f"write_workbook 200k rows x {what}, Excel table ({m['mb']:.0f} MB, {m['cpu']:.1f} s CPU)",
                "rows": ROWS,
                "seconds": m["seconds"],
                "peak_mb": m["peak_mb"],
                "target_seconds": 10,
            }
        )
    return out
