"""Read one configured source into canonical records: file → grids → tables → mapping → records."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors.csv_file import read_csv
from connectors.errors import SourceError
from connectors.excel import read_workbook
from connectors.fingerprint import file_fingerprint
from vocabulary.grid import Grid
from connectors.onec_odata import odata_fingerprint, read_odata
from connectors.onec_xml import read_exchange_file
from pipelines.config import FileSource, MigrationConfig, ODataSource
from pipelines.stages import ExtractedSource, TableIntake
from transforms.column_mapping import MappingError, map_columns
from vocabulary.rejects import reject, rejects_frame
from transforms.onec_records import OneCData, onec_records
from transforms.records import SourceRecords, table_to_records
from transforms.tables import NoHeaderError, SourceTable, find_table


ODATA_READ_ATTEMPTS = 3


def _read_odata_consistently(source: ODataSource) -> tuple[str, OneCData]:
    """Read 1C between two equal fingerprints, so no record was added or removed under the paging.

    Paging with $skip over a catalog that changes can skip a record, which would then
    look deleted; a read framed by the same fingerprint before and after is consistent.
    """
    password = source.password()
    for _ in range(ODATA_READ_ATTEMPTS):
        before = odata_fingerprint(source.url, source.user, password, source_name=source.name)
        data = read_odata(source.url, source.user, password, source_name=source.name)
        if odata_fingerprint(source.url, source.user, password, source_name=source.name) == before:
            return before, data
    raise SourceError(f"{source.name}: the 1C data changed while being read, {ODATA_READ_ATTEMPTS} times in a row; "
                      "run again when users are not editing counterparties")


def _extract_onec(config: MigrationConfig, source: FileSource | ODataSource) -> ExtractedSource:
    """A 1C source with its fingerprint (taken before reading: a change made during the run is seen next time)."""
    if isinstance(source, ODataSource):
        fingerprint, data = _read_odata_consistently(source)
    else:
        path = config.resolve(source.path)
        fingerprint = file_fingerprint(path)
        data = read_exchange_file(path, source_name=source.name)
    return ExtractedSource(source.name, source.kind, onec_records(source.name, data), notes=data.notes,
                           fingerprint=fingerprint)


def _grids(path: Path, source: FileSource) -> list[Grid]:
    if source.kind == "excel":
        return read_workbook(path, source.sheet)
    return [read_csv(path, source.encoding, source.delimiter)]


def _expected_headers(source: FileSource) -> list[str]:
    if source.columns is None:
        return []
    specs = [*source.columns.company.values(), *source.columns.contact.values()]
    return [h for spec in specs for h in ([spec] if isinstance(spec, str) else spec)] + (
        [source.key] if source.key else [])


def _label(kind: str, table: SourceTable):  # noqa: ANN202 — a small closure
    return (lambda row: f"{table.name}!{row}") if kind == "excel" else (lambda row: f"{table.name}:{row}")


def extract_source(config: MigrationConfig, source: FileSource | ODataSource) -> ExtractedSource:
    """Every record of ``source`` in canonical fields, plus rejects; SourceError if unreadable."""
    if source.kind in ("onec_odata", "onec_xml"):
        return _extract_onec(config, source)
    path = config.resolve(source.path)
    explicit = source.columns.model_dump() if source.columns else None
    parts: list[SourceRecords] = []
    tables: list[TableIntake] = []
    notes: list[str] = []
    for grid in _grids(path, source):
        notes.extend(grid.notes)
        try:
            table = find_table(grid, _expected_headers(source))
        except NoHeaderError as exc:
            if source.sheet or source.kind == "csv":
                raise SourceError(f"{path.name}: {exc}") from None
            notes.append(f"{grid.name}: skipped, {exc}")
            continue
        headers = [c for c in table.frame.columns if c != "_row"]
        label = _label(source.kind, table)
        try:
            mapping = map_columns(headers, entity=source.entity, explicit=explicit)
            records = table_to_records(table, mapping, source=source.name, key_column=source.key, label=label)
        except MappingError as exc:
            raise SourceError(f"{path.name}: sheet {table.name!r}: {exc}") from None
        grid_rejects = [reject(source.name, label(r.row), "row", label(r.row), [r.reason], {"raw": r.raw})
                        for r in table.rejects]
        if grid_rejects:
            records.rejects = pd.concat([records.rejects, rejects_frame(grid_rejects)], ignore_index=True)
        parts.append(records)
        tables.append(TableIntake(table.name, table.header_row, len(table.frame), mapping,
                                  [*table.notes, *mapping.notes]))
    if not tables:
        raise SourceError(f"{path.name}: no sheet with a recognisable header row")
    records = SourceRecords(*(pd.concat([getattr(p, f) for p in parts], ignore_index=True)
                              for f in ("companies", "contacts", "rejects")))
    return ExtractedSource(source.name, source.kind, records, tables, notes)
