"""Run every benchmark and write ``bench/results/latest.md`` and ``latest.json``.

Each ``bench/bench_*.py`` module exposes ``run(workdir: Path) -> list[dict]``; a
dict describes one measurement: ``name``, ``rows``, ``seconds``, ``peak_mb``,
``target_seconds`` (or None). Data is generated into ``workdir`` (git-ignored).
Usage: ``python -m bench [NAME_SUBSTRING ...]``; with names, the other benchmarks' earlier results are kept.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    workdir = HERE / "data"
    workdir.mkdir(exist_ok=True)
    results: list[dict] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if argv and not any(a in path.stem for a in argv):
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"== {path.stem}", flush=True)
        for row in module.run(workdir):
            row["rows_per_s"] = round(row["rows"] / row["seconds"]) if row["seconds"] else None
            target = row.get("target_seconds")
            row["ok"] = None if target is None else row["seconds"] <= target
            print(
                f"   {row['name']}: {row['rows']:,} rows in {row['seconds']:.1f} s "
                f"({row['rows_per_s']:,}/s), peak {row['peak_mb']:.0f} MB"
                + ("" if target is None else f", target {target} s: {'OK' if row['ok'] else 'MISSED'}"),
                flush=True,
            )
            results.append(row)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    if argv and (out / "latest.json").is_file():  # a partial run replaces only what it measured
        measured = {r["name"] for r in results}
        earlier = json.loads((out / "latest.json").read_text())["results"]
        results = [r for r in earlier if r["name"] not in measured] + results
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    (out / "latest.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
    lines = [
        f"# Benchmark results ({meta['when']}, Python {meta['python']}, {meta['cpus']} CPUs)",
        "",
        "| benchmark | rows | seconds | rows/s | peak MB | target s | ok |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows_per_s']:,} | "
            f"{r['peak_mb']:.0f} | {r.get('target_seconds') or ''} | "
            f"{'' if r['ok'] is None else ('yes' if r['ok'] else 'NO')} |"
        )
    (out / "latest.md").write_text("\n".join(lines) + "\n")
    print(f"results written to {out / 'latest.md'}")
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
