"""Run the real ``crm-migrate run`` on the generated files and judge its target database.

    python -m bench.quality.run_crm_migrate --data bench/data/quality_2000

The config is what a consultant writes for these files: four sources, and for the old CRM the
``columns:`` block (its merged group header makes the automatic mapping take «Компания №» for
the company name — see bench/README.md). Predicted clusters are the records sharing a
``crm_id`` in ``source_links``; quarantined records are singletons. The same files with every
row shuffled are run into a second database; the two partitions are compared by ``record_id``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from bench.peak import TreeWatch, peak_mb
from bench.quality import score
from bench.quality.generate import SHEET, SOURCES

OLD_CRM_COLUMNS = {  # the two-row header as the reader joins it: «Компания» over «Клиент» → «Компания Клиент»
    "company": {
        "name": "Компания Клиент",
        "inn": "Компания ИНН",
        "city": "Компания Город",
        "address": "Компания Адрес",
        "phone": "Компания Телефон",
        "manager": "Служебное Менеджер",
        "note": "Служебное Комментарий",
    },
    "contact": {
        "full_name": "Контактное лицо",
        "position": "Контактное лицо Должность",
        "phone": "Контактное лицо Моб. телефон",
        "email": "Контактное лицо E-mail",
    },
}
REFERENCE_REASONS = ("not found", "не найден")
REPO = Path(__file__).resolve().parents[2]


def write_config(data: Path, auto_columns: bool = False) -> Path:
    sources = [
        {
            "name": "old_crm",
            "kind": "excel",
            "path": SOURCES["old_crm"],
            "sheet": SHEET,
            "entity": "mixed",
            "key": "Компания №",
            **({} if auto_columns else {"columns": OLD_CRM_COLUMNS}),
        },
        {"name": "buh_1c", "kind": "csv", "path": SOURCES["buh_1c"], "entity": "companies", "key": "Код"},
        {"name": "contacts", "kind": "csv", "path": SOURCES["contacts"], "entity": "contacts"},
        {"name": "exchange", "kind": "onec_xml", "path": SOURCES["exchange"]},
    ]
    config = {
        "name": "quality-bench",
        "default_region": "RU",
        "target": {"url": "sqlite:///crm.db"},
        "sources": sources,
        "matching": {},
    }
    path = data / "migration.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def cli_module() -> str:
    """The CLI's module in this checkout: ``cli.main`` once the CLI has moved there, ``cli.main`` before.

    Only this checkout counts: the shared venv's editable install may offer another tree's ``cli``.
    """
    for name in ("cli.main", "cli.main"):
        if (REPO / Path(*name.split("."))).with_suffix(".py").is_file():
            return name
    raise SystemExit(f"no crm-migrate CLI module in {REPO} (cli/main.py, pipelines/cli.py)")


def run_measured(argv: list[str], log: Path) -> dict:
    """Run a child process; its wall time and peak RSS (``bench.peak``: polled, not the parent's)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        with TreeWatch(child.pid) as watch:
            _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "peak_mb": peak_mb(watch.peak, usage),
        "exit_code": child.returncode,
    }


