"""Stage outputs handed from asset to asset in memory, each dropped once the last step that reads it has.

Dagster's ``InMemoryIOManager`` keeps every output to the end of the run, and ``execute_in_process``
captures each one again for its result, so the extracted, validated and matched frames of every
stage stayed alive until the load and the report had run. Here an output is counted
against the steps of the run's plan that read it; when the last of them has loaded it the manager
forgets it, and the step's own reference goes with the step. The output the caller asked for
(``keep``: the CLI's last asset) stays for :meth:`HandoverIOManager.result`.

Outputs are also taken out of ``execute_in_process``'s capture as they are stored: the capture would
hold every one to the end of the run, and the CLI reads its result from here instead.
"""

from __future__ import annotations

from collections import Counter

import dagster as dg

Output = tuple[str, str]  # (step key, output name)
Handle = tuple[str, Output]  # (run id, output): runs of one webserver or daemon process share the manager


class HandoverIOManager(dg.IOManager):
    def __init__(self, keep: str | None = None) -> None:
        self.keep = keep
        self._values: dict[Handle, object] = {}
        self._readers: Counter[Handle] = Counter()
        self._result: object = None

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        output = (context.step_key, context.name)
        _uncapture(context, output)
        if self.keep is not None and context.has_asset_key and context.asset_key.to_user_string() == self.keep:
            self._result = obj
        if readers := _readers(context, output):
            handle = (context.run_id, output)
            self._values[handle], self._readers[handle] = obj, readers

    def load_input(self, context: dg.InputContext) -> object:
        upstream = context.upstream_output
        handle = (upstream.run_id, (upstream.step_key, upstream.name))
        value = self._values[handle]
        self._readers[handle] -= 1
        if self._readers[handle] <= 0:
            del self._values[handle], self._readers[handle]
        return value

    def result(self) -> object:
        """The value of the asset ``keep`` once the run has stored it."""
        return self._result


def _readers(context: dg.OutputContext, output: Output) -> int:
    """How many inputs of the run's steps read ``output``."""
    plan = context.step_context.execution_plan
    return sum(
        1
        for step in plan.step_dict.values()
        for step_input in step.step_inputs
        for source in step_input.get_step_output_handle_dependencies()
        if (source.step_key, source.output_name) == output
    )


def _uncapture(context: dg.OutputContext, output: Output) -> None:
    """Drop the output from ``execute_in_process``'s capture (filled just before the IO manager stores it)."""
    capture = getattr(context.step_context, "output_capture", None) or {}
    for key in [k for k in capture if (k.step_key, k.output_name) == output]:
        del capture[key]
