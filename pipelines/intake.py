"""Read one configured source into canonical records: file → grids → tables → mapping → records."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from connectors.csv_file import read_csv
from connectors.errors import SourceError
from connectors.excel import read_workbook
from connectors.grid import Grid
from pipelines.config import FileSource, MigrationConfig, ODataSource
from transforms.column_mapping import ColumnMapping, map_columns
from transforms.fields import QUARANTINE_COLUMNS
from transforms.records import SourceRecords, reject, table_to_records
from transforms.tables import NoHeaderError, SourceTable, find_table


@dataclass
class TableIntake:
    """What was found in one sheet/file: for the consultant to check."""

    name: str
    header_row: int
    rows: int
    mapping: ColumnMapping
    notes: list[str]

    def one_line(self) -> str:
        """``Клиенты: header row 3, mixed; company.name ← Клиент, …; custom fields ← …``."""
        fields = self.mapping.describe().splitlines()[1:]
        return f"{self.name}: header row {self.header_row}, {self.mapping.entity}; " + \
            "; ".join(" ".join(f.split()) for f in fields)


@dataclass
class ExtractedSource:
    source: str
    kind: str
    records: SourceRecords
    tables: list[TableIntake] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(t.rows for t in self.tables) + sum(1 for e in self.records.rejects["entity"] if e == "row")


READABLE_KINDS = ("excel", "csv")


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
    if source.kind not in READABLE_KINDS:
        raise SourceError(f"{source.name}: sources of kind {source.kind} are not supported by this version yet")
    path = config.resolve(source.path)
    explicit = source.columns.model_dump() if source.columns else None
    parts: list[SourceRecords] = []
    tables: list[TableIntake] = []
    notes: list[str] = []
    for grid in _grids(path, source):
        try:
            table = find_table(grid, _expected_headers(source))
        except NoHeaderError as exc:
            if source.sheet or source.kind == "csv":
                raise SourceError(f"{path.name}: {exc}") from None
            notes.extend([*grid.notes, f"{grid.name}: skipped, {exc}"])
            continue
        headers = [c for c in table.frame.columns if c != "_row"]
        label = _label(source.kind, table)
        try:
            mapping = map_columns(headers, entity=source.entity, explicit=explicit)
            records = table_to_records(table, mapping, source=source.name, key_column=source.key, label=label)
        except ValueError as exc:
            raise SourceError(f"{path.name}: sheet {table.name!r}: {exc}") from None
        grid_rejects = [reject(source.name, label(r.row), "row", label(r.row), [r.reason], {"raw": r.raw})
                        for r in table.rejects]
        if grid_rejects:
            records.rejects = pd.concat([records.rejects, pd.DataFrame(grid_rejects, columns=list(QUARANTINE_COLUMNS),
                                                                                dtype=object)],
                                        ignore_index=True)
        parts.append(records)
        tables.append(TableIntake(table.name, table.header_row, len(table.frame), mapping,
                                  [*table.notes, *mapping.notes]))
    if not tables:
        raise SourceError(f"{path.name}: no sheet with a recognisable header row")
    records = SourceRecords(*(pd.concat([getattr(p, f) for p in parts], ignore_index=True)
                              for f in ("companies", "contacts", "rejects")))
    return ExtractedSource(source.name, source.kind, records, tables, notes)
