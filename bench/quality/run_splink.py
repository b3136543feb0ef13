"""splink 5 (DuckDB) on the same generated files, configured as a competent user would off the shelf.

    python -m bench.quality.run_splink --data bench/data/quality_2000

Files are read with pandas (``read_files.py``) and lightly normalised: lower case, ё → е, legal
forms and punctuation stripped from company names, the digits of the first phone (last ten),
the first e-mail, the city from its column or from «г. X» in the address. Companies and
contacts are deduplicated separately (contacts carry their company's name key as a field):

* blocking: name key, INN, phone, e-mail (contacts: name, phone, e-mail, company + surname);
* comparisons: name Jaro-Winkler at 0.95 / 0.88 / 0.75 with term-frequency adjustments, INN,
  KPP, phone, e-mail, city exact (contacts: name, phone, e-mail, company name);
* training: λ from an exact INN (contacts: exact e-mail) rule, u by random sampling, m by EM
  over name and INN (contacts: name and phone) blocks;
* clusters: connected components of pairs at match probability ≥ 0.9, and the threshold with
  the best F1 reported beside it (which needs the truth: splink's ceiling, not its default).

Run in a child process per input so time and peak memory are splink's own.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import pandas as pd

from bench.quality import score
from bench.quality.read_files import read_sources
from bench.quality.run_crm_migrate import read_truth, run_measured

THRESHOLD = 0.9
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
FLOOR = 0.3  # predictions below this are not kept
SEED = 1
_FORMS = re.compile(
    r"\b(общество с ограниченной ответственностью|закрытое акционерное общество|открытое "
    r"акционерное общество|публичное акционерное общество|акционерное общество|индивидуальный "
    r"предприниматель|муниципальное унитарное предприятие|ооо|зао|оао|пао|ао|ип|муп|llc|ltd|jsc)\b"
)
_CITY = re.compile(r"\bг\.?\s+([А-ЯЁа-яё][А-ЯЁа-яё-]+(?:\s[А-ЯЁ][а-яё]+)?)")


def _plain(text: str) -> str:
    text = text.lower().replace("ё", "е")
    return re.sub(r"\s+", " ", re.sub(r"[^\w+ ]", " ", text)).strip()


def name_key(text: str) -> str:
    return re.sub(r"\s+", " ", _FORMS.sub(" ", _plain(text))).strip() or None


def first_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", re.split(r",|;| / |доб|вн\.", text)[0]) if text else ""
    return digits[-10:] if len(digits) >= 10 else None


def first_email(text: str) -> str | None:
    found = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text.lower()) if text else []
    return found[0] if found else None


def city(row: dict) -> str | None:
    text = row["city"] or ""
    if not text and (m := _CITY.search(row.get("address") or "")):
        text = m.group(1)
    text = _plain(re.sub(r"^г\.?\s*", "", text))
    return {"спб": "санкт петербург", "н новгород": "нижний новгород"}.get(text, text) or None


def prepare(companies: pd.DataFrame, contacts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = pd.DataFrame(
        {
            "unique_id": companies["source"] + "|" + companies["source_key"],
            "name_key": companies["name"].map(name_key),
            "inn": companies["inn"].where(companies["inn"].str.fullmatch(r"\d{9,12}"), None),
            "kpp": companies["kpp"].replace("", None),
            "phone": companies["phone"].map(first_phone),
            "email": companies["email"].map(first_email),
            "city": [city(r) for r in companies.to_dict("records")],
        }
    )
    names = contacts["full_name"].map(lambda s: _plain(s) or None)
    p = pd.DataFrame(
        {
            "unique_id": contacts["source"] + "|" + contacts["source_key"],
            "full_name": names,
            "surname": names.map(lambda s: max(s.split(), key=len) if s else None),
            "phone": contacts["phone"].map(first_phone),
            "email": contacts["email"].map(first_email),
            "company_key": contacts["company_name"].map(name_key),
        }
    )
    return c, p


def _settings(entity: str):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if entity == "company":
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name="unique_id",
            blocking_rules_to_generate_predictions=[
                block_on("name_key"),
                block_on("inn"),
                block_on("phone"),
                block_on("email"),
            ],
            comparisons=[
                cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88, 0.75]).configure(term_frequency_adjustments=True),
                cl.ExactMatch("inn"),
                cl.ExactMatch("kpp"),
                cl.ExactMatch("phone"),
                cl.ExactMatch("email"),
                cl.ExactMatch("city"),
            ],
            retain_intermediate_calculation_columns=False,
        )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("full_name"),
            block_on("phone"),
            block_on("email"),
            block_on("company_key", "surname"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88, 0.75]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.ExactMatch("email"),
            cl.JaroWinklerAtThresholds("company_key", [0.95, 0.85]),
        ],
        retain_intermediate_calculation_columns=False,
    )


def predict(frame: pd.DataFrame, entity: str) -> pd.DataFrame:
    """Scored pairs (unique_id_l, unique_id_r, match_probability) at or above ``FLOOR``."""
    from splink import Linker, block_on
    from splink.backends.duckdb import DuckDBAPI

    db = DuckDBAPI()
    linker = Linker(db.register(frame), _settings(entity), log_level=40)
    exact, em_rules = (
        (("inn", "name_key"), ("name_key", "inn"))
        if entity == "company"
        else (("email", "full_name"), ("full_name", "phone"))
    )
    linker.training.estimate_probability_two_random_records_match([block_on(exact[0])], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=SEED)
    for column in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(column))
    pairs = linker.inference.predict(threshold_match_probability=FLOOR).as_pandas_dataframe()
    return pairs[["unique_id_l", "unique_id_r", "match_probability"]]


def components(ids: list[str], pairs: pd.DataFrame) -> pd.Series:
    """Connected components (what splink's clustering computes) as a cluster label per id."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"]):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return pd.Series({i: find(i) for i in ids})


def child(data: str, out: str) -> None:
    """Read, normalise, train, predict (timed); then cluster at every threshold and write the JSON."""
    start = time.perf_counter()
    companies, contacts = prepare(*read_sources(Path(data)))
    pairs = {"company": predict(companies, "company"), "contact": predict(contacts, "contact")}
    seconds = time.perf_counter() - start
    truth = read_truth(Path(data))
    truth["uid"] = truth["source"] + "|" + truth["source_key"]
    result: dict = {"seconds": round(seconds, 2)}
    partitions = {}
    for entity, frame in (("company", companies), ("contact", contacts)):
        records = truth[truth["entity"] == entity]
        by_threshold = {}
        for t in THRESHOLDS:
            labels = components(frame["unique_id"].tolist(), pairs[entity][pairs[entity]["match_probability"] >= t])
            clustered = score.with_singletons(
                records, pd.Series(labels.reindex(records["uid"]).values, index=records["record_id"]).dropna()
            )
            by_threshold[t] = {**score.pairwise(clustered, entity), "violations": score.violations(clustered, entity)}
            if t == THRESHOLD:
                partitions[entity] = sorted(sorted(c) for c in score.partition(clustered))
        best = max(by_threshold, key=lambda t: by_threshold[t]["f1"])
        result[entity] = {
            **by_threshold[THRESHOLD],
            "best_threshold": best,
            "best_f1": by_threshold[best]["f1"],
            "by_threshold": {str(t): v["f1"] for t, v in by_threshold.items()},
        }
    Path(out).write_text(json.dumps({**result, "partitions": partitions}, ensure_ascii=False), encoding="utf-8")


def run(data: Path) -> dict:
    out = data / "splink.json"
    code = "import sys; from bench.quality.run_splink import child; child(sys.argv[1], sys.argv[2])"
    m = run_measured([sys.executable, "-c", code, str(data), str(out)], data / "splink.log")
    if m["exit_code"] != 0:
        raise SystemExit(f"splink failed ({m['exit_code']}): see {data / 'splink.log'}")
    return {**json.loads(out.read_text(encoding="utf-8")), "peak_mb": m["peak_mb"], "wall_seconds": m["seconds"]}


def benchmark(data: Path, shuffled: Path) -> dict:
    first, second = run(data), run(shuffled)
    same = {e: first["partitions"][e] == second["partitions"][e] for e in ("company", "contact")}
    for r in (first, second):
        r.pop("partitions")
    return {"tool": "splink", **first, "order_independent": all(same.values()), "order_independent_by_entity": same}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--shuffled", type=Path)
    args = parser.parse_args(argv)
    result = benchmark(args.data, args.shuffled) if args.shuffled else run(args.data)
    result.pop("partitions", None)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
