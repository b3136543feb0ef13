"""`crm-migrate review export|import`: the review queue as a workbook a client's data owner can fill."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from connectors.crm_db.decisions import SavedDecisions, save_decisions
from connectors.excel import read_workbook
from connectors.xlsx_writer import write_workbook
from pipelines.stages import MatchedRecords
from cli.runner import execute
from transforms.review import SHEET, parse_decisions, review_sheet
from vocabulary.messages import text
from vocabulary.pairs import LINK_COLUMNS

# What the reviewer reads above the table, in the workbook's second sheet.
HOW_TO = [
    ("Как заполнять", "В листе review в столбце decision напишите same (это одна и та же компания/один человек) "
                      "или different (разные). Пустые строки пропускаются."),
    ("How to fill in", "In sheet review, column decision: same (one company/person) or different. "
                       "Rows left empty are skipped."),
    ("Then", "crm-migrate review import --config migration.yaml review.xlsx, then crm-migrate run: "
             "decisions are kept in the CRM database and apply to every later run."),
]


def export_review(config_path: Path, out: Path, *, target: str | None, debug: bool = False,
                  include_merges: bool = False) -> int:
    """Write the pairs awaiting a decision (as of the sources now) to ``out``; return how many.

    ``include_merges`` (``--all``) adds every automatic merge, marked as such, so a data owner
    can undo one with ``different``."""
    matched: MatchedRecords = execute(config_path, target=target, dry_run=True, debug=debug, until="matched")
    pairs = matched.review
    if include_merges and not matched.links.empty:
        merges = matched.links[list(LINK_COLUMNS)].copy()
        merges["reasons"] = [f"{text('matching.already_merged')}; {r}" for r in merges["reasons"]]
        pairs = pd.concat([pairs[list(LINK_COLUMNS)], merges], ignore_index=True)
    sheet = review_sheet(pairs, matched.companies, matched.contacts)
    write_workbook(out, {SHEET: sheet, "how to": pd.DataFrame(HOW_TO, columns=["", "text"], dtype=object)})
    return len(sheet)


def import_review(workbook: Path, url: str, *, reviewer: str | None = None) -> tuple[int, SavedDecisions]:
    """Store the filled-in decisions in the target; (decisions read, what was saved)."""
    (grid,) = read_workbook(workbook, SHEET)
    rows = list(zip(grid.row_numbers, grid.cells))
    if not rows:
        return 0, SavedDecisions()
    decisions = parse_decisions(rows[0][1], rows[1:], workbook.name)
    return len(decisions), save_decisions(url, decisions, reviewer) if decisions else SavedDecisions()
