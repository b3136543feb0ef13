"""The data-quality report of a target CRM database: one DataFrame per workbook sheet.

Read-only, on one connection (a REPEATABLE READ snapshot on PostgreSQL and MariaDB, so the
sheets agree with each other while another run commits). Everything is computed by the
database in a handful of queries; nothing is loaded row by row. "Live" means not deleted:
a CRM record without ``deleted_at`` (merged-away records have it too), a source link
without ``deleted_at``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import groupby
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    FromClause,
    MetaData,
    Row,
    Select,
    Table,
    and_,
    case,
    exists,
    func,
    inspect,
    not_,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from connectors.crm_db import schema as s
from connectors.crm_db.engine import (
    TargetError,
    connect,
    current_revision,
    head_revision,
    is_new_sqlite_file,
)
from connectors.urls import mask_url
from vocabulary.messages import CATALOGUE, text

# Sheets in workbook order; ``merges`` and ``conflicts`` appear only when the target has those tables.
SHEETS = (
    "summary",
    "by_source",
    "fill_rate",
    "quarantine_reasons",
    "quarantine",
    "warnings",
    "duplicates",
    "merges",
    "branches",
    "review",
    "conflicts",
    "runs",
)
OPTIONAL_TABLES = ("merges", "conflicts")


def report_sheets(url: str, run_id: str | None = None, *, limit: int | None = None) -> dict[str, pd.DataFrame]:
    """Sheets (in ``SHEETS`` order) for the last successful run, or for ``run_id`` (a unique prefix is enough).

    With ``limit``, a sheet listing records holds at most its first ``limit`` rows (the rest are never
    fetched); the summary then says, per sheet cut short, how many rows were left out and that
    ``crm-migrate report`` writes them all. Counts, reasons and fill rates are always of every record.

    Raises ``TargetError`` (one line, password masked) when the target holds no crm-migrate data,
    has an older schema, has no such run, or cannot be read.
    """
    try:
        make_url(url)
    except ArgumentError:
        raise TargetError(text("target.not_a_url")) from None
    shown = mask_url(url)
    if is_new_sqlite_file(url):  # connecting would create the file
        raise TargetError(text("target.no_data", target=shown))
    try:
        engine = connect(url)
    except ArgumentError as exc:  # an unknown database kind or driver
        raise TargetError(text("target.error", target=shown, detail=exc)) from None
    try:
        with engine.connect() as conn:
            return _report(_snapshot(conn), run_id, shown, limit)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise TargetError(text("target.error", target=shown, detail=detail)) from exc
    finally:
        engine.dispose()


def _snapshot(conn: Connection) -> Connection:
    """Every query sees the same committed state (SQLite: each query sees the latest commit)."""
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    if conn.dialect.name in ("mysql", "mariadb"):
        return conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _report(conn: Connection, run_id: str | None, shown: str, limit: int | None) -> dict[str, pd.DataFrame]:
    revision = current_revision(conn)
    if revision is None:
        raise TargetError(text("target.no_data", target=shown))
    if revision != head_revision():
        raise TargetError(text("target.old_schema", target=shown, revision=revision, head=head_revision()))
    run = _pick_run(conn, run_id, shown)
    runs = s.migration_runs
    listed = {
        "quarantine": _quarantine(conn, run["id"], limit),
        "warnings": _warnings(conn, limit),
        "duplicates": _duplicates(conn, limit),
        "branches": _branches(conn, limit),
        "review": _review(conn, limit),
        "runs": _frame(conn, select(runs).order_by(runs.c.started_at.desc(), runs.c.finished_at.desc()), limit),
        **_optional_tables(conn, limit),
    }
    quarantine, quarantined = listed["quarantine"]
    sheets = {
        "summary": _summary(conn, run, listed["review"][1], _left_out(listed)),
        "by_source": _by_source(conn, run["id"]),
        "fill_rate": _fill_rate(conn),
        "quarantine_reasons": quarantine_reasons(
            quarantine if len(quarantine) == quarantined else _quarantine_reasons_of(conn, run["id"])
        ),
        **{name: frame for name, (frame, _) in listed.items()},
    }
    return {name: sheets[name] for name in SHEETS if name in sheets}


def _left_out(listed: Mapping[str, tuple[pd.DataFrame, int]]) -> list[tuple[str, int, int]]:
    """(sheet, rows shown, rows in all) of the sheets cut short, in ``SHEETS`` order."""
    cut = {name: (len(frame), total) for name, (frame, total) in listed.items() if total > len(frame)}
    return [(name, *cut[name]) for name in SHEETS if name in cut]


def _frame(
    conn: Connection, query: Select, limit: int | None = None, count: Select | None = None
) -> tuple[pd.DataFrame, int]:
    """The query's rows (its first ``limit`` with a limit) as an object frame (missing values stay None,
    columns even when empty), and how many rows the query has in all (``_rows``)."""
    rows, total = _rows(conn, query, limit, count)
    return pd.DataFrame(rows, columns=list(query.selected_columns.keys()), dtype=object), total


def _rows(
    conn: Connection, query: Select, limit: int | None, count: Select | None = None
) -> tuple[list[Row[Any]], int]:
    """The query's rows (its first ``limit`` with a limit), and how many rows it has in all, counted by the
    database only when the limit cut it short: by ``count`` when given (a cheaper query of the same count)."""
    rows = list(conn.execute(query if limit is None else query.limit(limit)))
    if limit is None or len(rows) < limit:
        return rows, len(rows)
    counted = select(func.count()).select_from(query.order_by(None).subquery()) if count is None else count
    return rows, conn.execute(counted).scalar_one()


def _records(columns: list[str], rows: Iterable[Iterable[Any]]) -> pd.DataFrame:
    return pd.DataFrame([list(r) for r in rows], columns=columns, dtype=object)


def _pick_run(conn: Connection, run_id: str | None, shown: str) -> Mapping[str, Any]:
    runs = s.migration_runs
    if run_id is None:
        run = (
            conn.execute(
                select(runs)
                .where(runs.c.status == "success", runs.c.dry_run.is_(False))
                .order_by(runs.c.started_at.desc(), runs.c.finished_at.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if run is None:
            raise TargetError(text("target.no_successful_run", target=shown))
        return run
    exact = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
    if exact is not None:
        return exact
    found = conn.execute(select(runs).where(runs.c.id.startswith(run_id, autoescape=True)).limit(2)).mappings().all()
    if len(found) == 1:
        return found[0]
    if not found:
        raise TargetError(text("target.no_run", run=run_id, target=shown))
    raise TargetError(text("target.ambiguous_run", run=run_id, target=shown))


# -- summary -------------------------------------------------------------------------

_RUN_ITEMS = (
    ("run_id", "id"),
    ("config", "config_name"),
    ("started", "started_at"),
    ("finished", "finished_at"),
    ("status", "status"),
    ("records_read", "records_read"),
    ("quarantined", "quarantined"),
    ("review_pairs", "review_pairs"),
)
_COUNTS = ("created", "updated", "unchanged", "merged", "deleted")


def _summary(
    conn: Connection, run: Mapping[str, Any], review_waiting: int, left_out: list[tuple[str, int, int]]
) -> pd.DataFrame:
    """Items (labels in the report's language) and their values: the run's figures, then the live CRM,
    then the sheets cut short (``_left_out``) and how to get them whole."""
    items: list[tuple[str, Any]] = [(key, run[column]) for key, column in _RUN_ITEMS]
    items = [(key, _status(value) if key == "status" else value) for key, value in items]
    items += [
        (f"{entity}_{count}", run[f"{entity}_{count}"]) for entity in ("companies", "contacts") for count in _COUNTS
    ]
    items += _live_totals(conn)
    items.append(("crm_review_waiting", review_waiting))
    labelled = [(text(f"report.item.{key}"), value) for key, value in items]
    labelled += [
        (text("report.item.left_out", sheet=text(f"report.sheet.{name}"), shown=shown, total=total), total - shown)
        for name, shown, total in left_out
    ]
    if left_out:
        labelled.append((text("report.item.whole_lists"), text("report.value.whole_lists")))
    return pd.DataFrame(labelled, columns=["item", "value"], dtype=object)


def _status(status: str) -> str:
    """A run's status as the report's words say it (the runs sheet's column is translated the same way)."""
    key = f"report.value.status.{status}"
    return text(key) if key in CATALOGUE else status


def _live_totals(conn: Connection) -> list[tuple[str, Any]]:
    c, ph, em = s.companies, s.phones, s.emails
    counts = conn.execute(
        select(
            func.count(),
            _count_if(c.c.parent_id.is_not(None)),
            _count_if(and_(c.c.inn.is_not(None), c.c.inn != "")),
            _count_if(_reachable(ph, ph.c.e164.is_not(None))),
            _count_if(_reachable(em)),
        ).where(c.c.deleted_at.is_(None))
    ).one()
    companies, branches, with_inn, with_phone, with_email = counts
    contacts = conn.execute(select(func.count()).where(s.contacts.c.deleted_at.is_(None))).scalar_one()
    phones, raw_phones = conn.execute(select(func.count(), _count_if(ph.c.e164.is_(None))).where(_owner_live(ph))).one()
    emails = conn.execute(select(func.count()).where(_owner_live(em))).scalar_one()
    items: list[tuple[str, Any]] = [
        ("crm_companies", companies),
        ("crm_branches", branches),
        ("crm_contacts", contacts),
        ("crm_phones", phones),
        ("crm_phones_invalid", raw_phones),
        ("crm_emails", emails),
    ]
    for key, n in (("crm_with_inn", with_inn), ("crm_with_phone", with_phone), ("crm_with_email", with_email)):
        items += [(key, n), (f"{key}_pct", _percent(n, companies))]
    return items


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """COUNT of rows meeting ``condition`` (an int on every database, unlike SUM on MariaDB)."""
    return func.count(case((condition, 1)))


def _reachable(table: Table, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """The company (``companies`` in the outer query) has a phone/email row of its own or of a live contact."""
    c, ct = s.companies, s.contacts
    own = exists().where(table.c.company_id == c.c.id, *conditions)
    contacts = exists().where(
        table.c.contact_id == ct.c.id, ct.c.company_id == c.c.id, ct.c.deleted_at.is_(None), *conditions
    )
    return or_(own, contacts)


def _owner_live(table: Table) -> ColumnElement[bool]:
    """A phone/email row whose owner (the contact when set, else the company) is live."""
    c, ct = s.companies, s.contacts
    company_live = exists().where(c.c.id == table.c.company_id, c.c.deleted_at.is_(None))
    contact_live = exists().where(ct.c.id == table.c.contact_id, ct.c.deleted_at.is_(None))
    return or_(and_(table.c.contact_id.is_(None), company_live), and_(table.c.contact_id.is_not(None), contact_live))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# -- per source, quarantine, warnings --------------------------------------------------


def _by_source(conn: Connection, run_id: str) -> pd.DataFrame:
    sl, q = s.source_links, s.quarantine
    live = sl.c.deleted_at.is_(None)
    links = conn.execute(
        select(
            sl.c.source,
            _count_if(and_(live, sl.c.entity == "company")),
            _count_if(and_(live, sl.c.entity == "contact")),
            _count_if(sl.c.deleted_at.is_not(None)),
            _count_if(and_(live, sl.c.warnings.is_not(None))),
        ).group_by(sl.c.source)
    ).all()
    quarantined = dict(
        conn.execute(select(q.c.source, func.count()).where(q.c.run_id == run_id).group_by(q.c.source)).all()
    )
    figures = {
        source: (companies, contacts, gone, quarantined.get(source, 0), warned)
        for source, companies, contacts, gone, warned in links
    }
    for source, n in quarantined.items():
        figures.setdefault(source, (0, 0, 0, n, 0))
    columns = ["source", "companies", "contacts", "gone_from_source", "quarantined", "with_warnings"]
    return _records(columns, ((source, *figures[source]) for source in sorted(figures)))


def _quarantine(conn: Connection, run_id: str, limit: int | None) -> tuple[pd.DataFrame, int]:
    q = s.quarantine
    rows, total = _rows(
        conn,
        select(q.c.source, q.c.origin, q.c.entity, q.c.source_key, q.c.reasons, q.c.payload)
        .where(q.c.run_id == run_id)
        .order_by(q.c.id),
        limit,
    )
    columns = ["source", "origin", "entity", "source_key", "reasons", "record"]
    return _records(columns, ((*r[:5], flatten_payload(r.payload)) for r in rows)), total


def _quarantine_reasons_of(conn: Connection, run_id: str) -> pd.DataFrame:
    """The reasons of every record the run quarantined (for ``quarantine_reasons`` when the sheet is cut short)."""
    q = s.quarantine
    return _records(["reasons"], conn.execute(select(q.c.reasons).where(q.c.run_id == run_id)))


def flatten_payload(payload: str | None) -> str | None:
    """A stored record (JSON) as one readable line: ``column: value; column: value``."""
    if not payload:
        return None
    try:
        record = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(record, dict):
        return payload
    if record.keys() == {"raw"}:  # a line a reader could not split into columns: the line as it was
        return str(record["raw"])
    return "; ".join(f"{key}: {_plain(value)}" for key, value in record.items() if value not in (None, "", [], {}))


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_VALUE_SHOWN = re.compile(r""" \([^()'"]*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\)""")


def quarantine_reasons(quarantine: pd.DataFrame) -> pd.DataFrame:
    """How many quarantined records have each reason (the offending value left out), most frequent first."""
    counts: Counter[str] = Counter()
    for reasons in quarantine["reasons"]:
        counts.update(
            {
                r.strip()
                for r in _VALUE_SHOWN.sub("", reasons if isinstance(reasons, str) else "").split("; ")
                if r.strip()
            }
        )
    return _records(["reason", "records"], sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# What "filled" means per field of a CRM record: a non-empty column, or a phone/email row of its own.
_COMPANY_FILL = ("legal_name", "inn", "kpp", "ogrn", "address", "city", "website", "manager", "phone", "email")
_CONTACT_FILL = ("last_name", "first_name", "middle_name", "position", "company", "phone", "email")


def _filled(table: Table, entity: str, field: str) -> ColumnElement[bool]:
    owner = s.phones if field == "phone" else s.emails
    if field in ("phone", "email"):
        own = owner.c.company_id == table.c.id if entity == "company" else owner.c.contact_id == table.c.id
        extra = [owner.c.contact_id.is_(None)] if entity == "company" else []
        valid = [owner.c.e164.is_not(None)] if field == "phone" else []
        return exists().where(own, *extra, *valid)
    if field == "company":
        return table.c.company_id.is_not(None)
    return and_(table.c[field].is_not(None), table.c[field] != "")


def _fill_rate(conn: Connection) -> pd.DataFrame:
    """Per field (rows) and source (columns): % of the live CRM records the source's live records were loaded into
    that have the field (after merging, so a value another source brought counts too)."""
    sl = s.source_links
    rates: dict[str, dict[str, float | None]] = {}
    sources: set[str] = set()
    for entity, table, fields in (("company", s.companies, _COMPANY_FILL), ("contact", s.contacts, _CONTACT_FILL)):
        rows = conn.execute(
            select(sl.c.source, func.count(), *(_count_if(_filled(table, entity, f)) for f in fields))
            .select_from(sl.join(table, table.c.id == sl.c.crm_id))
            .where(sl.c.entity == entity, sl.c.deleted_at.is_(None), table.c.deleted_at.is_(None))
            .group_by(sl.c.source)
        ).all()
        for source, total, *filled in rows:
            sources.add(source)
            for f, n in zip(fields, filled):
                rates.setdefault(text(f"report.field.{entity}.{f}"), {})[source] = _percent(n, total)
    columns = ["field", *sorted(sources)]
    return _records(
        columns, ([label, *(by_source.get(src) for src in columns[1:])] for label, by_source in rates.items())
    )


def _join_crm(from_: FromClause, link: FromClause) -> tuple[FromClause, ColumnElement[str], FromClause]:
    """``from_`` joined to the CRM record of ``link`` (a source_links alias): (join, record name, company)."""
    company, contact = s.companies.alias(), s.contacts.alias()
    joined = from_.outerjoin(company, and_(link.c.entity == "company", company.c.id == link.c.crm_id)).outerjoin(
        contact, and_(link.c.entity == "contact", contact.c.id == link.c.crm_id)
    )
    return joined, func.coalesce(company.c.name, contact.c.full_name), company


def _warnings(conn: Connection, limit: int | None) -> tuple[pd.DataFrame, int]:
    """One row per warning of a live source link: what to fix, and where (a link's warnings are lines)."""
    sl = s.source_links
    joined, name, _ = _join_crm(sl, sl)
    warned = and_(sl.c.deleted_at.is_(None), sl.c.warnings.is_not(None))
    query = (
        select(sl.c.source, sl.c.origin, sl.c.source_key, sl.c.entity, sl.c.crm_id, name, sl.c.warnings)
        .select_from(joined)
        .where(warned)
        .order_by(sl.c.source, sl.c.id)
    )
    rows, links = _rows(conn, query, limit)  # a link has one warning or more: enough links for ``limit`` lines
    lines = [(*r[:6], line) for r in rows for line in r.warnings.splitlines() if line.strip()]
    total = len(lines)
    if len(rows) < links:  # the lines of every warned link, counted by the database
        w = sl.c.warnings
        counted = conn.execute(
            select(func.sum(func.length(w) - func.length(func.replace(w, "\n", "")) + 1)).where(warned)
        ).scalar_one()
        total = max(int(counted), total)
    columns = ["source", "origin", "source_key", "entity", "crm_id", "crm_name", "warning"]
    return _records(columns, lines[:limit]), total


# -- merges, branches, review, runs ----------------------------------------------------


def _duplicates(conn: Connection, limit: int | None) -> tuple[pd.DataFrame, int]:
    """CRM records that several live source records were loaded into (the merges to check), the first
    ``limit`` of them with a limit."""
    sl = s.source_links
    # A window count, not GROUP BY + join back: MariaDB runs the join per row ("lateral derived").
    links = (
        select(
            sl.c.id,
            sl.c.entity,
            sl.c.crm_id,
            sl.c.source,
            sl.c.origin,
            sl.c.source_key,
            func.count().over(partition_by=(sl.c.entity, sl.c.crm_id)).label("shared_by"),
        )
        .where(sl.c.deleted_at.is_(None))
        .subquery()
    )
    # with a limit, each shared CRM record's place in the sheet's order, so the database stops after ``limit``
    ranked = [] if limit is None else [func.dense_rank().over(order_by=(links.c.entity, links.c.crm_id)).label("n")]
    shared = select(links, *ranked).where(links.c.shared_by > 1).subquery()
    joined, name, company = _join_crm(shared, shared)
    rows = conn.execute(
        select(
            shared.c.entity,
            shared.c.crm_id,
            name.label("name"),
            company.c.inn,
            shared.c.source,
            shared.c.origin,
            shared.c.source_key,
        )
        .select_from(joined)
        .where(*([] if limit is None else [shared.c.n <= limit]))
        .order_by(shared.c.entity, shared.c.crm_id, shared.c.id)
    ).all()
    out = []
    for (entity, crm_id), group in groupby(rows, key=lambda r: (r.entity, r.crm_id)):
        members = list(group)
        sources = ", ".join(dict.fromkeys(m.source for m in members))
        origins = "\n".join(_origin(m.source, m.origin, m.source_key) for m in members)
        out.append((entity, crm_id, members[0].name, members[0].inn, len(members), sources, origins))
    total = len(out)
    if limit is not None and total == limit:
        groups = select(sl.c.entity, sl.c.crm_id).where(sl.c.deleted_at.is_(None)).group_by(sl.c.entity, sl.c.crm_id)
        total = conn.execute(select(func.count()).select_from(groups.having(func.count() > 1).subquery())).scalar_one()
    return _records(["entity", "crm_id", "name", "inn", "records", "sources", "origins"], out), total


def _origin(source: str, origin: str | None, key: str) -> str:
    """``buh buh.csv:2 [001]``: where to find a record, with its key when that says more."""
    return f"{source} {origin} [{key}]" if origin and origin != key else f"{source} {origin or key}"


def _optional_tables(conn: Connection, limit: int | None) -> dict[str, tuple[pd.DataFrame, int]]:
    """A sheet per table of ``OPTIONAL_TABLES`` the target has (added by later schema revisions), as stored."""
    present = inspect(conn)
    out = {}
    for name in OPTIONAL_TABLES:
        if not present.has_table(name):
            continue
        table = Table(name, MetaData(), autoload_with=conn)
        shown = [c for c in table.c if c.name != "id"]
        order = [table.c.id] if "id" in table.c else []
        out[name] = _frame(conn, select(*shown).order_by(*order), limit)
    return out


def _branches(conn: Connection, limit: int | None) -> tuple[pd.DataFrame, int]:
    c = s.companies
    head = c.alias("head")
    return _frame(
        conn,
        select(
            c.c.id.label("crm_id"),
            c.c.name,
            c.c.inn,
            c.c.kpp,
            c.c.city,
            head.c.id.label("head_office_id"),
            head.c.name.label("head_office"),
            head.c.kpp.label("head_office_kpp"),
        )
        .select_from(c.join(head, head.c.id == c.c.parent_id))
        .where(c.c.deleted_at.is_(None))
        .order_by(head.c.name, head.c.id, c.c.kpp, c.c.id),
        limit,
    )


def _review(conn: Connection, limit: int | None) -> tuple[pd.DataFrame, int]:
    """Candidate pairs waiting for a decision, each record with the CRM record it is linked to."""
    rp, md = s.review_pairs, s.match_decisions
    left, right = s.source_links.alias("left_link"), s.source_links.alias("right_link")
    joined = rp
    names = []
    for link, side in ((left, "left"), (right, "right")):
        joined = joined.outerjoin(
            link,
            and_(
                link.c.entity == rp.c.entity,
                link.c.source == rp.c[f"{side}_source"],
                link.c.source_key == rp.c[f"{side}_key"],
            ),
        )
        joined, name, _ = _join_crm(joined, link)
        names.append(name)
    same = [
        and_(
            md.c.left_source == rp.c[f"{a}_source"],
            md.c.left_key == rp.c[f"{a}_key"],
            md.c.right_source == rp.c[f"{b}_source"],
            md.c.right_key == rp.c[f"{b}_key"],
        )
        for a, b in (("left", "right"), ("right", "left"))
    ]
    decided = exists().where(md.c.entity == rp.c.entity, or_(*same))
    return _frame(
        conn,
        select(
            rp.c.entity,
            rp.c.score,
            rp.c.reasons,
            rp.c.left_source,
            rp.c.left_key,
            left.c.origin.label("left_origin"),
            left.c.crm_id.label("left_crm_id"),
            names[0].label("left_name"),
            rp.c.right_source,
            rp.c.right_key,
            right.c.origin.label("right_origin"),
            right.c.crm_id.label("right_crm_id"),
            names[1].label("right_name"),
        )
        .select_from(joined)
        .where(not_(decided))
        .order_by(rp.c.score.desc(), rp.c.id),
        limit,
        # the joins add no rows (a link is unique per entity, source and key): the pending pairs are the count
        select(func.count()).select_from(rp).where(not_(decided)),
    )
