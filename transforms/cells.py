"""Cells as spreadsheets deliver them → text, and the column helper of the value normalisers.

Excel hands over numbers where a client typed digits: ``79161234567.0`` (a float),
``7.9161234567E+10`` (scientific notation in a CSV export), an INN without its leading
zero. :func:`cell_text` turns any cell into text once, so every normaliser sees the same
thing; :func:`excel_number` recognises the float damage and says whether the digits
survived it. :func:`apply_distinct` runs a cached scalar normaliser over whole columns,
once per distinct combination of inputs.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vocabulary.messages import Message, deferred

# "79161234567.0" or "79161234567,00": an integer that went through a float.
_FLOAT_INTEGER = re.compile(r"^\s*(\d+)[.,]0+\s*$")
# "7.9161234567E+10", "7,9161234567e10": scientific notation of an integer.
_SCIENTIFIC = re.compile(r"^\s*(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})\s*$")
# Placeholders that mean "nothing here": dashes, dots, question marks.
_PLACEHOLDER = re.compile(r"^[\s\-‐‑‒–—―.,;:_?*/\\]*$")


def cell_text(value: object) -> str | None:
    """The text of a cell, stripped; None for an empty cell or a mere placeholder (``-``, ``—``).

    Integral floats (Excel's numbers) come back as their integer digits: ``7707083893.0`` →
    ``"7707083893"``; other numbers as Python prints them.
    """
    if isinstance(value, str):
        text = value.strip()
    elif value is None or value is pd.NA or value is pd.NaT:
        return None
    elif isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(float(value))
    elif isinstance(value, numbers.Integral):
        text = str(int(value))
    else:
        text = str(value).strip()
    return None if _PLACEHOLDER.match(text) else text


def excel_number(text: str) -> tuple[str, bool] | None:
    """Digits of a number Excel printed as a float, and whether all of them survived.

    ``"79161234567.0"`` → ``("79161234567", True)``; ``"7.9161234567E+10"`` →
    ``("79161234567", True)``; ``"7.91612E+10"`` → ``("791612", False)``: Excel kept six
    significant digits and the rest cannot be recovered. None when ``text`` is not such a
    number (a fraction such as ``7.5E+0`` is not an integer either).
    """
    m = _FLOAT_INTEGER.match(text)
    if m:
        return m.group(1), True
    m = _SCIENTIFIC.match(text)
    if not m:
        return None
    mantissa = m.group(1) + (m.group(2) or "").rstrip("0")
    width = int(m.group(3)) + 1
    if len(mantissa) > width:
        return None
    return mantissa, len(mantissa) == width


def digits_lost(text: str) -> Message:
    """Why a number Excel printed with too few significant digits (``7.91612E+10``) cannot be used."""
    return deferred("normalise.id.excel_digits_lost", value=text)


def failure(exc: BaseException) -> str:
    """An exception as a short phrase for a warning: its type and the first line of its message."""
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def fold(text: str) -> str:
    """Lower case with ё → е: the form every matching key and table look-up uses."""
    return text.lower().replace("ё", "е")


def apply_distinct(
    fn: Callable[..., Any],
    *columns: Sequence[Any] | pd.Series,
    on_error: Callable[[tuple[Any, ...], Exception], Any] | None = None,
) -> pd.Series:
    """``fn(*row)`` for every row of the given columns, calling ``fn`` once per distinct row.

    Exports repeat values (the same phone on every order of a client), so a column of a
    million cells costs what its distinct values cost. The result is an object Series on
    the index of the first column (a fresh RangeIndex when it is not a Series).

    ``on_error(row, exception)``, when given, is the result for a row ``fn`` fails on: one
    odd value becomes a flagged value instead of a failed run.
    """
    if not columns:
        raise TypeError("apply_distinct needs at least one column")
    index = columns[0].index if isinstance(columns[0], pd.Series) else None
    codes, first_rows = _row_codes(columns)
    distinct = [np.asarray(c, dtype=object)[first_rows].tolist() for c in columns]
    results = np.empty(len(first_rows), dtype=object)
    for i, args in enumerate(zip(*distinct)):
        if on_error is None:
            results[i] = fn(*args)
            continue
        try:
            results[i] = fn(*args)
        except Exception as exc:  # noqa: BLE001 — any failure on one value is that value's problem only
            results[i] = on_error(args, exc)
    return pd.Series(results[codes], index=index, dtype=object)


def _row_codes(columns: Sequence[Sequence[Any] | pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """One code per row (equal rows, equal codes) and the first row holding each code."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        col_codes, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=False)
        codes, _ = pd.factorize(codes * len(uniques) + col_codes)
    _, first_rows = np.unique(codes, return_index=True)
    return codes, first_rows
