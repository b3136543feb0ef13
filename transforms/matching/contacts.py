"""Contact matching: blocking rules, caps and the explanation's values for people.

A person merges automatically only with corroboration — the same company, a shared mobile
or a shared personal e-mail, the surname and first name on one office line (the patronymic, when
both give it, the same), or the surname and first name (or its initial) at another record of a
company of the same or an alike name (a typo the company matcher could not settle) — and never when the
surnames or first names differ (a surname two typos off merges only with the same company
and a personal channel); the same full name at another company is a question (moved, or a
namesake?). Colleagues share the office line and ``info@``: term frequencies make those
weigh little. The hard rules for people (``rules.py``) hold in every cluster, and a record
with only a surname or only a first name («Ольга» on the office line) may join one person,
never join two; an incomplete name that fits two different people of its company («Акимов А.Д.»
next to Андрей and Алексей Дмитриевич) merges only on a personal phone or e-mail.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from transforms.matching.blocking import (
    BlockReport,
    Candidates,
    block_pairs,
    explode,
    initial_key,
    rank_of,
    unique_pairs,
)
from transforms.matching.comparisons import CONTACT_COMPARISONS, PairView
from transforms.matching.engine import (
    Caps,
    Entity,
    Matched,
    Record,
    Thresholds,
    level_mask,
    run,
    show_pair,
    show_shared,
    stable_order,
)
from transforms.matching.features import contact_features, is_role_mailbox, with_feature_issues
from transforms.matching.index import Stored, index_entry
from transforms.matching.rules import CONTACT_FACETS
from vocabulary.fields import COMPANY_RECORD, SOURCE, SOURCE_KEY
from vocabulary.messages import text

_level = level_mask(CONTACT_COMPARISONS)


def _caps(view: PairView, g: np.ndarray, worth: np.ndarray) -> Caps:
    same_company = _level(g, "company", "equal")
    personal = _level(g, "phone", "shared_mobile") | _level(g, "email", "shared_personal")
    full = _level(g, "last_name", "exact") & _level(g, "first_name", "exact")
    # the surname and first name on one office line (the patronymic, when both say it, the same): colleagues
    # share the line, not the name as well
    office = full & ~_level(g, "middle_name", "initial", "typo", "different") & _level(g, "phone", "shared_landline")
    # another record of a company of the same or an alike name (that the company matcher could not join) is
    # as good as the same company for a surname with the same first name or its initial
    sibling_record = (
        _level(g, "company", "same_name", "alike_name")
        & _level(g, "last_name", "exact")
        & _level(g, "first_name", "exact", "initial")
    )
    namesake = full & ~same_company & ~personal & ~office & ~sibling_record
    names_differ = _level(g, "last_name", "different") | _level(g, "first_name", "different")
    misspelt = _level(g, "last_name", "similar_80") & ~(same_company & personal)  # «Титов» / «Титв»
    # an incomplete name that fits two different people of the company: the company says neither (a
    # personal channel still does)
    fits_several = (view.left("fits_several") | view.right("fits_several")) & ~personal
    may_merge = (personal | ((same_company | sibling_record | office) & ~fits_several)) & ~names_differ & ~misspelt
    may_review = np.ones(len(g), dtype=bool)

    def notes(e: int) -> list[str]:
        return [text("matching.namesake")] if namesake[e] else []

    return Caps(may_merge, may_review, notes, np.zeros(len(g), dtype=bool), names_differ | fits_several)


def _shown(features: dict) -> dict:
    return {
        "last_name": show_pair(features, "last"),
        "first_name": show_pair(features, "first"),
        "middle_name": show_pair(features, "middle"),
        "phone": show_shared(features, "phone"),
        "email": show_shared(features, "email"),
    }


def contact_pairs(features: dict, n: int, report: BlockReport) -> Candidates:
    """Candidate pairs: same company, same surname and initial, same name, phone or personal e-mail."""
    rank = rank_of(list(features["key"]))
    records = np.arange(n)
    company = [c or None for c in features["company"].tolist()]
    initial = [initial_key(t, f) for t, f in zip(features["tlast"], features["first"])]
    parts = {
        "company": block_pairs(records, company, rank, "company", report),
        "surname_initial": block_pairs(records, initial, rank, "surname_initial", report),
        "name": block_pairs(records, features["key"], rank, "name", report),
    }
    phone_recs, phones = explode(features["phone_values"])
    parts["phone"] = block_pairs(phone_recs, phones, rank, "phone", report)
    mail_recs, mails = explode([[e for e in es if not is_role_mailbox(e)] for es in features["email_values"]])
    parts["email"] = block_pairs(mail_recs, mails, rank, "email", report)
    return unique_pairs(parts, n)


# EM sessions (blocking rules, comparisons learnt). The name parts on pairs a phone or e-mail found — without
# the company: colleagues share the office line, and with the company in that session EM takes «same company»
# for «same person» (a different surname would weigh almost nothing); the channels and company on pairs found by name.
SESSIONS = (
    (frozenset({"phone", "email"}), frozenset({"last_name", "first_name", "middle_name"})),
    (frozenset({"company", "surname_initial", "name"}), frozenset({"phone", "email", "company"})),
)


def match_contacts(
    contacts: pd.DataFrame,
    company_cluster_of: dict[Record, int],
    thresholds: Thresholds,
    decisions: pd.DataFrame | None = None,
    stored: Stored | None = None,
    company_names: Mapping[Record, str | None] | None = None,
) -> Matched:
    """Cluster contact records: one person per cluster, whatever the order of the rows.

    ``stored``: a sync's view of the matching index (its model, value counts and clusters);
    ``company_names``: each company record's name key — two records of one person may sit on two
    records of one company the company matcher could not join («Ромашка» without INN, twice)."""
    frame = stable_order(contacts)
    refs = [r if isinstance(r, tuple) else None for r in frame[COMPANY_RECORD]]
    companies = [company_cluster_of.get(r) if r else None for r in refs]
    names = company_names or {}
    features = contact_features(frame, companies, [names.get(r) if r else None for r in refs])
    frame = with_feature_issues(frame, features)
    report = BlockReport()
    pairs = contact_pairs(features, len(frame), report)
    partial = [not (last and first) for last, first in zip(features["last"], features["first"])]
    entity = Entity(
        "contact",
        CONTACT_COMPARISONS,
        CONTACT_FACETS,
        _shown(features),
        _caps,
        {name: list(features[name]) for name in ("last", "first", "middle")},
        SESSIONS,
    )
    records = list(zip(frame[SOURCE], frame[SOURCE_KEY]))
    model, kept = stored.prepare("contact", CONTACT_COMPARISONS, features, records) if stored else (None, [])
    result = run(entity, frame, features, pairs, report, thresholds, decisions, partial, model=model, kept=kept)
    result.index = index_entry("contact", features, records, result.model, full=stored is None, own=refs)
    return result
