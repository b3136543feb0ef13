"""What the pipeline hands the loader for a dataset, captured once so tests can load it directly (fast)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import pipelines.loading
from cli.runner import execute
from connectors.crm_db.load import LoadResult, RunInfo
from tests.clientdata import write_dataset
from vocabulary.messages import speaking


def captured_load(**dataset: object) -> tuple[RunInfo, tuple, dict]:
    """(run, frames, options) the ``loaded`` asset would pass to ``load`` for ``write_dataset(**dataset)``.

    The run is a dry run (it was captured from one): set ``dry_run=False`` to load it.
    """
    captured = {}

    def capture(url: str, run: RunInfo, *frames: object, **options: object) -> LoadResult:
        captured.update(run=run, frames=frames, options=options)
        return LoadResult()

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipelines.loading, "load", capture)
        execute(
            write_dataset(Path(folder), **dataset, extra_yaml="language: en\n"),
            target=f"sqlite:///{folder}/crm.db",
            dry_run=True,
        )
    return captured["run"], captured["frames"], captured["options"]


@contextmanager
def english_messages() -> Iterator[None]:
    """Messages in English inside the block (the catalogue's default is Russian)."""
    with speaking("en"):
        yield
