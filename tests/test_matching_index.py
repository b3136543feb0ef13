"""The matching index (transforms.matching.index): a few records matched with the stored model, the base's
term frequencies and the stored clusters behave as the whole base would — and stored clusters hold."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from tests.test_matching import LIMITS, clusters, companies
from transforms.matching import match_companies
from transforms.matching.features import COMPANY_TF, company_features
from transforms.matching.index import Stored, index_keys, rescale_tf, tf_totals
from vocabulary.fields import SOURCE, SOURCE_KEY

BASE = (
    {"name": "Ромашка", "city": "Москва", "inn": "7707083893", "phone": "+7 495 111-22-33"},
    {"name": "ООО Ромашка", "city": "Москва", "inn": "7707083893"},
    {"name": "Ромашка", "city": "Казань", "phone": "+7 843 200-00-00"},
    {"name": "Лютик", "city": "Москва", "phone": "+7 495 111-22-33"},
    {"name": "Василёк", "city": "Москва", "inn": "7736050003", "email": "info@vasilek.ru"},
    {"name": "Василек", "city": "Тверь", "email": "info@vasilek.ru"},
    {"name": "Одуванчик", "city": "Москва", "kpp": "770701001", "inn": "7702070139"},
    {"name": "Ромашка", "city": "Москва"},
)


def _counts(frame: pd.DataFrame) -> Counter:
    features = company_features(frame)
    return Counter((rule, value) for _, rule, value in index_keys("company", features, len(frame)))


@pytest.mark.parametrize("rows", [[0], [2, 3], [0, 5, 7], list(range(len(BASE)))])
def test_rescaled_term_frequencies_are_the_whole_bases(rows: list[int]) -> None:
    frame = companies(*BASE)
    whole = company_features(frame)
    part = company_features(frame.iloc[rows].reset_index(drop=True))
    counts = _counts(frame)
    rescale_tf("company", part, counts, tf_totals("company", whole, len(frame)))
    for name, _ in COMPANY_TF:
        assert np.allclose(part[f"{name}_tf"], whole[f"{name}_tf"][rows]), name
    for channel in ("phone", "email"):
        assert np.allclose(part[f"{channel}_tf"], whole[f"{channel}_tf"][rows]), channel


def _stored(frame: pd.DataFrame, full, cluster_of: dict, changed: set) -> Stored:
    counts = _counts(frame)
    return Stored(full.index["model"], lambda values: counts, cluster_of, changed)


def _records(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame[SOURCE], frame[SOURCE_KEY]))


def test_a_new_rival_does_not_split_a_stored_cluster() -> None:
    """An INN-less «Альфа» merged with the only Moscow «Альфа»; a second one with another INN arrives."""
    before = companies(
        {"name": "Альфа", "city": "Москва", "inn": "7707083893", "phone": "+7 495 123-45-67"},
        {"name": "Альфа", "city": "Москва", "phone": "+7 495 123-45-67"},
    )
    full = match_companies(before, LIMITS)
    assert clusters(full.frame) == [{"0", "1"}]
    after = companies(
        {"name": "Альфа", "city": "Москва", "inn": "7707083893", "phone": "+7 495 123-45-67"},
        {"name": "Альфа", "city": "Москва", "phone": "+7 495 123-45-67"},
        {"name": "Альфа", "city": "Москва", "inn": "7736050003", "phone": "+7 495 123-45-67"},
    )
    assert clusters(match_companies(after, LIMITS).frame) != [{"0", "1"}, {"2"}]  # from scratch: a question
    stored = _stored(after, full, {("a", "0"): 7, ("a", "1"): 7}, {("a", "2")})
    synced = match_companies(after, LIMITS, stored=stored)
    assert clusters(synced.frame) == [{"0", "1"}, {"2"}]
    assert not synced.splits
    kept = synced.links.to_dict("records")
    assert [(m["left_key"], m["right_key"]) for m in kept] == [("0", "1")]


def test_a_stored_cluster_a_hard_rule_forbids_is_split_and_said(english: None) -> None:
    frame = companies(
        {"name": "Альфа", "city": "Москва", "inn": "7707083893"},
        {"name": "Альфа", "city": "Москва", "inn": "7736050003"},
    )
    full = match_companies(frame, LIMITS)
    stored = _stored(frame, full, {("a", "0"): 3, ("a", "1"): 3}, set())
    synced = match_companies(frame, LIMITS, stored=stored)
    assert clusters(synced.frame) == [{"0"}, {"1"}]
    assert len(synced.splits) == 1 and "a:0" in synced.splits[0] and "split" in synced.splits[0]


def test_a_full_run_stores_its_model_and_every_records_keys() -> None:
    frame = companies(*BASE)
    full = match_companies(frame, LIMITS)
    assert set(full.index["model"]) == {"model", "totals"}
    stored_records = {(src, key) for src, key, _, _ in full.index["rows"]}
    assert stored_records == set(_records(full.frame))
    synced = match_companies(frame, LIMITS, stored=_stored(frame, full, {}, set()))
    assert "model" not in synced.index  # a sync keeps the full run's model
    assert clusters(synced.frame) == clusters(full.frame)  # the same model and frequencies: the same clusters


def test_the_model_learns_the_same_from_distinct_level_patterns_as_from_every_pair() -> None:
    import numpy as np

    from transforms.matching.model import comparison_patterns

    rng = np.random.default_rng(7)
    g = rng.integers(-1, 4, size=(5_000, 6))
    patterns, counts = comparison_patterns(g)
    assert counts.sum() == len(g) and len(np.unique(patterns, axis=0)) == len(patterns)
    rows = {tuple(r): 0 for r in g.tolist()}
    for r in g.tolist():
        rows[tuple(r)] += 1
    assert {tuple(p): int(n) for p, n in zip(patterns.tolist(), counts)} == rows
