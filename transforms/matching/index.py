"""The matching index: what a sync matches new and changed records against, without the whole base.

A full run matches every record; its load stores, per source record, the values the blocking
rules and the term frequencies use (``index_keys``) and, per entity, the model it learnt. A sync
then matches only what changed:

1. the new and changed records' blocking keys (``retrieval_keys``) find the stored records they
   could pair with;
2. those records, the changed ones and everything else in their clusters are matched again — with
   the stored model, the whole base's value frequencies (``rescale_tf``) and the clusters as they
   were (``kept_pairs``: a cluster is split only when a hard rule or a reviewer's decision says so);
3. every other record keeps its cluster, its CRM id and its links untouched.

The keys are the blocking rules' own: a pair a full run would score is found by the same key here
(fuzzy name blocks by every word's affixes, of which the connector skips the very common ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from transforms.matching.blocking import affixes, initial_key
from transforms.matching.comparisons import Comparison
from transforms.matching.features import CHANNEL_PRIOR_U, COMPANY_TF, CONTACT_TF, is_role_mailbox
from transforms.matching.model import Model, smoothed_tf
from vocabulary.digests import row_digests
from vocabulary.pairs import KeyRows, Record

IndexKey = tuple[int, str, str]  # (record index, rule, value)

# rule → feature holding its value, per entity; "phone"/"email"/"word"/"surname" are built below.
_SINGLE = {
    "company": (
        ("name", "key"),
        ("translit", "tkey"),
        ("inn", "inn"),
        ("ogrn", "ogrn"),
        ("domain", "domain"),
        ("kpp", "kpp"),
        ("place", "place"),
        ("address", "address"),
    ),
    "contact": (("name", "key"), ("last", "last"), ("first", "first"), ("middle", "middle")),
}
# Rules that only count values (for term frequencies): never used to find a partner.
_COUNT_ONLY = {"company": frozenset({"kpp", "place", "address"}), "contact": frozenset({"last", "first", "middle"})}
TF_FIELDS = {"company": COMPANY_TF, "contact": CONTACT_TF}
# multi-valued features (rule → its per-record lists), counted for term frequencies like the single ones
_CHANNELS = {
    "company": (("phone", "phone_values"), ("email", "email_values"), ("person", "person_values")),
    "contact": (("phone", "phone_values"), ("email", "email_values")),
}
# term-frequency feature → the rule its values are stored under
_TF_RULE = {"key": "name"}
# The digest of a record's own matching features, stored as one more key (never finds a partner): a record
# whose edits leave it as stored (a contact's position, a name's case) scores as before against everyone.
DIGEST_RULE = "features"
_DIGEST_FORMAT = 1
# features made of other records than the record itself — its contacts, its company's cluster, its colleagues —
# and diagnostics; term frequencies (``*_tf``) and the value-id matrices depend on the frame too
_CONTEXT = {
    "company": frozenset({"person_values", "name_rivals", "issues"}),
    "contact": frozenset({"company", "company_key", "fits_several", "listed", "issues"}),  # listed: of ``own``
}


def record_keys(entity: str, features: Mapping, i: int, *, finding: bool = False) -> Iterable[tuple[str, str]]:
    """(rule, value) of record ``i``; ``finding``: only the keys that find partners (personal e-mails)."""
    for rule, name in _SINGLE[entity]:
        if finding and rule in _COUNT_ONLY[entity]:
            continue
        value = features[name][i]
        if value is not None:
            yield rule, str(value)
    for phone in features["phone_values"][i]:
        yield "phone", phone
    for email in features["email_values"][i]:
        if not (finding and is_role_mailbox(email)):
            yield "email", email
    if entity == "company":
        for person in features["person_values"][i]:
            yield "person", person
        surname = initial_key(features["person_last"][i], features["person_first"][i])
        if surname:
            yield "surname", surname
        for word in set((features["key"][i] or "").split()):
            for token in affixes(word):
                yield "word", token
    else:
        initial = initial_key(features["tlast"][i], features["first"][i])
        if initial:
            yield "surname_initial", initial


def index_keys(entity: str, features: Mapping, n: int) -> list[IndexKey]:
    """Every stored key of every record (contacts' company is added by the loader, as a CRM id)."""
    return [(i, rule, value) for i in range(n) for rule, value in record_keys(entity, features, i)]


def retrieval_keys(entity: str, features: Mapping, rows: Iterable[int]) -> dict[str, set[str]]:
    """rule → values that find the stored partners of ``rows``."""
    out: dict[str, set[str]] = {}
    for i in rows:
        for rule, value in record_keys(entity, features, i, finding=True):
            out.setdefault(rule, set()).add(value)
    return out


def tf_values(entity: str, features: Mapping) -> dict[str, set[str]]:
    """rule → the values whose base-wide counts ``rescale_tf`` needs."""
    out: dict[str, set[str]] = {}
    for name, _ in TF_FIELDS[entity]:
        rule = _TF_RULE.get(name, name)
        out[rule] = {str(v) for v in features[name] if v is not None}
    for rule, name in _CHANNELS[entity]:
        out[rule] = {v for vs in features[name] for v in vs}
    return out


def tf_totals(entity: str, features: Mapping, n: int) -> dict[str, int]:
    """rule → how many values a full run counted (the denominator of its term frequencies)."""
    totals = {_TF_RULE.get(name, name): sum(v is not None for v in features[name][:n]) for name, _ in TF_FIELDS[entity]}
    for rule, _ in _CHANNELS[entity]:
        totals[rule] = int((np.asarray(features[rule]) > 0).sum())
    return totals


def rescale_tf(entity: str, features: dict, counts: Mapping[tuple[str, str], int], totals: Mapping[str, int]) -> None:
    """Replace the term frequencies computed on a few records by the whole base's: ``counts`` of each
    value in the index (at least its count among these records), ``totals`` as the full run counted."""
    for name, prior in TF_FIELDS[entity]:
        rule = _TF_RULE.get(name, name)
        values = features[name]
        local = _local_counts(values)
        total = max(totals.get(rule, 0), sum(local.values()))
        features[f"{name}_tf"] = np.array(
            [
                smoothed_tf(max(counts.get((rule, str(v)), 0), local[v]), total, prior) if v is not None else 1.0
                for v in values
            ]
        )
    for rule, name in _CHANNELS[entity]:
        lists = features[name]
        local = _local_counts(v for vs in lists for v in vs)
        total = max(totals.get(rule, 0), sum(local.values()))
        tf = features[f"{rule}_tf"]
        for i, vs in enumerate(lists):
            for j, v in enumerate(vs[: tf.shape[1]]):
                tf[i, j] = smoothed_tf(max(counts.get((rule, v), 0), local[v]), total, CHANNEL_PRIOR_U)


def _local_counts(values: Iterable) -> dict:
    out: dict = {}
    for v in values:
        if v is not None:
            out[v] = out.get(v, 0) + 1
    return out


def kept_pairs(
    records: Sequence[Record], cluster_of: Mapping[Record, int], changed: set[Record]
) -> list[tuple[int, int]]:
    """Unions that keep each stored cluster's unchanged records together: each to its cluster's first."""
    first: dict[int, int] = {}
    pairs = []
    for i, record in enumerate(records):
        if record in changed or record not in cluster_of:
            continue
        cluster = cluster_of[record]
        if cluster in first:
            pairs.append((first[cluster], i))
        else:
            first[cluster] = i
    return pairs


@dataclass
class Stored:
    """What a sync knows of one entity's stored index (``connectors.crm_db.match_index``)."""

    model: dict  # {"model": Model.to_dict(), "totals": tf_totals()} of the last full run
    counts: Callable[[dict[str, set[str]]], dict[tuple[str, str], int]]  # (rule, value) → stored records
    clusters: Mapping[Record, int]  # record → the CRM id it is linked to
    changed: set[Record]  # new and changed records: free to go to another cluster

    def prepare(
        self, entity: str, comparisons: tuple[Comparison, ...], features: dict, records: Sequence[Record]
    ) -> tuple[Model | None, list[tuple[int, int]]]:
        """(the stored model, the unions that keep stored clusters together); the features' term
        frequencies become the base's. No model when it was learnt by other code: one is learnt here."""
        rescale_tf(entity, features, self.counts(tf_values(entity, features)), self.model.get("totals", {}))
        model = Model.from_dict(comparisons, self.model.get("model", {}))
        return model, kept_pairs(records, self.clusters, self.changed)


def feature_digests(entity: str, features: Mapping, n: int, own: Sequence | None = None) -> list[str]:
    """Per record, the digest of the features it brings itself (whatever other records sit in the frame),
    and of ``own`` (a contact's company record): equal digests, equal comparisons with any partner."""
    names = sorted(
        name
        for name, values in features.items()
        if name not in _CONTEXT[entity]
        and not name.startswith("_")  # what the comparisons cached in the dict while scoring
        and not name.endswith("_tf")
        and not (isinstance(values, np.ndarray) and values.ndim > 1)
        and len(values) == n
    )
    columns = [features[name] for name in names] + ([list(own)] if own is not None else [])
    return [str(d) for d in row_digests(columns, _DIGEST_FORMAT).view(np.int64).tolist()]


def index_rows(entity: str, features: Mapping, records: Sequence[Record], own: Sequence | None = None) -> KeyRows:
    """(source, source_key, rule, value) of every record, as the load stores them, its features' digest included."""
    keys = index_keys(entity, features, len(records))
    n = len(records)
    owner = np.fromiter(chain((i for i, _, _ in keys), range(n)), dtype=np.int32, count=len(keys) + n)
    rules = [rule for _, rule, _ in keys] + [DIGEST_RULE] * n
    values = [value for _, _, value in keys] + feature_digests(entity, features, n, own)
    return KeyRows(records, owner, rules, values)


def index_entry(
    entity: str, features: Mapping, records: Sequence[Record], model: Model, full: bool, own: Sequence | None = None
) -> dict:
    """What the load stores in the index: every record's keys; the model only from a full run."""
    entry: dict = {"rows": index_rows(entity, features, records, own)}
    if full:
        entry["model"] = {"model": model.to_dict(), "totals": tf_totals(entity, features, len(records))}
    return entry
