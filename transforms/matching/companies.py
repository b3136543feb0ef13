"""Company matching: blocking rules, caps and the explanation's values for companies.

Caps — what the probability alone may not decide:

* names that differ by a number («СМУ-1» / «СМУ-2», «Клиент 16527» / «Клиент 16575») are
  other entities: not even a question, unless a phone or an e-mail is shared (then: a
  sister company?); names that differ by a short word or a sign («Вертикаль Трейд» /
  «Вертикаль Трейд+») are reviewed, never merged automatically;
* names that do not agree at all merge automatically only on the same INN or OGRN (a
  shared phone or mailbox with another name is a question: a business centre? renamed?);
* the same name in another city merges automatically only with the INN, OGRN, a phone or
  an e-mail agreeing;
* two entrepreneurs (people) merge automatically only with the INN, a phone or an
  e-mail agreeing, or the same full ФИО in the same city (or the city of the other's INN region): a
  namesake is too likely;
* a record labelled a branch («филиал», «ОП», a KPP reason code other than 01) and one that
  is not: review only, unless their KPPs agree, or the other has neither KPP nor label and
  shares the branch's city and a phone or personal mailbox, or the branch's INN when that city is
  not in the INN's region (it is that branch, written plainly);
* the same INN in two cities without the same KPP: review only (a branch elsewhere, or the
  head office?);
* another legal form (ООО / АО; ЗАО → АО and LLC → ООО are one kind) merges automatically only
  on the same INN or OGRN;
* a name that companies of two or more INNs bear in one city («Гарант», Москва) merges
  automatically only on the INN, OGRN, a phone, a personal e-mail, a contact person or the
  address agreeing: the name and the city cannot say which of them a record is;
* a name that is only alike (a typo, similar words) merges automatically only when something
  else agrees: the city, the address, the domain, an identifier, a phone or an e-mail;
* an INN one digit or one transposition off: review only; an entrepreneur written with
  initials merges automatically only with the INN, a phone or an e-mail agreeing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from transforms.matching.blocking import (
    BlockReport,
    Candidates,
    block_pairs,
    explode,
    fuzzy_pairs,
    initial_key,
    rank_of,
    unique_pairs,
)
from transforms.matching.comparisons import COMPANY_COMPARISONS, PairView
from transforms.matching.engine import (
    Caps,
    Entity,
    Matched,
    Thresholds,
    level_mask,
    run,
    show_pair,
    show_shared,
    stable_order,
)
from transforms.matching.features import company_features, contact_people, is_role_mailbox, with_feature_issues
from transforms.matching.index import Stored, index_entry
from transforms.matching.rules import COMPANY_FACETS
from vocabulary.fields import SOURCE, SOURCE_KEY
from vocabulary.messages import text
from vocabulary.pairs import Record

FUZZY_NAME_CUTOFF = 80
STOCK_WORDS = frozenset({"тд", "тк", "гк", "пк", "ск", "нпп", "нпф"})  # «ТД Прогресс» is «Прогресс», not a sister
_level = level_mask(COMPANY_COMPARISONS)


def minor_variant(a: str, b: str) -> bool:
    """«Атлант 1» / «Атлант 10», «Вертикаль Трейд» / «Вертикаль Трейд+»: siblings, not spellings."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return True
    extra = (set(a.split()) ^ set(b.split())) - STOCK_WORDS
    return any(len(t) <= 2 or not t.isalpha() for t in extra)


def _review_only_levels(g: np.ndarray) -> np.ndarray:
    out = np.zeros(len(g), dtype=bool)
    for c, comparison in enumerate(COMPANY_COMPARISONS):
        for index, level in enumerate(comparison.levels):
            if level.review_only:
                out |= g[:, c] == index
    return out


