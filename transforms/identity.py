"""Is a source record keyed by its row position still the company/person it was last time?

A source without ``key:`` is keyed by position (``Клиенты!12``, ``clients.csv:7``). Insert one
row near the top of the sheet and every row below now holds its neighbour's record: without a
check, each link would update the neighbour's CRM record with another company's name, INN and
phones. The loader asks this before it trusts such a link: a different INN, or a name that is
no longer similar, means another record (a changed KPP too: a branch is not its head office).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from transforms.company_names import parse_company_name

SIMILAR = 60  # name similarity (0-100) from which a renamed record is still the same one


def _name_key(name: object) -> str:
    text = str(name or "")
    return parse_company_name(text).match_key or " ".join(text.casefold().split())


def same_identity(before: dict, now: dict) -> bool:
    """``before`` and ``now`` have ``name``, ``inn`` and ``kpp`` (a company) or ``full_name`` (a person).

    A KPP tells a branch from its head office (same INN, same name): it counts like the INN.
    """
    for code in ("inn", "kpp"):
        if before.get(code) and now.get(code) and before[code] != now[code]:
            return False
    field = "name" if "name" in before or "name" in now else "full_name"
    old, new = _name_key(before.get(field)), _name_key(now.get(field))
    if not old or not new:
        return True
    return max(fuzz.token_set_ratio(old, new), fuzz.ratio(old, new)) >= SIMILAR
