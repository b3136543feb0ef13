"""One scan of a 1C OData source per command: the change check before a run and the extract see the same scan.

A `run` fingerprints its inputs before anything is read, and a `sync` compares the 1C fingerprint
with the target's before it starts the graph; the extract then needs the same
``(Ref_Key, DataVersion, DeletionMark)`` list to know what to fetch. Within ``one_scan_per_command``
the second look reuses the first (a 100,000-element catalog is a hundred pages); outside it — the
sensor, the Dagster UI — every look scans.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connectors.onec_odata import ODataOptions, scan_versions
from pipelines.config import ODataSource
from vocabulary.onec import Version

_scans: dict[tuple[str, str], dict[str, dict[str, Version]]] | None = None


@contextmanager
def one_scan_per_command() -> Iterator[None]:
    global _scans
    outer = _scans
    _scans = {} if outer is None else outer
    try:
        yield
    finally:
        _scans = outer


def scan(source: ODataSource) -> dict[str, dict[str, Version]]:
    """catalog → Ref_Key → Version of every element of ``source`` (scanned once per command)."""
    key = (source.name, source.url)
    if _scans is not None and key in _scans:
        return _scans[key]
    now = scan_versions(
        source.url, source.user, source.password(), source_name=source.name, options=odata_options(source)
    )
    if _scans is not None:
        _scans[key] = now
    return now


def odata_options(source: ODataSource) -> ODataOptions:
    """The client settings of one source (``timeout:``, ``page_size:``)."""
    return ODataOptions(timeout=source.timeout, page_size=source.page_size)