def _caps(features: dict) -> Callable[[PairView, np.ndarray, np.ndarray], Caps]:
    def caps(view: PairView, g: np.ndarray, worth: np.ndarray) -> Caps:
        ident = _level(g, "inn", "equal") | _level(g, "ogrn", "equal")
        channel = _level(g, "phone", "shared_mobile", "shared_landline") | _level(g, "email", "shared_personal")
        shared = channel | _level(g, "people", "shared_person")
        numbers = view.known("key") & (view.left("numbers") != view.right("numbers"))
        fuzzy = _level(g, "name", "typo", "similar_95", "similar_88", "similar_80", "different") & ~numbers & worth
        sibling = numbers.copy()
        keys = features["key"]
        for i in np.flatnonzero(fuzzy).tolist():
            sibling[i] = minor_variant(keys[view.a[i]], keys[view.b[i]])
        differ = _level(g, "name", "different")
        people = (view.left("kind") == "person") & (view.right("kind") == "person")
        # the same full ФИО in the same city (or in the city of the other's INN region): not a namesake worth
        # a question
        here = _level(g, "city", "equal") | _level(g, "inn_region", "equal")
        full_name_here = _level(g, "name", "exact") & view.known("person_middle") & here
        people &= ~full_name_here
        elsewhere = _level(g, "city", "different") & ~ident & ~shared
        office_a, office_b = view.left("office"), view.right("office")
        one_branch = (office_a == "branch") != (office_b == "branch")
        kpp_codes = view.codes("kpp")
        no_kpp = (kpp_codes[view.a] < 0) & (kpp_codes[view.b] < 0)
        # a record with neither KPP nor label, in the branch's city and with its phone or mailbox — or with
        # the branch's INN, whose region (the head office's) is not that city's: that branch, written plainly
        region_a, region_b = view.left("city_region"), view.right("city_region")
        inn_region = np.maximum(view.left("inn_region"), view.right("inn_region"))
        away = _level(g, "inn", "equal") & (region_a > 0) & (region_a == region_b) & (region_a != inn_region)
        in_branch = (
            one_branch
            & ((office_a == None) | (office_b == None))  # noqa: E711 — elementwise over object arrays
            & _level(g, "city", "equal")
            & (channel | away)
        )
        unlabelled = one_branch & ~_level(g, "kpp", "equal") & ~in_branch
        # one INN, two cities, no KPP that says one office: a branch elsewhere, or the head office?
        other_office = _level(g, "inn", "equal") & _level(g, "city", "different") & ~_level(g, "kpp", "equal")
        initials_only = _level(g, "name", "initials") & ~ident & ~shared
        alike = _level(g, "name", "typo", "similar_95", "similar_88", "similar_80")
        place = _level(g, "city", "equal") | _level(g, "address", "equal", "similar_90") | _level(g, "domain", "equal")
        uncorroborated = alike & ~ident & ~shared & ~place  # a misspelt name and nothing else: a question
        other_form = _level(g, "form", "different") & ~ident  # ООО «X» and АО «X»: two legal persons, or a slip?
        # the name is worn by companies of different INNs in that city: without an INN, OGRN, a shared
        # channel or the same address, which of them is this one?
        rivals = np.maximum(view.left("name_rivals"), view.right("name_rivals"))
        crowded = (rivals >= 2) & ~ident & ~shared & ~_level(g, "address", "equal")
        review_only = _review_only_levels(g) & ~_level(g, "name", "initials")
        may_merge = (
            ~review_only
            & ~initials_only
            & ~uncorroborated
            & ~other_form
            & ~(sibling & ~ident)
            & ~(differ & ~ident)
            & ~(people & ~(ident | shared))
            & ~elsewhere
            & ~unlabelled
            & ~other_office
            & ~crowded
        )
        may_review = ~(numbers & ~shared & ~ident)

        def notes(e: int) -> list[str]:
            out = []
            if sibling[e] and not ident[e]:
                out.append(text("matching.sibling"))
            elif differ[e] and shared[e]:
                out.append(text("matching.names_differ"))
            if other_form[e]:
                out.append(text("matching.other_form"))
            if unlabelled[e]:
                out.append(text("matching.branch_label"))
            elif other_office[e]:
                out.append(text("matching.other_office"))
            if people[e] and not (ident[e] or shared[e]):
                out.append(text("matching.uncorroborated"))
            if crowded[e]:
                out.append(text("matching.crowded_name", count=int(rivals[e])))
            return out

        # the same INN and KPP, or the same INN with no KPP on either side, no branch label on one only
        # and no two cities
        settled = _level(g, "inn", "equal") & (_level(g, "kpp", "equal") | (no_kpp & ~one_branch & ~other_office))
        # names that are not one (another word, another number or sign) without an identifier agreeing
        no_rival = (differ | sibling) & ~ident
        # a record that says which office it is (a «филиал» label, a KPP) is not torn by a partner that says
        # otherwise or nothing; one that says nothing is (an INN-only record next to a head office and a branch)
        known_a, known_b = office_a != None, office_b != None  # noqa: E711 — elementwise over object arrays
        other = office_a != office_b
        aside = (known_a & other, known_b & other)
        return Caps(may_merge, may_review, notes, settled, no_rival, aside)

    return caps


