"""Incremental sync benchmark: the fake 1C with 50,000 counterparties, a full extract, then a sync after
100 changes and 10 deletions. Measures full records fetched, wall times and rows changed that the
changes do not concern. ``python -m bench.bench_sync [N]``; results in bench/results/sync.md."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from cli.main import main
from connectors.onec_odata import ODataOptions, scan_versions
from tests.fake_onec import FakeOneC, counterparty, guid

CATALOG = "Catalog_Контрагенты"
RESULTS = Path(__file__).parent / "results" / "sync.md"


def _snapshot(url: str) -> dict[int, tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                text(
                    "SELECT id, name, inn, deleted_at, updated_at, (SELECT GROUP_CONCAT(e164) FROM phones p "
                    "WHERE p.company_id = c.id) FROM companies c"
                )
            )
        }
    engine.dispose()
    return rows


def bench(n: int = 50_000, changes: int = 100, deletions: int = 10) -> str:
    os.environ["ONEC_BENCH_PASSWORD"] = "bench"
    rows = [
        counterparty(i, f"Компания {i} ООО", phones=[f"+7 495 {i // 10000:03d}-{i // 100 % 100:02d}-{i % 100:02d}"])
        for i in range(1, n + 1)
    ]
    with tempfile.TemporaryDirectory() as folder, FakeOneC({CATALOG: rows}, password="bench") as onec:
        db = f"sqlite:///{folder}/crm.db"
        config = Path(folder) / "migration.yaml"
        config.write_text(
            f"name: bench-sync\ntarget: {{url: '{db}'}}\nsources:\n  - name: buh\n    kind: onec_odata\n"
            f"    url: {onec.url}\n    user: odata\n    password_env: ONEC_BENCH_PASSWORD\n",
            "utf-8",
        )
        started = time.perf_counter()
        assert main(["run", "--config", str(config)]) == 0
        full_run = time.perf_counter() - started
        before = _snapshot(db)
        changed = range(1, n + 1, n // changes)[:changes]
        for i in changed:
            onec.change(CATALOG, guid(i), Description=f"Компания {i} Плюс ООО")
        deleted = range(2, n + 1, n // deletions)[:deletions]
        for i in deleted:
            onec.remove(CATALOG, guid(i))
        onec.full_records.clear()
        started = time.perf_counter()
        scan_versions(onec.url, "odata", "bench", options=ODataOptions())
        scan = time.perf_counter() - started
        started = time.perf_counter()
        assert main(["sync", "--config", str(config)]) == 0
        sync = time.perf_counter() - started
        fetched = onec.full_records[CATALOG]
        after = _snapshot(db)
        concerned = set()
        engine = create_engine(db)
        with engine.connect() as conn:
            keys = [guid(i) for i in (*changed, *deleted)]
            concerned = {
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT crm_id FROM source_links WHERE source_key IN (" + ",".join(f"'{k}'" for k in keys) + ")"
                    )
                )
            }
        engine.dispose()
        untouched_changed = sum(1 for i, row in after.items() if i not in concerned and before.get(i) != row)
    lines = [
        f"# Incremental sync benchmark ({time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs)",
        "",
        f"Fake 1C with {n:,} counterparties; after the full extract, {changes} changes and {deletions} deletions.",
        "",
        "| measure | value | target | ok |",
        "|---|---:|---:|---|",
        f"| full records fetched by the sync | {fetched} | ≤ {2 * changes + deletions} | "
        f"{'yes' if fetched <= 2 * changes + deletions else 'no'} |",
        f"| untouched CRM rows changed | {untouched_changed} | 0 | {'yes' if untouched_changed == 0 else 'no'} |",
        f"| version scan alone (a sensor tick), s | {scan:.1f} | | |",
        f"| sync wall time (scan, fetch, whole pipeline, load), s | {sync:.1f} | < 10 "
        f"| {'yes' if sync < 10 else 'no'} |",
        f"| first full run, s | {full_run:.1f} | | |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    report = bench(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)
