"""Stage outputs are dropped once the last step reading them has read them; the asked-for one is kept."""

from __future__ import annotations

import gc
import weakref

import dagster as dg

from pipelines.handover import HandoverIOManager


class Frames:
    """Stands for a stage's output (frames can be weakly referenced, so can this)."""


def test_an_output_is_released_after_its_last_reader_and_the_result_is_kept() -> None:
    seen: dict[str, weakref.ref] = {}
    alive_when: dict[str, bool] = {}

    @dg.asset
    def extracted() -> Frames:
        value = Frames()
        seen["extracted"] = weakref.ref(value)
        return value

    @dg.asset
    def normalised(extracted: Frames) -> Frames:
        return Frames()

    @dg.asset
    def checked(extracted: Frames) -> Frames:  # the second and last reader of `extracted`
        return Frames()

    @dg.asset
    def loaded(normalised: Frames, checked: Frames) -> str:
        gc.collect()
        alive_when["loaded"] = seen["extracted"]() is not None
        return "summary"

    @dg.asset
    def report(loaded: str) -> None:
        return None

    handover = HandoverIOManager(keep="loaded")
    defs = dg.Definitions(
        assets=[extracted, normalised, checked, loaded, report],
        executor=dg.in_process_executor,
        resources={"io_manager": handover},
    )
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process()

    assert result.success
    assert alive_when == {"loaded": False}  # neither the manager nor execute_in_process's capture held it
    assert handover.result() == "summary"  # read by `report`, still kept for the caller
