"""The whole `crm-migrate run` on N client-shaped source records, into SQLite and PostgreSQL.

    python -m bench.bench_e2e --records 1000000 [--targets sqlite postgres] [--profile]

The files are those of the quality benchmark (``bench/quality/generate.py``: the old CRM's
workbook with title rows, merged group headers and company + contact rows, a cp1251 ``;`` CSV of
1C counterparties, a contacts CSV and a CommerceML exchange file, with its duplicates and traps),
at ~3.35 records per company. For each target the real CLI runs three times in a child process
(``python -m cli.main run`` of this checkout):

* ``first`` — an empty target;
* ``unchanged`` — the same files again;
* ``changed 1%`` — the same files with 1 % of the records edited (an address, a position).

Wall time and peak memory are those of the child: the largest RSS sum of its process tree (psutil,
polled every 0.2 s; ``bench.peak``). ``--profile`` samples the first run with py-spy and
writes the top functions to ``bench/results/e2e_profile_<N>.txt``. Results: ``bench/results/e2e.md``
and ``e2e.json`` (one entry per size, the latest measurement of each).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.peak import TreeWatch, peak_mb
from bench.profile import RATE_HZ, summarise_py_spy
from bench.quality.generate import SOURCES, Sources, render, write_sources
from bench.quality.run_crm_migrate import write_config

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
RECORDS_PER_COMPANY = 3.35  # what the quality generator renders (33,483 records for 10,000 companies)
CHANGED_SHARE = 0.01
POSTGRES_ADMIN = os.environ.get("CRM_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGETS_S = {"first": 600, "unchanged": 60, "changed 1%": 120}  # at 1,000,000 records (issue 15)
PEAK_TARGET_MB = 6144
SCENARIOS = ("first", "unchanged", "changed 1%")


# ---------------------------------------------------------------- the client's files


def _edit_share(sources: Sources, share: float, seed: int) -> int:
    """Edit ``share`` of the records in place, as users do between two exports: an address, a position."""
    rng = random.Random(seed)
    edited = 0

    def hit() -> bool:
        nonlocal edited
        if rng.random() < share:
            edited += 1
            return True
        return False

    def moved(old: str) -> str:
        return f"{rng.randrange(100000, 699999)}, {old.split(', ', 1)[-1] if old else 'г. Москва'}, стр. 2"

    for card in sources.cards:
        if hit():
            card.company["Адрес"] = moved(card.company.get("Адрес", ""))
        for person, _ in card.people:
            if hit():
                person["Должность"] = "Руководитель отдела"
    for _, row, _ in sources.onec:
        if hit():
            row["Адрес"] = moved(row["Адрес"])
    for row, _ in sources.contacts:
        if hit():
            row["Должность"] = "Руководитель отдела"
    for cp in sources.xml:
        if hit():
            cp.fields["address"] = moved(cp.fields["address"] or "")
        for _, person, _ in cp.people:
            if hit():
                person["name"] = person["name"].upper()
    return edited


@dataclass
class Generated:
    base: Path
    changed: Path
    records: int
    edited: int
    seconds: float


def generate(workdir: Path, records: int, seed: int = 1) -> Generated:
    """Base files and the 1 %-edited copy in ``workdir/e2e_<N>/``; reused when already there."""
    root = workdir / f"e2e_{records}"
    manifest = root / "manifest.json"
    if manifest.exists():
        return Generated(**{**json.loads(manifest.read_text()), "base": root / "base", "changed": root / "changed"})
    start = time.perf_counter()
    _, sources = render(round(records / RECORDS_PER_COMPANY), seed)
    truth = write_sources(root / "base", sources)
    edited = _edit_share(sources, CHANGED_SHARE, seed + 3)
    write_sources(root / "changed", sources)
    made = {"records": len(truth), "edited": edited, "seconds": round(time.perf_counter() - start, 1)}
    manifest.write_text(json.dumps(made))
    return Generated(root / "base", root / "changed", **made)


# ---------------------------------------------------------------- one measured child


def measure(argv: list[str], log: Path, env: dict[str, str]) -> dict:
    """Wall time, CPU time and peak memory of one child.

    CPU: user + system of the process tree (under py-spy the CLI is a grandchild that wait4 does not
    account); on a shared machine the steadier figure, as wall time also counts other processes' turns.
    Peak: the tree's RSS sum, polled (``bench.peak``: the child's ru_maxrss only where it is its own).
    """
    start = time.perf_counter()
    cpu: dict[int, float] = {}  # pid → user + system seconds when last seen

    def cpu_of(p: psutil.Process) -> None:
        times = p.cpu_times()
        cpu[p.pid] = times.user + times.system

    with log.open("w", encoding="utf-8") as err:
        child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        with TreeWatch(child.pid, cpu_of) as watch:
            stdout = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]  # py-spy adds its own lines
    try:
        summary = json.loads(lines[-1]) if code == 0 and lines else {}
    except json.JSONDecodeError:
        summary = {}
    if code == 0 and not summary:  # py-spy exits 0 whatever its child did: no summary means the run failed
        code = 1
    cpu_s = max(usage.ru_utime + usage.ru_stime, sum(cpu.values()))
    return {
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_s": round(cpu_s, 1),
        "peak_mb": peak_mb(watch.peak, usage),
        "exit_code": code,
        "summary": summary,
    }


def _cli(config: Path, url: str, stages: Path) -> list[str]:
    """The CLI's run, its time and memory split by stage into ``stages`` (``bench.stage_memory``)."""
    cli = ["-q", "run", "--config", str(config), "--target", url, "--json"]
    return [sys.executable, "-m", "bench.stage_memory", str(stages), "--", *cli]


