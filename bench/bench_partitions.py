"""Extract + normalise of two sources as two parallel steps: Dagster's multiprocess executor vs in-process.

    python -m bench.bench_partitions --records 100000

The first measured step of docs/scaling.md. Two sources of the end-to-end files (the old CRM's
workbook and the 1C counterparties CSV) each get the production extract asset and a per-source
normalise asset (the production ``normalised`` asset takes every source at once, so the bench
defines its own, calling the same functions). The same job runs twice: the in-process executor
with in-memory IO (what `crm-migrate run` does), then the multiprocess executor with two
processes and the filesystem IO manager (outputs pickled between steps, as any executor that
runs steps in other processes or on other machines needs). Results go into ``bench/results/e2e.json``
under ``partitions``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import dagster as dg

from bench.bench_e2e import generate, save_results
from bench.quality.run_crm_migrate import write_config
from pipelines.config import load_config
from pipelines.extract import build_extract_assets, extract_asset_name
from pipelines.resources import CrmTargetResource, MigrationConfigResource
from pipelines.stages import ExtractedSource
from transforms.normalise import normalise_companies, normalise_contacts

SOURCES = ("old_crm", "buh_1c")
CONFIG_ENV = "CRM_BENCH_PARTITIONS_CONFIG"
IO_ENV = "CRM_BENCH_PARTITIONS_IO"


def _normalise_asset(source: str) -> dg.AssetsDefinition:
    @dg.asset(name=f"normalised_{source}", ins={"extracted": dg.AssetIn(extract_asset_name(source))})
    def _normalised(migration: MigrationConfigResource, extracted: ExtractedSource) -> int:
        config = migration.load()
        regions = {s.name: s.default_region or config.default_region for s in config.sources}
        companies = normalise_companies(extracted.records.companies, regions)
        contacts = normalise_contacts(extracted.records.contacts, companies, regions)
        return len(companies) + len(contacts)

    return _normalised


def partition_job() -> dg.JobDefinition:
    """The two-source job (module level, so the multiprocess executor can rebuild it in each process)."""
    path = os.environ[CONFIG_ENV]
    config = load_config(path)
    extract = [a for a in build_extract_assets(config) if any(a.key.path[-1] == f"extract_{s}" for s in SOURCES)]
    multiprocess = os.environ.get(IO_ENV)
    defs = dg.Definitions(
        assets=[*extract, *(_normalise_asset(s) for s in SOURCES)],
        jobs=[dg.define_asset_job("two_sources", selection=dg.AssetSelection.all())],
        executor=dg.multiprocess_executor.configured({"max_concurrent": 2}) if multiprocess else dg.in_process_executor,
        resources={
            "migration": MigrationConfigResource(path=path),
            "target": CrmTargetResource(url="sqlite://"),
            "io_manager": dg.FilesystemIOManager(base_dir=multiprocess) if multiprocess else dg.InMemoryIOManager(),
        },
    )
    return defs.resolve_job_def("two_sources")


def _timed(multiprocess: bool, scratch: Path) -> float:
    if multiprocess:
        os.environ[IO_ENV] = str(scratch / "io")
    else:
        os.environ.pop(IO_ENV, None)
    home = scratch / f"instance_{'multiprocess' if multiprocess else 'in_process'}"
    home.mkdir(parents=True)
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        start = time.perf_counter()
        if multiprocess:
            result = dg.execute_job(dg.reconstructable(partition_job), instance=instance)
        else:
            result = partition_job().execute_in_process(instance=instance)
        seconds = time.perf_counter() - start
    if not result.success:
        raise SystemExit("the two-source job failed")
    return round(seconds, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args(argv)
    data = generate(args.workdir, args.records)
    os.environ[CONFIG_ENV] = str(write_config(data.base))
    with tempfile.TemporaryDirectory() as tmp:
        in_process = _timed(False, Path(tmp))
        multiprocess = _timed(True, Path(tmp))
    found = {
        "records": data.records,
        "sources": list(SOURCES),
        "in_process_s": in_process,
        "multiprocess_2_s": multiprocess,
        "speed_up": round(in_process / multiprocess, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    print(json.dumps(found))
    save_results(str(data.records), found, section="partitions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
