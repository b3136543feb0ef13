"""The target CRM tables (DESIGN §6) as SQLAlchemy Core metadata.

Alembic migrations in ``migrations/versions`` create them; a test compares the
migrated database with this metadata so the two never drift.
Timestamps are naive UTC (MariaDB DATETIME has no time zone).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql

metadata = MetaData()

# Free text and JSON: MariaDB's TEXT stops at 64 KB, which one wide source row can pass; LONGTEXT there.
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

NAME = 500  # company/person names and addresses: long enough for "Полное наименование"
KEY = 255  # source keys: indexed, so bounded (MariaDB utf8mb4 index limit)


def _record_lifecycle(table: str) -> list[Column]:
    """Columns every CRM record table has: custom fields, merge pointer, timestamps, soft delete."""
    return [
        Column("note", LongText),
        Column("extra", LongText),  # JSON: unmapped source columns, so nothing is lost
        Column("merged_into_id", Integer, ForeignKey(f"{table}.id")),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Column("deleted_at", DateTime),
        # JSON: the fields, phones and e-mails as crm-migrate last loaded them (the after-image of the
        # three-way merge): a field whose value differs from it was changed by a CRM user since.
        Column("loaded", LongText),
        # A digest of the same after-image (``merge.loaded_digests``), written with it: a re-load compares
        # it instead of encoding and reading every record's JSON (null: compared by ``loaded`` itself).
        Column("loaded_hash", BigInteger),
    ]


companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(NAME), nullable=False),
    Column("legal_name", String(NAME)),
    Column("inn", String(12), index=True),
    Column("kpp", String(9)),
    Column("ogrn", String(15)),
    Column("type", String(16)),
    Column("parent_id", Integer, ForeignKey("companies.id")),
    Column("address", String(1000)),
    Column("city", String(200)),
    Column("website", String(500)),
    Column("manager", String(NAME)),
    *_record_lifecycle("companies"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company_id", Integer, ForeignKey("companies.id"), index=True),
    Column("full_name", String(NAME)),
    Column("last_name", String(200)),
    Column("first_name", String(200)),
    Column("middle_name", String(200)),
    Column("gender", String(1)),
    Column("position", String(NAME)),
    *_record_lifecycle("contacts"),
)

# A person who works for several companies (the freelance accountant): the
# main company is contacts.company_id, every company is listed here.
contact_companies = Table(
    "contact_companies",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id"), primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), primary_key=True),
)

phones = Table(
    "phones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company_id", Integer, ForeignKey("companies.id"), index=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), index=True),
    Column("e164", String(16), index=True),  # NULL when the source text is not a valid number
    Column("extension", String(20)),
    Column("kind", String(10)),
    Column("raw", String(200)),
)

emails = Table(
    "emails",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company_id", Integer, ForeignKey("companies.id"), index=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), index=True),
    Column("email", String(320), index=True),
)

source_links = Table(
    "source_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(10), nullable=False),
    Column("source", String(64), nullable=False),
    Column("source_key", String(KEY), nullable=False),
    Column("crm_id", Integer, nullable=False),
    Column("run_id", String(64), nullable=False),  # the run that last wrote this link
    Column("origin", String(300)),  # where the record is in its source: "Клиенты!12", "contacts.csv:7"
    Column("record_hash", String(64)),  # fingerprint of the source record, to see changes
    Column("payload", LongText),  # the source record as read (JSON)
    Column("warnings", LongText),  # values that could not be made canonical (invalid INN, phone, …), one per line
    Column("deleted_at", DateTime),  # the record is gone from its source
    UniqueConstraint("entity", "source", "source_key", name="uq_source_links_record"),
    Index("ix_source_links_crm", "entity", "crm_id"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("source", String(64), nullable=False),
    Column("source_key", String(KEY), nullable=False),
    Column("entity", String(10), nullable=False),
    Column("origin", String(300)),  # where a consultant finds it: "Клиенты!12", "kontragenty.csv line 7"
    Column("reasons", LongText, nullable=False),
    Column("payload", LongText),
)

migration_runs = Table(
    "migration_runs",
    metadata,
    Column("id", String(64), primary_key=True),  # the Dagster run id
    Column("config_name", String(200)),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # success | failed | undone
    Column("dry_run", Boolean, nullable=False, default=False),
    Column("records_read", Integer),
    Column("quarantined", Integer),
    Column("companies_created", Integer),
    Column("companies_updated", Integer),
    Column("companies_unchanged", Integer),
    Column("companies_merged", Integer),
    Column("companies_deleted", Integer),
    Column("contacts_created", Integer),
    Column("contacts_updated", Integer),
    Column("contacts_unchanged", Integer),
    Column("contacts_merged", Integer),
    Column("contacts_deleted", Integer),
    Column("review_pairs", Integer),
    Column("error", LongText),
)


def _pair_columns() -> list[Column]:
    """Two source records of one entity: a candidate pair, or a reviewer's decision on one."""
    return [
        Column("entity", String(10), nullable=False),
        Column("left_source", String(64), nullable=False),
        Column("left_key", String(KEY), nullable=False),
        Column("right_source", String(64), nullable=False),
        Column("right_key", String(KEY), nullable=False),
    ]