def _counts(summary: dict) -> dict:
    """created/updated/unchanged per entity from `run --json` (or the previous run's, when nothing changed)."""
    found = {}
    for entity in ("companies", "contacts"):
        part = summary.get(entity) or summary.get("result", {}).get(entity) or {}
        found[entity] = {k: part.get(k) for k in ("created", "updated", "unchanged", "merged", "deleted") if k in part}
    return found


# ---------------------------------------------------------------- targets


class PostgresDatabase:
    """A fresh database on the local server, dropped afterwards."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(POSTGRES_ADMIN)
        self.name = f"crm_e2e_{uuid.uuid4().hex[:10]}"
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {self.name}"))
        return self.admin_url.set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        self.engine.dispose()


def _py_spy() -> str | None:
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.exists() else shutil.which("py-spy")


def run_target(kind: str, data: Generated, profile: bool, scenarios: tuple[str, ...] = SCENARIOS) -> list[dict]:
    """The runs of ``scenarios`` (in SCENARIOS order) into one fresh target of ``kind``."""
    run_dir = data.base.parent / f"run_{kind}"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(data.base, run_dir)
    config = write_config(run_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DAGSTER_HOME": str(run_dir / "dagster_home")}
    env.pop("CRM_MIGRATE_TARGET_URL", None)
    rows = []
    with PostgresDatabase() if kind == "postgres" else _SqliteFile(run_dir / "crm.db") as url:
        for scenario in (s for s in SCENARIOS if s in scenarios):
            if scenario == "changed 1%":
                for name in SOURCES.values():
                    shutil.copy(data.changed / name, run_dir / name)
            stages = run_dir / f"stages_{scenario.split()[0]}.json"
            argv = _cli(config, url, stages)
            spy = _py_spy() if profile and scenario == "first" else None
            raw = run_dir / f"profile_{scenario.split()[0]}.txt"
            if spy:
                argv = [spy, "record", "--format", "raw", "--rate", str(RATE_HZ), "--idle", "-o", str(raw), "--", *argv]
            print(f"   {kind} {scenario}: running", flush=True)
            m = measure(argv, run_dir / f"stderr_{scenario.split()[0]}.log", env)
            row = {
                "target": kind,
                "scenario": scenario,
                "records": data.records,
                **m,
                "counts": _counts(m.pop("summary")),
            }
            if stages.exists():
                row["stages"] = json.loads(stages.read_text(encoding="utf-8"))
            if m["exit_code"]:
                errors = (run_dir / f"stderr_{scenario.split()[0]}.log").read_text(encoding="utf-8").splitlines()
                row["error"] = next((e for e in reversed(errors) if e.startswith("crm-migrate:")), "")[:300]
            if spy and raw.exists():
                summary_file = RESULTS / f"e2e_profile_{data.records}_{kind}.txt"
                summary_file.write_text(summarise_py_spy(raw.read_text(encoding="utf-8")), encoding="utf-8")
                row["profile"] = str(summary_file.relative_to(REPO))
            print(f"   {kind} {scenario}: {m['seconds']} s, peak {m['peak_mb']} MB, exit {m['exit_code']}", flush=True)
            rows.append(row)
    return rows


class _SqliteFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> str:
        self.path.unlink(missing_ok=True)
        return f"sqlite:///{self.path}"

    def __exit__(self, *exc: object) -> None:
        pass


# ---------------------------------------------------------------- results


def save_results(key: str, found: dict, section: str | None = None) -> None:
    """Merge one measurement into ``e2e.json`` (under ``section`` when given) and rewrite ``e2e.md``."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "e2e.json"
    sizes = json.loads(path.read_text()) if path.exists() else {}
    (sizes.setdefault(section, {}) if section else sizes)[key] = found
    path.write_text(json.dumps(sizes, indent=1, ensure_ascii=False))
    _write_markdown(sizes)


