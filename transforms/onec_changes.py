"""What changed in a 1C base since the last sync, from the element versions alone (pure, no I/O).

A sync scans ``Ref_Key``, ``DataVersion`` and ``DeletionMark`` of every element and compares them
with the versions stored at the last sync: an element is new, changed (another ``DataVersion`` or
deletion mark), unchanged, or gone (no longer in 1C: deleted for good). Only new and changed
elements are fetched in full; unchanged ones are rebuilt from the stored elements. A deletion mark
is a change like any other: the mapping leaves marked elements out, so their CRM records are
soft-deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vocabulary.onec import Version


@dataclass
class CatalogChanges:
    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)

    @property
    def to_fetch(self) -> set[str]:
        return self.new | self.changed


def catalog_changes(now: dict[str, Version], stored: dict[str, Version]) -> CatalogChanges:
    """The elements of one catalog by what happened to them since ``stored`` was taken."""
    changes = CatalogChanges(gone=set(stored) - set(now))
    for key, version in now.items():
        before = stored.get(key)
        if before is None:
            changes.new.add(key)
        elif before != version:
            changes.changed.add(key)
        else:
            changes.unchanged.add(key)
    return changes


def fetch_by_keys(keys: int, catalog_size: int) -> bool:
    """Whether to ask for ``keys`` elements by key rather than read the whole catalog: by key while they are
    at most half of it (each element is then sent once; a full read sends the unchanged ones too)."""
    return 0 < keys and 2 * keys <= catalog_size
