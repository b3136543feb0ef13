"""The three-way merge of a live CRM: what the source says now, what a CRM user made of it, what we loaded last.

For every field there are three values: ``loaded`` (what crm-migrate last wrote, kept in
the record's ``loaded`` column), ``crm`` (what the record holds now) and ``source`` (the
new golden value). A field nobody touched in the CRM (crm == loaded) takes the source's
value. A field a CRM user changed (crm != loaded) keeps the user's value; when the
source changed it too (source != loaded) that is a conflict, reported, and the user's
value still wins. Phones and e-mails are sets: the source's additions are added, what
the source dropped is removed, and what a CRM user added (or removed) stays so.

A record loaded before the after-image existed has no ``loaded``: its current values
count as loaded, i.e. the source wins, as it always did.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from vocabulary.digests import row_digests

CHANNELS = ("phones", "emails")


@dataclass
class FieldMerge:
    write: dict[str, object] = field(default_factory=dict)  # fields to give the source's value
    kept: dict[str, object] = field(default_factory=dict)  # a CRM user's value where the source has another
    conflicts: dict[str, tuple[object, object]] = field(default_factory=dict)  # field → (crm value, source value)


# json.dumps(…, ensure_ascii=False, sort_keys=True, default=str), without making an encoder per call
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_DIGEST_FORMAT = 1  # raised when encode_loaded's image changes: every stored digest then differs


def encode_loaded(values: dict[str, object], channels: Mapping[str, Collection[tuple]]) -> str:
    """The after-image of a record as stored in its ``loaded`` column (canonical: equal loads, equal text).

    A re-load computes it for every record to see which changed: it is kept cheap."""
    image = values | {
        name: sorted(map(list, channels[name]), key=str)
        if len(channels[name]) > 1
        else [list(t) for t in channels[name]]
        for name in CHANNELS
    }
    return _encode(image)


def loaded_digests(inputs: Mapping[str, Sequence]) -> list[int]:
    """Signed 64-bit digests, one per record, of everything its after-image (``encode_loaded``) is made from.

    ``inputs`` maps each of those fields to its values, one per record, in a fixed order. Stored beside the
    image (``loaded_hash``): a re-load skips the records whose digest is as stored without encoding their
    image (see ``vocabulary.digests``). A digest that differs only sends the record to the exact comparison
    of its image."""
    return row_digests(inputs.values(), _DIGEST_FORMAT).view(np.int64).tolist()


def decode_loaded(text: str | None) -> dict | None:
    if not text:
        return None
    image = json.loads(text)
    for name in CHANNELS:
        if name in image:
            image[name] = {tuple(v) for v in image[name]}
    return image


def merge_fields(source: dict[str, object], crm: dict[str, object], loaded: dict | None) -> FieldMerge:
    out = FieldMerge()
    for name, new in source.items():
        now = crm.get(name)
        base = loaded.get(name, now) if loaded is not None else now
        if now == base:
            if new != now:
                out.write[name] = new
        elif new != now:
            out.kept[name] = now
            if new != base:
                out.conflicts[name] = (now, new)
    return out


@dataclass
class ChannelMerge:
    remove: set[tuple] = field(default_factory=set)  # values the source no longer has (and the CRM still does)
    add: set[tuple] = field(default_factory=set)  # values new in the source (and not in the CRM yet)


def merge_channel(source: set[tuple], crm: set[tuple], loaded: set[tuple] | None) -> ChannelMerge:
    base = crm if loaded is None else loaded
    return ChannelMerge(remove=(base - source) & crm, add=source - base - crm)