def _write_markdown(sizes: dict) -> None:
    lines = [
        "# End-to-end benchmark: `crm-migrate run` on client-shaped files",
        "",
        "Generated by `python -m bench.bench_e2e` (see bench/README.md). Targets (issue 15, at 1,000,000 "
        f"records, 2 cores): first run ≤ {TARGETS_S['first']} s, unchanged re-run ≤ {TARGETS_S['unchanged']} s, "
        f"1 %-changed re-run ≤ {TARGETS_S['changed 1%']} s, peak ≤ {PEAK_TARGET_MB} MB.",
        "",
    ]
    for key in sorted((k for k in sizes if k.isdigit()), key=int):
        s = sizes[key]
        lines += [
            f"## {int(key):,} source records ({s['when']}, load average {s['load_average']})",
            "",
            f"Files: {s['files_mb']} MB; generated in {s['generate_s']} s; {s['edited']:,} records edited "
            "for the 1 % run.",
            "",
            "| target | run | wall s | CPU s | peak MB | exit | companies c/u/= | contacts c/u/= | measured |",
            "|---|---|---:|---:|---:|---:|---|---|---|",
        ]
        for r in s["runs"]:
            c = r["counts"]
            lines.append(
                f"| {r['target']} | {r['scenario']} | {r['seconds']} | {r.get('cpu_s') or ''} | "
                f"{r['peak_mb']:,} | {r['exit_code']} | "
                + " | ".join(
                    "/".join(str(c[e].get(k, "")) for k in ("created", "updated", "unchanged"))
                    for e in ("companies", "contacts")
                )
                + f" | {r.get('when') or s['when']} |"
            )
        lines += [f"- {r['target']} {r['scenario']} failed: {r['error']}" for r in s["runs"] if r.get("error")]
        lines += [f"- {s['note']}"] if s.get("note") else []
        lines.append("")
        lines += _stage_table([r for r in s["runs"] if r["scenario"] == "first" and r.get("stages")])
    partitions = sizes.get("partitions", {})
    if partitions:
        lines += [
            "## Two sources' extract + normalise in parallel (`python -m bench.bench_partitions`)",
            "",
            "| records | sources | in-process s | multiprocess (2) s | speed-up | load average |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {p['records']:,} | {', '.join(p['sources'])} | {p['in_process_s']} | {p['multiprocess_2_s']} | "
            f"{p['speed_up']} | {p['load_average']} |"
            for p in partitions.values()
        ]
        lines.append("")
    (RESULTS / "e2e.md").write_text("\n".join(lines), encoding="utf-8")


def _stage_table(runs: list[dict]) -> list[str]:
    """Seconds and peak RSS per stage of the first runs (the gaps between stages under ``after …``)."""
    if not runs:
        return []
    names = list(dict.fromkeys(st["stage"] for r in runs for st in r["stages"]))
    by_run = [{st["stage"]: st for st in r["stages"]} for r in runs]
    lines = [
        "First run by stage (seconds / peak MB of the process while the stage ran):",
        "",
        "| stage | " + " | ".join(r["target"] for r in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for name in names:
        cells = [f"{st['seconds']} / {st['peak_mb']:,}" if (st := stages.get(name)) else "" for stages in by_run]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def bench(
    records: int, targets: list[str], workdir: Path, profile: bool = False, scenarios: tuple[str, ...] = SCENARIOS
) -> dict:
    data = generate(workdir, records)
    print(f"   {data.records:,} records in {data.base} (generated in {data.seconds} s)", flush=True)
    when = time.strftime("%Y-%m-%d %H:%M")
    runs = [{**row, "when": when} for kind in targets for row in run_target(kind, data, profile, scenarios)]
    # the other targets' rows of the last measurement at this size stay, with their own date
    previous = (
        json.loads((RESULTS / "e2e.json").read_text()).get(str(data.records), {})
        if (RESULTS / "e2e.json").exists()
        else {}
    )
    runs += [{"when": previous.get("when"), **row} for row in previous.get("runs", []) if row["target"] not in targets]
    size = {
        "records": data.records,
        "when": when,
        "edited": data.edited,
        "generate_s": data.seconds,
        "load_average": round(os.getloadavg()[0], 1),
        "files_mb": round(sum(f.stat().st_size for f in data.base.iterdir()) / 2**20),
        "runs": runs,
    }
    save_results(str(size["records"]), size)
    return size


def run(workdir: Path) -> list[dict]:
    """``make bench``: 100,000 records into SQLite (BENCH_E2E_RECORDS / BENCH_E2E_TARGETS for more)."""
    records = int(os.environ.get("BENCH_E2E_RECORDS", "100000"))
    targets = os.environ.get("BENCH_E2E_TARGETS", "sqlite").split(",")
    size = bench(records, targets, workdir)
    scale = records / 1_000_000
    return [
        {
            "name": f"e2e {r['target']} {r['scenario']}",
            "rows": r["records"],
            "seconds": r["seconds"],
            "peak_mb": r["peak_mb"],
            "target_seconds": round(TARGETS_S[r["scenario"]] * max(scale, 0.1)),
        }
        for r in size["runs"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--targets", nargs="+", default=["sqlite", "postgres"], choices=("sqlite", "postgres"))
    parser.add_argument("--profile", action="store_true", help="sample the first run of each target with py-spy")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        default=list(SCENARIOS),
        choices=SCENARIOS,
        help="which runs (the changed one needs the first)",
    )
    parser.add_argument("--workdir", type=Path, default=REPO / "bench" / "data")
    args = parser.parse_args(argv)
    size = bench(args.records, args.targets, args.workdir, args.profile, tuple(args.scenarios))
    failed = [r for r in size["runs"] if r["exit_code"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
