"""The quality report's frames (``report.report_sheets``) dressed as a workbook in the run's language.

Sheet names, headers, notes, entity and status words come from the message catalogue
(``vocabulary/messages/report.py``); every sheet is an Excel table with filter buttons;
the summary carries three charts of the other sheets; fill rates below ``LOW_FILL`` % are
shaded red. Source names (the fill-rate columns) and client values are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from connectors.xlsx_writer import Chart, Sheet
from vocabulary.messages import CATALOGUE, text

LOW_FILL = 50  # percent: a field filled in fewer of a source's records is shaded red
TRANSLATED_VALUES = ("entity", "status")  # columns whose values are words of the tool, not client data


def report_workbook(sheets: Mapping[str, pd.DataFrame]) -> dict[str, Sheet]:
    """Sheet title → ``Sheet`` for ``write_workbook``, in the order of ``sheets``."""
    titles = {key: text(f"report.sheet.{key}") for key in sheets}
    out: dict[str, Sheet] = {}
    for key, frame in sheets.items():
        own_columns = ["field"] if key == "fill_rate" else list(frame.columns)  # the others are source names
        sources = [c for c in frame.columns if c != "field"] if key == "fill_rate" else []
        out[titles[key]] = Sheet(
            _translate_values(frame),
            headers=_headers(own_columns),
            notes=_notes(key, own_columns),
            table=True,
            low_below=dict.fromkeys(sources, LOW_FILL),
            charts=_charts(titles, sheets) if key == "summary" else (),
        )
    return out


def _headers(columns: list[str]) -> dict[str, str]:
    return {c: text(f"report.col.{c}") for c in columns if f"report.col.{c}" in CATALOGUE}


def _notes(sheet: str, columns: list[str]) -> dict[str, str]:
    keys = {c: f"report.note.{sheet}.{c}" for c in columns}
    return {c: text(k, low=LOW_FILL) for c, k in keys.items() if k in CATALOGUE}


def _translate_values(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in TRANSLATED_VALUES if c in frame.columns]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        out[column] = [_word(column, v) for v in out[column]]
    return out


def _word(column: str, value: object) -> object:
    key = f"report.value.{column}.{value}"
    return text(key) if isinstance(value, str) and key in CATALOGUE else value


def _charts(titles: Mapping[str, str], sheets: Mapping[str, pd.DataFrame]) -> list[Chart]:
    charts = []
    if "by_source" in sheets:
        charts.append(
            Chart(
                text("report.chart.by_source"),
                data=titles["by_source"],
                categories="source",
                series=["companies", "contacts", "quarantined"],
            )
        )
    if "quarantine_reasons" in sheets:
        charts.append(
            Chart(
                text("report.chart.quarantine_reasons"),
                data=titles["quarantine_reasons"],
                categories="reason",
                series=["records"],
                kind="bar",
            )
        )
    if "fill_rate" in sheets:
        sources = [c for c in sheets["fill_rate"].columns if c != "field"]
        charts.append(
            Chart(
                text("report.chart.fill_rate"),
                data=titles["fill_rate"],
                categories="field",
                series=sources,
                kind="bar",
                percent=True,
            )
        )
    return charts
