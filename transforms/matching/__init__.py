"""Matching: which source records are one real company or person, and why.

A splink-style engine in small modules: ``translit`` (a Latin↔Cyrillic key),
``features`` (what is known of each record), ``blocking`` (which pairs to score),
``comparisons`` (declared comparison levels per field), ``model`` (Fellegi–Sunter weights:
EM-estimated m, sampled u, term frequencies), ``rules`` (hard rules as cluster facets),
``clusters`` (one deterministic, constrained clustering pass), ``engine`` (the run and its
explanations), ``companies`` and ``contacts`` (what differs per entity). See the README,
section «Matching».
"""

from transforms.matching.companies import match_companies
from transforms.matching.contacts import match_contacts
from transforms.matching.engine import CLUSTER, WEIGHTS, Matched, Thresholds, cluster_of
from vocabulary.pairs import DECISION_COLUMNS, LINK_COLUMNS, empty_decisions, pair_key

__all__ = [
    "CLUSTER",
    "DECISION_COLUMNS",
    "LINK_COLUMNS",
    "WEIGHTS",
    "Matched",
    "Thresholds",
    "cluster_of",
    "empty_decisions",
    "match_companies",
    "match_contacts",
    "pair_key",
]