# A reviewer's verdict on a candidate pair: it applies to every later run.
# The pair is stored in a fixed order (left < right) so one pair has one row.
match_decisions = Table(
    "match_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_pair_columns(),
    Column("decision", String(10), nullable=False),  # same | different
    Column("decided_at", DateTime, nullable=False),
    Column("reviewer", String(200)),
    Column("comment", LongText),
    UniqueConstraint("entity", "left_source", "left_key", "right_source", "right_key", name="uq_match_decisions_pair"),
)

# Candidate pairs of the last run that still wait for a decision (replaced by every run).
review_pairs = Table(
    "review_pairs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    *_pair_columns(),
    Column("score", Integer, nullable=False),
    Column("reasons", LongText, nullable=False),
)

# Why records became one: every merge of the last run (automatic or a reviewer's `same`), with the
# match probability (score, %), the explanation and the per-field weights (JSON, bits). Replaced by every run.
merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    *_pair_columns(),
    Column("score", Integer, nullable=False),
    Column("reasons", LongText, nullable=False),
    Column("weights", LongText),
)

# Before-images of every row a run wrote, so `undo --run` can restore the target exactly.
change_journal = Table(
    "change_journal",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("table_name", String(32), nullable=False),
    Column("op", String(6), nullable=False),  # insert | update | delete
    Column("row_key", LongText, nullable=False),  # JSON of the primary key
    Column("before_row", LongText),  # JSON of the whole row before the change (NULL for an insert)
    Column("after_row", LongText),  # JSON of the whole row after the change (NULL for a delete)
)

# Where the last incremental sync of a source stopped (the 1C change fingerprint).
sync_state = Table(
    "sync_state",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("synced_at", DateTime, nullable=False),
    Column("run_id", String(64), nullable=False),
)

# Delivery into a SaaS CRM (`push`): which remote record each CRM record became, and what was sent.
# remote_id is NULL while a create is on its way (sent, answer not recorded yet): the next push
# looks it up by its origin id before creating anything, so a lost answer never makes a twin.
remote_links = Table(
    "remote_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(10), nullable=False),  # company | contact
    Column("crm_id", Integer, nullable=False),  # companies.id / contacts.id here
    Column("crm_kind", String(16), nullable=False),  # bitrix24 | amocrm
    Column("portal", String(KEY), nullable=False),  # the portal host (Bitrix24) or account subdomain (amoCRM)
    Column("remote_id", String(64)),
    Column("item_ids", LongText),  # JSON: remote ids of the phones/e-mails/requisite this tool sent
    Column("sent_hash", String(64)),  # hash of what was last delivered; NULL until a delivery completed
    Column("pushed_at", DateTime, nullable=False),
    UniqueConstraint("crm_kind", "portal", "entity", "crm_id", name="uq_remote_links_record"),
)


# What a sync last saw of each 1C element: its DataVersion, deletion mark and the element itself,
# so the next sync fetches only new and changed elements and rebuilds the others from here.
sync_versions = Table(
    "sync_versions",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("catalog", String(100), primary_key=True),
    Column("ref_key", String(64), primary_key=True),
    Column("data_version", String(64), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("element", LongText, nullable=False),  # JSON, as 1C sent it
    Column("run_id", String(64), nullable=False),
)


# Fields both a CRM user and the source changed since the last load: the CRM user's value was kept.
conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("entity", String(10), nullable=False),
    Column("crm_id", Integer, nullable=False),
    Column("field", String(64), nullable=False),
    Column("crm_value", LongText),  # the value a CRM user set (kept)
    Column("source_value", LongText),  # the value the sources have now (not loaded)
    Column("source_keys", LongText),  # the source records of the CRM record: "source:key", one per line
)


# The matching index (transforms.matching.index): what a sync matches new and changed records against
# without reading the whole base. Derived state, rebuilt by every full run; a sync uses it only while
# the run that wrote it is the target's last successful load (an undo or a load without it: a full run).
match_keys = Table(
    "match_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(10), nullable=False),
    Column("rule", String(32), nullable=False),  # a blocking rule ("inn", "phone", …) or a term-frequency field
    Column("value", String(KEY), nullable=False),
    Column("source", String(64), nullable=False),
    Column("source_key", String(KEY), nullable=False),
    Index("ix_match_keys_value", "entity", "rule", "value"),
    Index("ix_match_keys_record", "entity", "source", "source_key"),
)
# Per entity: the matching model (m, u, λ) and value counts' totals learnt by the last full run.
match_models = Table(
    "match_models",
    metadata,
    Column("entity", String(10), primary_key=True),
    Column("model", LongText, nullable=False),  # JSON
    Column("run_id", String(64), nullable=False),  # the load that wrote the index
    Column("settings", String(64), nullable=False),  # the digest of config, code and decisions it was built under
)
