"""`push` and `export`: the golden records of the target database into Bitrix24 / amoCRM (DESIGN §5).

``push`` sends them over the CRM's REST API and remembers, in ``remote_links`` of the target
database, which remote record each became and a hash of what was sent: a second push of an
unchanged target sends no write. ``export`` writes the files the CRM's own importer takes.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from cli.push_amocrm import AmoDelivery
from cli.push_bitrix24 import BitrixDelivery
from cli.push_report import EntityReport, PushReport
from connectors.crm_db.engine import connect, has_schema, is_new_sqlite_file, reading, upgrade
from connectors.crm_db.live_records import read_live_records
from connectors.crm_db.remote_links import RemoteLinkStore, read_remote_links
from connectors.saas import Pacer, RetryPolicy
from connectors.saas.amocrm import AmoCrm
from connectors.saas.bitrix24 import Bitrix24
from connectors.saas.import_files import write_csv_parts, write_xlsx_parts
from connectors.urls import mask_url
from pipelines.config import Bitrix24CrmConfig, MigrationConfig
from transforms.crm_import_rows import (
    AMO_COLUMNS,
    BITRIX_COMPANY_COLUMNS,
    BITRIX_CONTACT_COLUMNS,
    amo_rows,
    bitrix_rows,
)
from transforms.crm_payloads import originator_id
from vocabulary.crm_records import CrmRecords
from vocabulary.errors import RunFailure, UsageError
from vocabulary.messages import text

FORMATS = ("bitrix24", "amocrm")


def _client(config: MigrationConfig, pacer: Pacer | None, policy: RetryPolicy | None) -> Bitrix24 | AmoCrm:
    crm = config.crm
    if crm is None:
        raise UsageError(text("push.no_crm", config=config.config_path))
    if isinstance(crm, Bitrix24CrmConfig):
        return Bitrix24(crm.webhook(), pacer=pacer, policy=policy)
    return AmoCrm(crm.url, crm.token(), pacer=pacer, policy=policy)


def _engine(target_url: str):
    if is_new_sqlite_file(target_url):
        raise RunFailure(text("push.no_target", target=mask_url(target_url)))
    engine = connect(target_url)
    if not has_schema(engine):
        engine.dispose()
        raise RunFailure(text("push.no_target", target=mask_url(target_url)))
    return engine


def push(
    config: MigrationConfig,
    target_url: str,
    dry_run: bool,
    *,
    pacer: Pacer | None = None,
    policy: RetryPolicy | None = None,
) -> dict:
    """Deliver the live golden records into ``config.crm``; the summary (see ``PushReport``) as a dict."""
    client = _client(config, pacer, policy)
    engine = _engine(target_url)
    try:
        if not dry_run:
            upgrade(engine)  # adds remote_links to a target made by an older version
        with engine.connect() as conn:
            records = read_live_records(conn)
            links = read_remote_links(conn, config.crm.kind, client.portal)
        store = None if dry_run else RemoteLinkStore(engine, config.crm.kind, client.portal)
        report = PushReport(crm=config.crm.kind, portal=client.portal, dry_run=dry_run)
        delivery = BitrixDelivery if isinstance(client, Bitrix24) else AmoDelivery
        try:
            delivery(client, store, links, originator_id(config.name), report).push(records)
        finally:
            report.requests = client.requests
    finally:
        client.close()
        engine.dispose()
    return report.as_dict()


def format_push(summary: dict) -> str:
    """The lines `push` prints for a summary returned by ``push``."""
    entities = {f.name: EntityReport(**summary[f.name]) for f in fields(PushReport) if f.name in ("company", "contact")}
    return "\n".join(PushReport(**(summary | entities)).lines())


def _records(target_url: str) -> CrmRecords:
    with reading(target_url, "companies") as conn:
        if conn is None:
            raise RunFailure(text("push.no_target", target=mask_url(target_url)))
        return read_live_records(conn)


def export(config: MigrationConfig, target_url: str, fmt: str, out_dir: Path) -> list[Path]:
    """Write the import files of ``fmt`` (bitrix24 | amocrm) and a crosswalk into ``out_dir``; the files written."""
    if fmt not in FORMATS:
        raise UsageError(text("export.unknown_format", fmt=fmt))
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(text("export.out_not_dir", out=out_dir))
    records = _records(target_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    crosswalk: list[dict] = []

    def place(rows: list[dict], placed: list[tuple[Path, int]], entity: str | None, *title: str) -> None:
        for row, (path, line) in zip(rows, placed, strict=True):
            crosswalk.append(
                {
                    "file": path.name,
                    "row": line,
                    "entity": entity or row["_entity"],
                    "crm_id": row["_crm_id"],
                    "title": " ".join(row[t] for t in title if row[t]),
                }
            )

    if fmt == "bitrix24":
        companies, contacts, _ = bitrix_rows(records)
        place(
            companies,
            write_csv_parts(out_dir, "bitrix24_companies", BITRIX_COMPANY_COLUMNS, companies),
            "company",
            "Название компании",
        )
        place(
            contacts,
            write_csv_parts(out_dir, "bitrix24_contacts", BITRIX_CONTACT_COLUMNS, contacts),
            "contact",
            "Фамилия",
            "Имя",
            "Отчество",
        )
    else:
        rows = amo_rows(records)
        place(
            rows,
            write_xlsx_parts(out_dir, "amocrm_import", "Импорт", AMO_COLUMNS, rows),
            None,
            "Полное имя контакта",
            "Название компании",
        )
    columns = ("file", "row", "entity", "crm_id", "title")
    titles = tuple(text(f"export.crosswalk.{c}") for c in columns)
    cross = [dict(zip(titles, (r[c] for c in columns))) for r in crosswalk]
    write_csv_parts(out_dir, f"{fmt}_crosswalk", titles, cross, max_rows=10**9, max_bytes=10**12)
    return sorted({out_dir / r["file"] for r in crosswalk} | {out_dir / f"{fmt}_crosswalk.csv"})
