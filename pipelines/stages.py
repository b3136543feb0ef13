"""What each stage of the asset graph hands to the next: the data classes assets, checks and the CLI share.

Kept apart from the asset modules so checks and commands import a stage's shape, not its asset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from connectors.crm_db.load import LoadResult
from connectors.crm_db.match_index import IndexUpdate
from connectors.crm_db.sync_state import VersionChanges
from pipelines.incremental import SourceDelta
from transforms.column_mapping import ColumnMapping
from transforms.records import SourceRecords
from vocabulary.fields import SOURCE, SOURCE_KEY

RecordKey = tuple[str, str, str]  # (entity, source, source_key)


@dataclass
class TableIntake:
    """What was found in one sheet/file: for the consultant to check."""

    name: str
    header_row: int
    rows: int
    mapping: ColumnMapping
    notes: list[str]


@dataclass
class ExtractedSource:
    source: str
    kind: str
    records: SourceRecords
    tables: list[TableIntake] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # a 1C source's state before it was read (see pipelines.sync)
    versions: VersionChanges | None = None  # the 1C OData elements read, for sync_versions
    delta: SourceDelta | None = None  # a sync that matches only what changed (pipelines.incremental)
    # Sheets of the workbook not read this time (hidden, a header no longer recognised): the records
    # linked from them are not gone — the load retires none of them.
    unread: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        rejected_rows = sum(1 for e in self.records.rejects["entity"] if e == "row")
        if not self.tables:  # 1C: one record per counterparty / contact person
            return len(self.records.companies) + len(self.records.contacts) + rejected_rows
        return sum(t.rows for t in self.tables) + rejected_rows


@dataclass
class IntakeFacts:
    """What the load, its checks and the quality report need of the records read — not the records.

    Carried from ``normalised`` through matching and golden records, so that the normalised frames (and
    the raw payloads they hold) are freed once matching has read them (``pipelines.handover``).
    """

    rows_read: dict[str, int]
    intake: dict[str, list[TableIntake]]  # per source: the tables found and their mappings
    read: set[RecordKey]  # every record read: each must end up linked or quarantined
    figures: pd.DataFrame  # per source: records, phones, e-mails, warnings (``transforms.quality``)
    fingerprints: dict[str, str] = field(default_factory=dict)  # 1C sources' state when read (sync_state)
    notes: dict[str, list[str]] = field(default_factory=dict)  # per source: what the reader skipped or noticed
    versions: list[VersionChanges] = field(default_factory=list)  # 1C elements read, for sync_versions
    unread: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source → sheets not read: none retired
    delta: SourceDelta | None = None  # a sync that matches only what changed: the records it concerns

    def expected(self, delta: SourceDelta | None = None) -> set[RecordKey]:
        """Every record read (of ``delta``'s scope, when only it was matched again)."""
        return self.read if delta is None else self.read & delta.scope

    def unread_origins(self) -> dict[str, tuple[str, ...]]:
        """source → origin prefixes of the sheets not read (``load.RunInfo.unread``)."""
        return {source: tuple(f"{sheet}!" for sheet in sheets) for source, sheets in self.unread.items()}


@dataclass
class Normalised:
    companies: pd.DataFrame
    contacts: pd.DataFrame
    rejects: pd.DataFrame  # rows the readers or the mapping could not use
    facts: IntakeFacts


def records_read(companies: pd.DataFrame, contacts: pd.DataFrame, rejects: pd.DataFrame) -> set[RecordKey]:
    """(entity, source, source_key) of every record read, rejected rows included."""
    keys = {("company", s, k) for s, k in zip(companies[SOURCE], companies[SOURCE_KEY])}
    keys |= {("contact", s, k) for s, k in zip(contacts[SOURCE], contacts[SOURCE_KEY])}
    keys |= {(e, s, k) for e, s, k in zip(rejects["entity"], rejects["source"], rejects["source_key"])}
    return keys


@dataclass
class MatchedRecords:
    companies: pd.DataFrame  # records with ``cluster``
    contacts: pd.DataFrame
    links: pd.DataFrame  # why records were merged
    review: pd.DataFrame  # candidate pairs awaiting a decision
    facts: IntakeFacts  # of the records read, for the load and the report
    index: IndexUpdate | None = None  # the matching index's rows for the load
    delta: SourceDelta | None = None  # only what changed was matched again (pipelines.incremental)


@dataclass
class GoldenRecords:
    companies: pd.DataFrame
    contacts: pd.DataFrame
    review: pd.DataFrame  # candidate pairs awaiting a decision (LINK_COLUMNS)
    facts: IntakeFacts  # of the records read, for the load and the report
    links: pd.DataFrame | None = None  # every merge with its explanation (LINK_COLUMNS + weights)
    index: IndexUpdate | None = None  # the matching index's rows for the load
    delta: SourceDelta | None = None  # only what changed was matched again: the load touches only its scope


@dataclass
class RunSummary:
    run_id: str
    target: str  # masked URL
    dry_run: bool
    rows_read: dict[str, int]
    intake: dict[str, list[TableIntake]]
    result: LoadResult
    quarantine_by_source: dict[str, int] = field(default_factory=dict)
    review_pairs: int = 0
    notes: dict[str, list[str]] = field(default_factory=dict)
    partial: bool = False  # only what changed was matched again and loaded (pipelines.incremental)
    figures: pd.DataFrame | None = None  # per source, of the records read (``IntakeFacts.figures``)
