"""The loader alone: golden records (companies, contacts, phones, e-mails, links) into SQLite, PostgreSQL
and MariaDB — a first load, then an idempotent re-load of the same records, which must write nothing.

Targets (issue 12): 1,000,000 golden records first-loaded in under 2 minutes on PostgreSQL and
3 on SQLite; the re-load in under a third of that. A record is a company and its contact
person, each with a phone and an e-mail (bench/golden_data.py): 5 CRM rows and 2 links.
``BENCH_LOAD_N`` sets the size (default 1,000,000); ``BENCH_LOAD_TARGETS`` picks the servers
(default: sqlite,postgres,mariadb; a server that cannot be reached is skipped). The same from the
command line: ``python -m bench.bench_load --records 100000 --targets sqlite postgres``.
Results: bench/results/load.md (1M) or load_<N>k.md, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import measure_in_child

TARGET_FIRST = {"postgres": 120, "sqlite": 180}  # seconds for 1M records
SERVERS = {
    "postgres": os.environ.get("CRM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("CRM_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"),
}

_CHILD = """
import json, resource, sys, time
from sqlalchemy import func, select
from bench.golden_data import expected_keys, golden_frames
from connectors.crm_db import schema as s
from connectors.crm_db.engine import connect
from connectors.crm_db.load import RunInfo, load, utcnow
url, n = sys.argv[1], int(sys.argv[2])
companies, contacts, quarantine = golden_frames(n)
expected = expected_keys(companies, contacts)
built_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times, cpu, results = [], [], []
for run_id in ("first", "again"):
    start, start_cpu = time.perf_counter(), time.process_time()
    info = RunInfo(run_id, "bench", utcnow(), False, ("erp",), 2 * n)
    results.append(load(url, info, companies, contacts, quarantine, expected))
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
engine = connect(url)
with engine.connect() as conn:
    journal = s.change_journal
    written = conn.execute(select(func.count()).select_from(journal).where(journal.c.run_id == "again")).scalar_one()
    rows = {t: conn.execute(select(func.count()).select_from(s.metadata.tables[t])).scalar_one()
            for t in ("companies", "contacts", "phones", "emails", "source_links")}
engine.dispose()
first, again = results
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"first": times[0], "again": times[1], "first_cpu": cpu[0], "again_cpu": cpu[1],
                  "peak_mb": peak_mb, "frames_mb": built_mb, "again_written": written, "rows": rows,
                  "created": first.companies.created + first.contacts.created,
                  "unchanged": again.companies.unchanged + again.contacts.unchanged}))
"""


def _database(kind: str, workdir: Path) -> tuple[str, object]:
    """A fresh database URL of ``kind`` and a function that drops it."""
    if kind == "sqlite":
        path = workdir / "bench_load.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    admin = create_engine(make_url(SERVERS[kind]), isolation_level="AUTOCOMMIT")
    name = f"crm_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}" + (" WITH (FORCE)" if kind == "postgres" else "")))
        admin.dispose()

    return make_url(SERVERS[kind]).set(database=name).render_as_string(hide_password=False), drop


def run(workdir: Path) -> list[dict]:
    """``make bench``: the size and servers from the environment (see the module docstring)."""
    n = int(os.environ.get("BENCH_LOAD_N", "1000000"))
    return bench(n, os.environ.get("BENCH_LOAD_TARGETS", "sqlite,postgres,mariadb").split(","), workdir)


def bench(n: int, targets: list[str], workdir: Path) -> list[dict]:
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for kind in targets:
        try:
            url, drop = _database(kind, workdir)
        except Exception as exc:  # noqa: BLE001 — a server that is not there is skipped, visibly
            print(f"   {kind}: skipped ({type(exc).__name__})")
            continue
        try:
            started = time.perf_counter()
            m = measure_in_child(_CHILD, url, str(n))
            m["load_average"] = round(os.getloadavg()[0], 1)  # over the last minute: during the re-load
            print(f"   {kind}: {m} ({time.perf_counter() - started:.0f} s with building the frames)", flush=True)
        finally:
            drop()
        target = TARGET_FIRST.get(kind)
        scale = n / 1_000_000
        rows += [
            {
                "name": f"load {n:,} golden records → {kind}, first load",
                "rows": n,
                "seconds": m["first"],
                "peak_mb": m["peak_mb"],
                "target_seconds": round(target * scale, 1) if target else None,
                "detail": m,
            },
            {
                "name": f"load {n:,} golden records → {kind}, re-load (wrote {m['again_written']} rows)",
                "rows": n,
                "seconds": m["again"],
                "peak_mb": m["peak_mb"],
                # "under a third of that": of the first load's target, where the issue sets one
                "target_seconds": round((target * scale if target else m["first"]) / 3, 1),
                "detail": m,
            },
        ]
    _write(rows, n)
    return rows


def _write(rows: list[dict], n: int) -> None:
    out = Path(__file__).parent / "results" / ("load.md" if n >= 1_000_000 else f"load_{n // 1000}k.md")
    lines = [
        f"# Loader benchmark: {n:,} golden records ({time.strftime('%Y-%m-%d %H:%M')}, 2 shared CPUs)",
        "",
        "A record = a company + its contact, each with a phone and an e-mail: 5 CRM rows, 2 source links.",
        "Peak memory includes the golden frames themselves. *Loader CPU* is the loading process's own",
        "CPU time (the database server's work is not in it): on a machine shared with other jobs it is",
        "the steadier figure; *seconds* is wall-clock time.",
        "",
        "| measurement | seconds | loader CPU s | target s | peak MB | load average | CRM rows after |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        counts = ", ".join(f"{t} {c:,}" for t, c in r["detail"]["rows"].items())
        cpu = r["detail"]["first_cpu" if "first load" in r["name"] else "again_cpu"]
        lines.append(
            f"| {r['name']} | {r['seconds']:.1f} | {cpu:.1f} | {r['target_seconds'] or ''} "
            f"| {r['peak_mb']:.0f} | {r['detail']['load_average']} | {counts} |"
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="golden records (company + contact each)")
    parser.add_argument(
        "--targets", nargs="+", default=["sqlite", "postgres", "mariadb"], choices=("sqlite", "postgres", "mariadb")
    )
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args(argv)
    for row in bench(args.records, args.targets, args.workdir):
        target = f", target {row['target_seconds']} s" if row["target_seconds"] else ""
        print(f"{row['name']}: {row['seconds']:.1f} s{target}, peak {row['peak_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