def _shown(features: dict) -> dict:
    def pair(name: str) -> Callable[[int, int], str]:
        return show_pair(features, name)

    def shared(name: str) -> Callable[[int, int], str]:
        return show_shared(features, name)

    def region(a: int, b: int) -> str:
        inn_side, city_side = (a, b) if features["tax_region"][a] else (b, a)
        return f"{features['tax_region'][inn_side]:02d} / {features['places_display'][city_side]}"

    return {
        "name": pair("key"),
        "inn": pair("inn"),
        "kpp": pair("kpp"),
        "ogrn": pair("ogrn"),
        "form": pair("form"),
        "phone": shared("phone"),
        "email": shared("email"),
        "people": shared("person"),
        "domain": pair("domain"),
        "city": pair("places_display"),
        "address": pair("address"),
        "inn_region": region,
    }


def alike_names(stored: dict[Record, str], names: list[str]) -> list[Record]:
    """The stored records whose name key is as alike to one of ``names`` as the fuzzy name block asks
    (a sync's stored partners found by a word's affix)."""
    if not stored or not names:
        return []
    records, keys = list(stored), list(stored.values())
    score = np.maximum(
        process.cdist(keys, names, scorer=fuzz.ratio, workers=-1),
        process.cdist(keys, names, scorer=fuzz.token_sort_ratio, workers=-1),
    )
    return [records[i] for i in np.flatnonzero(score.max(axis=1) >= FUZZY_NAME_CUTOFF)]


def company_pairs(features: dict, n: int, report: BlockReport) -> Candidates:
    """Candidate pairs: same name key, transliteration, INN, OGRN, domain, phone, personal e-mail,
    a contact person, entrepreneur's surname and first initial, or a rare-word affix with alike names."""
    rank = rank_of(list(features["key"]))
    records = np.arange(n)
    parts = {
        rule: block_pairs(records, features[name], rank, rule, report)
        for name, rule in (
            ("key", "name"),
            ("tkey", "translit"),
            ("inn", "inn"),
            ("ogrn", "ogrn"),
            ("domain", "domain"),
        )
    }
    initials = [initial_key(last, first) for last, first in zip(features["person_last"], features["person_first"])]
    parts["surname"] = block_pairs(records, initials, rank, "surname", report)
    phone_recs, phones = explode(features["phone_values"])
    parts["phone"] = block_pairs(phone_recs, phones, rank, "phone", report)
    mail_recs, mails = explode([[e for e in es if not is_role_mailbox(e)] for es in features["email_values"]])
    parts["email"] = block_pairs(mail_recs, mails, rank, "email", report)
    person_recs, people = explode(features["person_values"])
    parts["person"] = block_pairs(person_recs, people, rank, "person", report)
    parts["name_fuzzy"] = fuzzy_pairs(list(features["key"]), FUZZY_NAME_CUTOFF, "name_fuzzy", report)
    return unique_pairs(parts, n)


# EM sessions (blocking rules, comparisons learnt): the name, form and place on pairs an INN or OGRN found —
# not a phone, mailbox or domain: a business centre's switchboard is shared by tenants of other names, and EM
# would take the centre for the company —, the identifiers and channels on pairs found by name.
SESSIONS = (
    (
        frozenset({"inn", "ogrn"}),
        frozenset({"name", "form", "city", "address", "inn_region"}),
    ),
    (
        frozenset({"name", "translit", "name_fuzzy", "surname"}),
        frozenset(c.field for c in COMPANY_COMPARISONS) - {"name"},
    ),
)


def match_companies(
    companies: pd.DataFrame,
    thresholds: Thresholds,
    decisions: pd.DataFrame | None = None,
    stored: Stored | None = None,
    contacts: pd.DataFrame | None = None,
) -> Matched:
    """Cluster company records; branches (same INN, other KPP) stay apart (see the README, «Matching»).

    ``stored``: a sync's view of the matching index (its model, value counts and clusters);
    ``contacts``: contact records with their ``company_record``, whose people are evidence too."""
    frame = stable_order(companies)
    features = company_features(frame, contact_people(frame, contacts))
    frame = with_feature_issues(frame, features)
    report = BlockReport()
    pairs = company_pairs(features, len(frame), report)
    entity = Entity(
        "company",
        COMPANY_COMPARISONS,
        COMPANY_FACETS,
        _shown(features),
        _caps(features),
        {name: list(features[name]) for name in ("key", "inn", "kpp", "ogrn", "place", "address", "domain")},
        SESSIONS,
    )
    records = list(zip(frame[SOURCE], frame[SOURCE_KEY]))
    model, kept = stored.prepare("company", COMPANY_COMPARISONS, features, records) if stored else (None, [])
    result = run(entity, frame, features, pairs, report, thresholds, decisions, model=model, kept=kept)
    result.index = index_entry("company", features, records, result.model, full=stored is None)
    return result
