"""`tf.train.ProfilerHook`: every N steps or seconds, traces one run (FULL_TRACE) and writes its
Chrome trace to `<output_dir>/timeline-<global step>.json`, plus the run's metadata to the
directory's event file (TensorBoard's graph tab lists it as `step_<global step>`).

As TF1's hook, the first run is never traced (it would time compilation) and the step used in
the file name is the global step read after the traced run.
"""

from __future__ import annotations

import os
from typing import Any

from graphflow import logging
from graphflow.session.config import RunOptions

from .session_run_hook import SecondOrStepTimer, SessionRunArgs, SessionRunHook
from .training_util import get_global_step


class ProfilerHook(SessionRunHook):
    """Captures traced runs as `timeline-<step>.json` files (chrome://tracing, Perfetto).

    Args:
        save_steps / save_secs: trace every this many steps / seconds (exactly one).
        output_dir: directory for the timeline files and the event file.
        show_dataflow: draw arrows from each tensor's producer to its consumers.
        show_memory: add tensor lifetimes and allocator memory counters.

    Raises:
        ValueError: unless exactly one of `save_steps` and `save_secs` is given.
        RuntimeError: at `begin` when the graph has no global step.
    """

    def __init__(self, save_steps: int | None = None, save_secs: float | None = None,
                 output_dir: str = "", show_dataflow: bool = True, show_memory: bool = False) -> None:
        self._output_dir = output_dir
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._file_writer: Any = None

    def begin(self) -> None:
        self._next_step: int | None = None
        self._global_step = get_global_step()
        if self._global_step is None:
            raise RuntimeError("Global step should be created to use ProfilerHook.")
        if self._file_writer is None:
            # The timelines need nothing optional; the event file needs tensorboard's protos.
            from graphflow.summary import protos

            if protos.tensorboard_available():
                from graphflow.summary.writer import FileWriterCache

                self._file_writer = FileWriterCache.get(self._output_dir)
            else:
                logging.warning("ProfilerHook: tensorboard is not installed, so run metadata is "
                                "not written to an event file (timelines are): "
                                "pip install graphflow-tf1[tensorboard]")

    def before_run(self, run_context: Any) -> SessionRunArgs:
        self._request_trace = (self._next_step is not None
                               and self._timer.should_trigger_for_step(self._next_step))
        options = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request_trace else None
        return SessionRunArgs({"global_step": self._global_step}, options=options)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        stale_step = int(run_values.results["global_step"])
        if self._next_step is None:
            # the period starts now: the first trace comes a full period after the first run
            self._timer.update_last_triggered_step(stale_step)
        global_step = stale_step + 1
        if self._request_trace:
            global_step = int(run_context.session.run(self._global_step))
            self._timer.update_last_triggered_step(global_step)
            self._save(global_step, run_values.run_metadata)
        self._next_step = global_step + 1

    def _save(self, step: int, run_metadata: Any) -> None:
        from graphflow.gfile import GFile
        from graphflow.timeline import Timeline

        path = self._output_file.format(step)
        logging.info("Saving timeline for %d into '%s'.", step, path)
        trace = Timeline(run_metadata.step_stats)
        with GFile(path, "w") as f:
            f.write(trace.generate_chrome_trace_format(show_dataflow=self._show_dataflow,
                                                       show_memory=self._show_memory))
        if self._file_writer is not None:
            self._file_writer.add_run_metadata(run_metadata, f"step_{step}")
