"""The quality benchmark: generate a client base, run crm-migrate and splink on it, write the table.

    python -m bench.quality --companies 2000 [--seed 1] [--only crm-migrate|splink]

Data go to ``bench/data/quality_<N>`` (and ``…_shuffled``, the same records in another row
order); results to ``bench/results/quality.json`` and ``quality.md``, one section per size
(a run replaces its own size's section and keeps the others).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from pathlib import Path

from bench.quality import run_crm_migrate, run_splink
from bench.quality.generate import generate

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
RESULTS = HERE.parent / "results"
SHUFFLE_SEED = 7


def _commit() -> str:
    repo = HERE.parents[1]
    out = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%h %s"], check=False, capture_output=True, text=True
    )
    return out.stdout.strip()


def measure(companies: int, seed: int = 1, only: str | None = None) -> dict:
    data, shuffled = DATA / f"quality_{companies}", DATA / f"quality_{companies}_shuffled"
    manifest = generate(data, companies, seed)
    generate(shuffled, companies, seed, shuffle=SHUFFLE_SEED)
    print(f"generated {manifest['records']:,} records of {companies:,} companies in {data}", flush=True)
    tools = {}
    if only in (None, "crm-migrate"):
        tools["crm-migrate"] = run_crm_migrate.benchmark(data, shuffled)
        print(f"crm-migrate: {tools['crm-migrate']['seconds']} s", flush=True)
    if only in (None, "splink"):
        tools["splink"] = run_splink.benchmark(data, shuffled)
        print(f"splink: {tools['splink']['seconds']} s", flush=True)
    return {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "code": _commit(),
        "python": platform.python_version(),
        "manifest": manifest,
        "tools": tools,
    }


def _prf(m: dict) -> str:
    return f"{m['precision']:.3f} / {m['recall']:.3f} / **{m['f1']:.3f}**"


def _row(title: str, cm: dict | None, sp: dict | None, show) -> str:
    return f"| {title} | {show(cm, 'crm') if cm else '—'} | {show(sp, 'splink') if sp else '—'} |"


def section(size: int, r: dict) -> list[str]:
    cm, sp, m = r["tools"].get("crm-migrate"), r["tools"].get("splink"), r["manifest"]
    by = m["by_source"]
    lines = [
        f"## {size:,} companies",
        "",
        (
            f"{m['records']:,} source records ({', '.join(f'{k} {v:,}' for k, v in by.items())}) of "
            f"{m['true_companies']:,} true companies and {m['true_people']:,} true people; seed {m['seed']}; "
            f"measured {r['when']} on `{r['code']}`."
        ),
        "",
        "| | crm-migrate | splink 5 (p ≥ 0.9) |",
        "|---|---|---|",
    ]

    def violations(x: dict, _: str) -> str:
        v, c = x["company"]["violations"], x["contact"]["violations"]
        return (
            f"{v['two_valid_inns_written']} / {v['head_office_and_branch']} / {v['entrepreneur_and_legal']} "
            f"/ {c['two_first_names']}"
        )

    def prf(entity: str):
        def show(x: dict, tool: str) -> str:
            extra = (
                f" (best F1 {x[entity]['best_f1']:.3f} at p ≥ {x[entity]['best_threshold']})"
                if tool == "splink"
                else ""
            )
            return _prf(x[entity]) + extra

        return show

    lines += [
        _row("companies P / R / F1", cm, sp, prf("company")),
        _row("contacts P / R / F1", cm, sp, prf("contact")),
        _row(
            "violations: 2 valid INNs / head office + branch / ИП + legal entity / contact with 2 first names",
            cm,
            sp,
            violations,
        ),
        _row(
            "output companies holding 2 true INNs",
            cm,
            sp,
            lambda x, _: str(x["company"]["violations"]["two_true_inns"]),
        ),
        _row(
            "contacts quarantined for an unresolved company reference",
            cm,
            sp,
            lambda x, t: str(x["quarantined_for_reference"]) if t == "crm" else "n/a (no references)",
        ),
        _row(
            "phantom contacts (no name, no position)",
            cm,
            sp,
            lambda x, t: str(x["phantom_contacts"]) if t == "crm" else "n/a (creates no records)",
        ),
        _row(
            "contact records on a CRM company holding their true company",
            cm,
            sp,
            lambda x, t: f"{x['contacts_on_their_company']:.3f}" if t == "crm" else "n/a",
        ),
        _row(
            "order independent (rows of every file shuffled)",
            cm,
            sp,
            lambda x, t: (
                "yes"
                if x["order_independent"]
                else "no"
                + (
                    f" ({sum(x['records_clustered_differently_when_shuffled'].values()):,} "
                    "records clustered differently)"
                    if t == "crm"
                    else ""
                )
            ),
        ),
        _row(
            "time, s",
            cm,
            sp,
            lambda x, t: (
                f"{x['seconds']:.1f}" + (" (whole `run`: read → load)" if t == "crm" else " (read, train, predict)")
            ),
        ),
        _row("peak memory, MB", cm, sp, lambda x, _: str(x["peak_mb"])),
        "",
    ]
    return lines


def write_results(size: int, result: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "quality.json"
    runs = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    previous = runs.get(str(size), {}).get("tools", {})
    result["tools"] = {**previous, **result["tools"]}  # --only keeps the other tool's last figures
    runs[str(size)] = result
    path.write_text(json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [
        "# Matching quality: crm-migrate vs splink 5 on a generated client base",
        "",
        (
            "Generated by `python -m bench.quality --companies N` (see bench/README.md, «Matching quality»). "
            "Violations count output clusters (CRM records) breaking a hard rule."
        ),
        "",
    ]
    for n in sorted(runs, key=int):
        lines += section(int(n), runs[n])
    out = RESULTS / "quality.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, nargs="+", default=[2_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("crm-migrate", "splink"))
    args = parser.parse_args(argv)
    for n in args.companies:
        print(f"results written to {write_results(n, measure(n, args.seed, args.only))}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