def run_cli(data: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    code = f"import sys; from {cli_module()} import main; sys.exit(main(sys.argv[1:]))"
    m = run_measured(
        [sys.executable, "-c", code, "run", "--config", str(write_config(data)), "--target", f"sqlite:///{db}"],
        db.with_suffix(".log"),
    )
    if m["exit_code"] != 0:
        raise SystemExit(f"crm-migrate run failed ({m['exit_code']}): see {db.with_suffix('.log')}")
    return m


def read_truth(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "truth.csv", dtype=str, keep_default_na=False)


def _clusters(db: Path, truth: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per entity: the truth records with the CRM record each became (quarantined: singletons)."""
    with sqlite3.connect(db) as con:
        links = pd.read_sql("select entity, source, source_key, crm_id from source_links", con, dtype=str)
    keyed = truth.merge(links, on=["entity", "source", "source_key"], how="left")
    out = {}
    for entity in ("company", "contact"):
        part = keyed[keyed["entity"] == entity]
        out[entity] = score.with_singletons(part.drop(columns="crm_id"), part.set_index("record_id")["crm_id"].dropna())
    return out


def _target_facts(db: Path, truth: pd.DataFrame) -> dict:
    with sqlite3.connect(db) as con:
        links = pd.read_sql("select entity, source, source_key, crm_id from source_links", con, dtype=str)
        run_id = con.execute("select id from migration_runs order by started_at desc limit 1").fetchone()[0]
        quarantine = pd.read_sql(
            "select source, source_key, entity, reasons from quarantine where run_id = ?",
            con,
            params=(run_id,),
            dtype=str,
        )
        phantoms = con.execute(
            "select count(*) from contacts where deleted_at is null and coalesce(trim(full_name), '') = '' "
            "and coalesce(trim(last_name), '') = '' and coalesce(trim(first_name), '') = '' "
            "and coalesce(trim(position), '') = ''"
        ).fetchone()[0]
        attached = pd.read_sql(
            "select l.source, l.source_key, c.company_id from source_links l "
            "join contacts c on c.id = l.crm_id where l.entity = 'contact'",
            con,
            dtype=str,
        )
    known = set(zip(truth["entity"], truth["source"], truth["source_key"]))
    unknown = [k for k in zip(links["entity"], links["source"], links["source_key"]) if k not in known]
    reasons = quarantine["reasons"].fillna("").str.casefold()
    by_reference = quarantine[(quarantine["entity"] == "contact") & reasons.str.contains("|".join(REFERENCE_REASONS))]
    return {
        "quarantined": {f"{e}/{s}": int(n) for (e, s), n in quarantine.groupby(["entity", "source"]).size().items()},
        "quarantined_for_reference": len(by_reference),
        "phantom_contacts": int(phantoms),
        "links_not_in_truth": dict(Counter(f"{e}/{s}" for e, s, _ in unknown)),
        "contacts_on_their_company": _attachment(db, truth, attached),
    }


def _attachment(db: Path, truth: pd.DataFrame, attached: pd.DataFrame) -> float | None:
    """Share of linked contact records whose CRM contact sits on a CRM company holding their true company."""
    with sqlite3.connect(db) as con:
        company_links = pd.read_sql(
            "select source, source_key, crm_id from source_links where entity = 'company'", con, dtype=str
        )
    companies = truth[truth["entity"] == "company"].merge(company_links, on=["source", "source_key"])
    holds = set(zip(companies["crm_id"], companies["company_id"]))
    contacts = truth[truth["entity"] == "contact"].merge(attached, on=["source", "source_key"])
    if contacts.empty:
        return None
    ok = [(crm, true) in holds for crm, true in zip(contacts["company_id_y"], contacts["company_id_x"])]
    return round(sum(ok) / len(ok), 4)


def evaluate(data: Path, db: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    truth = read_truth(data)
    clusters = _clusters(db, truth)
    result = {e: {**score.pairwise(f, e), "violations": score.violations(f, e)} for e, f in clusters.items()}
    return {**result, **_target_facts(db, truth)}, clusters


def benchmark(data: Path, shuffled: Path) -> dict:
    """Run on ``data`` and on its shuffled twin ``shuffled``; quality of the first, order check of both."""
    first = run_cli(data, data / "crm.db")
    result, clusters = evaluate(data, data / "crm.db")
    second = run_cli(shuffled, shuffled / "crm.db")
    _, reordered = evaluate(shuffled, shuffled / "crm.db")
    differ = {e: score.differing_records(clusters[e], reordered[e]) for e in clusters}
    return {
        "tool": "crm-migrate",
        **result,
        "seconds": first["seconds"],
        "peak_mb": first["peak_mb"],
        "shuffled_seconds": second["seconds"],
        "order_independent": not any(differ.values()),
        "records_clustered_differently_when_shuffled": differ,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a directory written by bench.quality.generate")
    parser.add_argument("--shuffled", type=Path, help="the same records shuffled (generate --shuffle)")
    args = parser.parse_args(argv)
    if args.shuffled:
        print(json.dumps(benchmark(args.data, args.shuffled), ensure_ascii=False, indent=1))
        return 0
    m = run_cli(args.data, args.data / "crm.db")
    result, _ = evaluate(args.data, args.data / "crm.db")
    print(json.dumps({"tool": "crm-migrate", **result, **m}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
