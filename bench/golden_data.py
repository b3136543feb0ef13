"""Golden records as the loader receives them, made up at any size (for bench_load and the load tests).

Record ``i`` is a company «ООО "Компания i"» with an INN, a city, one phone and one e-mail,
and its contact person with a phone and an e-mail of their own: five CRM rows and two
source links per record, the shape of a typical client base.
"""

from __future__ import annotations

import pandas as pd

from vocabulary.digests import payload_hash, payload_json
from vocabulary.fields import CRM_COMPANY_COLUMNS, CRM_CONTACT_COLUMNS, QUARANTINE_COLUMNS
from vocabulary.members import Member

SOURCE = "erp"


def _member(key: str, payload: dict) -> Member:
    as_read = payload_json(payload)
    return Member(SOURCE, key, f"erp.csv:{key}", payload_hash(as_read), as_read, [])


def golden_frames(n: int, *, start: int = 0, renamed: frozenset[int] = frozenset()) -> tuple[pd.DataFrame, ...]:
    """(companies, contacts, quarantine) golden frames of records ``start`` … ``start + n - 1``.

    A record in ``renamed`` has another company name (a changed source record).
    """
    companies, contacts = [], []
    for i in range(start, start + n):
        name = f'ООО "Компания {i}{" (новое имя)" if i in renamed else ""}"'
        company = dict.fromkeys(CRM_COMPANY_COLUMNS) | {
            "name": name,
            "inn": f"{7700000000 + i}",
            "type": "legal",
            "city": "Москва",
        }
        companies.append(
            company
            | {
                "cluster": i,
                "parent_cluster": None,
                "extra": {},
                "_issues": [],
                "phones": [(f"+7495{i % 10_000_000:07d}", None, "fixed", f"8 495 {i % 10_000_000:07d}")],
                "emails": [f"office{i}@company{i}.ru"],
                "members": [_member(f"C{i}", {"name": name})],
            }
        )
        person = dict.fromkeys(CRM_CONTACT_COLUMNS) | {
            "full_name": f"Иванов Иван {i}",
            "last_name": "Иванов",
            "first_name": "Иван",
            "position": "директор",
        }
        contacts.append(
            person
            | {
                "cluster": i,
                "company_cluster": i,
                "company_clusters": [i],
                "extra": {},
                "_issues": [],
                "phones": [(f"+7916{i % 10_000_000:07d}", None, "mobile", f"8 916 {i % 10_000_000:07d}")],
                "emails": [f"ivanov{i}@company{i}.ru"],
                "members": [_member(f"P{i}", {"full_name": person["full_name"]})],
            }
        )
    quarantine = pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    return pd.DataFrame(companies, dtype=object), pd.DataFrame(contacts, dtype=object), quarantine


def expected_keys(companies: pd.DataFrame, contacts: pd.DataFrame) -> set[tuple[str, str, str]]:
    """Every source record of the frames (the reconciliation invariant's ``expected``)."""
    return {
        (entity, m.source, m.source_key)
        for entity, frame in (("company", companies), ("contact", contacts))
        for members in frame["members"]
        for m in members
    }
