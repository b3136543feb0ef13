"""`crm-migrate review export|import`: the review queue as a workbook a client's data owner can fill."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cli.runner import execute
from connectors.crm_db.decisions import SavedDecisions, save_decisions
from connectors.excel import read_workbook
from connectors.xlsx_writer import Sheet, write_workbook
from pipelines.stages import MatchedRecords
from transforms.review import DECISION_CHOICES, SHEET, parse_decisions, review_sheet
from vocabulary.messages import text
from vocabulary.pairs import LINK_COLUMNS

HOW_TO_TOPICS = ("fill", "columns", "then")
NOTED_COLUMNS = ("decision", "score", "reasons", "comment")


def review_workbook(sheet: pd.DataFrame) -> dict[str, Sheet]:
    """The review sheet (column keys as DESIGN §5 fixes them, a dropdown on ``decision``) and the instructions,
    in the current language."""
    how_to = pd.DataFrame(
        [(text(f"review_book.how_to.{t}.topic"), text(f"review_book.how_to.{t}")) for t in HOW_TO_TOPICS],
        columns=["topic", "text"],
        dtype=object,
    )
    return {
        SHEET: Sheet(
            sheet,
            table=True,
            choices={"decision": DECISION_CHOICES},
            notes={c: text(f"review_book.note.{c}") for c in NOTED_COLUMNS},
        ),
        text("review_book.sheet.how_to"): Sheet(
            how_to, headers={"topic": text("review_book.how_to.topic"), "text": text("review_book.how_to.text")}
        ),
    }


def export_review(
    config_path: Path, out: Path, *, target: str | None, debug: bool = False, include_merges: bool = False
) -> int:
    """Write the pairs awaiting a decision (as of the sources now) to ``out``; return how many.

    ``include_merges`` (``--all``) adds every automatic merge, marked as such, so a data owner
    can undo one with ``different``."""
    # every record, not only what changed since the last load: the pairs of the whole base
    matched: MatchedRecords = execute(config_path, target=target, dry_run=True, debug=debug, until="matched", full=True)
    pairs = matched.review
    if include_merges and not matched.links.empty:
        merges = matched.links[list(LINK_COLUMNS)].copy()
        merges["reasons"] = [f"{text('matching.already_merged')}; {r}" for r in merges["reasons"]]
        pairs = pd.concat([pairs[list(LINK_COLUMNS)], merges], ignore_index=True)
    sheet = review_sheet(pairs, matched.companies, matched.contacts)
    write_workbook(out, review_workbook(sheet))
    return len(sheet)


def import_review(workbook: Path, url: str, *, reviewer: str | None = None) -> tuple[int, SavedDecisions]:
    """Store the filled-in decisions in the target; (decisions read, what was saved)."""
    (grid,) = read_workbook(workbook, SHEET)
    rows = list(zip(grid.row_numbers, grid.cells))
    if not rows:
        return 0, SavedDecisions()
    decisions = parse_decisions(rows[0][1], rows[1:], workbook.name)
    return len(decisions), save_decisions(url, decisions, reviewer) if decisions else SavedDecisions()
