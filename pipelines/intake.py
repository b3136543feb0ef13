"""Read one configured source into canonical records: file → grids → tables → mapping → records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from connectors.crm_db.match_index import StoredIndex
from connectors.crm_db.sync_state import VersionChanges, read_elements, read_version_numbers, read_versions
from connectors.csv_file import read_csv
from connectors.errors import SourceError
from connectors.excel import read_workbook
from connectors.fingerprint import file_fingerprint
from connectors.onec_odata import fetch_elements, fingerprint_of, read_catalogs
from connectors.onec_xml import exchange_elements
from pipelines.config import FileSource, MigrationConfig, ODataSource
from pipelines.incremental import SourceDelta, can_sync_incrementally, sync_index, sync_scope
from pipelines.scans import odata_options, scan
from pipelines.stages import ExtractedSource, TableIntake
from transforms.column_mapping import MappingError, map_columns
from transforms.onec_catalogs import onec_data
from transforms.onec_changes import CatalogChanges, catalog_changes, fetch_by_keys
from transforms.onec_records import onec_records
from transforms.onec_xml_mapping import exchange_data
from transforms.records import SourceRecords, record_key_column, rejected_row_key, table_to_records
from transforms.tables import NoHeaderError, SourceTable, find_table
from vocabulary.digests import payload_json
from vocabulary.grid import Grid
from vocabulary.messages import text
from vocabulary.onec import OneCData, Version
from vocabulary.rejects import reject, rejects_frame


def read_odata(url: str, user: str | None, password: str | None, *, source_name: str, **options: object) -> OneCData:
    """Counterparties and contact persons of the 1C base at ``url`` (``…/odata/standard.odata``)."""
    return onec_data(read_catalogs(url, user, password, source_name=source_name, **options))


def read_exchange_file(path: Path, *, source_name: str) -> OneCData:
    """Counterparties and contact persons of a CommerceML 2 or EnterpriseData file exported from 1C."""
    return exchange_data(exchange_elements(path, source_name=source_name), path.name)


@dataclass
class ODataRead:
    """One read of a 1C OData source: every element (fetched now or rebuilt from the target) and what changed."""

    fingerprint: str
    elements: dict[str, list[dict]]
    versions: VersionChanges
    notes: list[str]
    delta: SourceDelta | None = None  # a sync that matches only what changed: the records it concerns


def _note_catalog(
    changes: VersionChanges,
    counts: dict[str, int],
    catalog: str,
    plan: CatalogChanges,
    versions: dict[str, Version],
    fetched: list[dict],
) -> None:
    """What one catalog's read changes (``sync_versions``) and counts (the run's note)."""
    changes.fetched[catalog] = fetched
    changes.gone[catalog] = plan.gone | (plan.to_fetch - {str(e.get("Ref_Key")) for e in fetched})
    counts["new"] += len(plan.new)
    counts["changed"] += len(plan.changed)
    counts["unchanged"] += len(plan.unchanged)
    counts["deleted"] += len(plan.gone) + sum(versions[k].deleted for k in plan.changed)
    counts["fetched"] += len(fetched)


def read_odata_delta(source: ODataSource, target_url: str, index: StoredIndex, region: str) -> ODataRead | None:
    """A sync that matches only what changed (``pipelines.incremental``); None when it has to read everything."""
    password, options = source.password(), odata_options(source)
    login = (source.url, source.user, password)
    now = scan(source)
    stored = read_version_numbers(target_url, source.name)
    if not can_sync_incrementally(now) or not stored or set(stored) - set(now):
        return None
    changes = VersionChanges(source.name)
    counts = dict.fromkeys(("new", "changed", "deleted", "unchanged", "fetched"), 0)
    for catalog, versions in now.items():
        plan = catalog_changes(versions, stored.get(catalog, {}))
        wanted = {catalog: plan.to_fetch} if plan.to_fetch else {}
        fetched = fetch_elements(*login, wanted, source_name=source.name, options=options)[catalog] if wanted else []
        _note_catalog(changes, counts, catalog, plan, versions, fetched)
    elements, delta = sync_scope(
        index,
        source.name,
        region,
        changes.fetched,
        changes.gone,
        lambda keys: read_elements(target_url, source.name, keys),
    )
    notes = [text("sync.delta", **counts), text("sync.scope", records=len(delta.scope))]
    return ODataRead(fingerprint_of(now), elements, changes, notes, delta)


def read_odata_changes(source: ODataSource, target_url: str | None) -> ODataRead:
    """Scan the versions, fetch in full only new and changed elements, rebuild the rest from ``sync_versions``.

    The scan is the truth of what exists: an element that the fetch misses (deleted meanwhile) is
    left out; one changed between scan and fetch is kept as fetched, with its newer version,
    and the next sync sees the scan's fingerprint differ and looks again.
    """
    password, options = source.password(), odata_options(source)
    login = (source.url, source.user, password)
    now = scan(source)
    stored = read_versions(target_url, source.name) if target_url else {}
    elements: dict[str, list[dict]] = {}
    changes = VersionChanges(source.name)
    counts = dict.fromkeys(("new", "changed", "deleted", "unchanged", "fetched"), 0)
    for catalog, versions in now.items():
        before = stored.get(catalog, {})
        plan = catalog_changes(versions, {key: version for key, (version, _) in before.items()})
        if not plan.to_fetch:
            fetched = []
        elif fetch_by_keys(len(plan.to_fetch), len(versions)):
            fetched = fetch_elements(*login, {catalog: plan.to_fetch}, source_name=source.name, options=options)[
                catalog
            ]
        else:
            fetched = [
                e
                for e in read_catalogs(*login, source_name=source.name, options=options).get(catalog, [])
                if str(e.get("Ref_Key")) in plan.to_fetch
            ]
        elements[catalog] = [before[key][1] for key in sorted(plan.unchanged)] + fetched
        _note_catalog(changes, counts, catalog, plan, versions, fetched)
    for catalog in set(stored) - set(now):  # a catalog no longer published: its elements are gone
        changes.gone[catalog] = set(stored[catalog])
    return ODataRead(fingerprint_of(now), elements, changes, [text("sync.delta", **counts)])


def _extract_onec(
    config: MigrationConfig, source: FileSource | ODataSource, target_url: str | None, whole: bool
) -> ExtractedSource:
    """A 1C source with its fingerprint (taken before reading: a change made during the run is seen next time)."""
    versions = delta = None
    if isinstance(source, ODataSource):
        index = None if whole else sync_index(config, target_url)
        region = source.default_region or config.default_region
        read = (index and read_odata_delta(source, target_url, index, region)) or read_odata_changes(source, target_url)
        fingerprint, data, versions, delta = read.fingerprint, onec_data(read.elements), read.versions, read.delta
        data.notes[1:1] = read.notes
    else:
        path = config.resolve(source.path)
        fingerprint = file_fingerprint(path)
        data = read_exchange_file(path, source_name=source.name)
    return ExtractedSource(
        source.name,
        source.kind,
        onec_records(source.name, data),
        notes=data.notes,
        fingerprint=fingerprint,
        versions=versions,
        delta=delta,
    )


def _grids(path: Path, source: FileSource) -> list[Grid]:
    if source.kind == "excel":
        return read_workbook(path, source.sheet)
    return [read_csv(path, source.encoding, source.delimiter)]


def _expected_headers(source: FileSource) -> list[str]:
    if source.columns is None:
        return []
    specs = [*source.columns.company.values(), *source.columns.contact.values()]
    return [h for spec in specs for h in ([spec] if isinstance(spec, str) else spec)] + (
        [source.key] if source.key else []
    )


def _label(kind: str, table: SourceTable):
    return (lambda row: f"{table.name}!{row}") if kind == "excel" else (lambda row: f"{table.name}:{row}")


def _header_cells(grid: Grid, header_row: int) -> list[str | None]:
    """The header row of ``grid`` as written in the file (positions match the rows' cells)."""
    try:
        return list(grid.cells[grid.row_numbers.index(header_row)])
    except ValueError:
        return []


def extract_source(
    config: MigrationConfig, source: FileSource | ODataSource, target_url: str | None = None, *, whole: bool = False
) -> ExtractedSource:
    """Every record of ``source`` in canonical fields, plus rejects; SourceError if unreadable.

    A 1C OData source compares its element versions with those stored in ``target_url`` and
    fetches only new and changed elements (``read_odata_changes``); unless ``whole`` (every record
    is wanted downstream, not only the changes' scope), it reads again only the records the changes
    concern (``read_odata_delta``).
    """
    if source.kind in ("onec_odata", "onec_xml"):
        return _extract_onec(config, source, target_url, whole)
    path = config.resolve(source.path)
    explicit = source.columns.model_dump() if source.columns else None
    parts: list[SourceRecords] = []
    tables: list[TableIntake] = []
    notes: list[str] = []
    skipped: list[str] = []
    for grid in _grids(path, source):
        notes.extend(grid.notes)
        skipped.extend(grid.skipped)
        try:
            table = find_table(grid, _expected_headers(source))
        except NoHeaderError as exc:
            if source.sheet or source.kind == "csv":
                raise SourceError(f"{path.name}: {exc}") from None
            notes.append(text("sources.sheet_skipped", sheet=grid.name, why=exc))
            skipped.append(grid.name)
            continue
        headers = [c for c in table.frame.columns if c != "_row"]
        label = _label(source.kind, table)
        try:
            mapping = map_columns(headers, entity=source.entity, explicit=explicit, groups=table.groups)
            records = table_to_records(table, mapping, source=source.name, key_column=source.key, label=label)
        except MappingError as exc:
            raise SourceError(text("sources.sheet_problem", file=path.name, sheet=table.name, problem=exc)) from None
        header = _header_cells(grid, table.header_row)
        key_column = record_key_column(mapping, source.key)
        grid_rejects = [
            reject(
                source.name,
                rejected_row_key(header, key_column, r.cells) or label(r.row),
                "row",
                label(r.row),
                [r.reason],
                payload_json({"raw": r.raw}),
            )
            for r in table.rejects
        ]
        if grid_rejects:
            records.rejects = pd.concat([records.rejects, rejects_frame(grid_rejects)], ignore_index=True)
        parts.append(records)
        tables.append(
            TableIntake(table.name, table.header_row, len(table.frame), mapping, [*table.notes, *mapping.notes])
        )
    if not tables:
        raise SourceError(text("sources.no_header_sheet", file=path.name))
    records = SourceRecords(
        *(pd.concat([getattr(p, f) for p in parts], ignore_index=True) for f in ("companies", "contacts", "rejects"))
    )
    return ExtractedSource(source.name, source.kind, records, tables, notes, unread=tuple(skipped))
