"""TF1's hooks that write TensorBoard event files: `SummarySaverHook` and `StepCounterHook`.

Both write through `tf.summary.FileWriterCache.get(output_dir)` (one shared writer per
directory, as TF1) unless a `summary_writer` is given, and stamp events with the global step
read after the run (the step the run produced).
"""

from __future__ import annotations

from typing import Any

from graphflow import logging

from .session_run_hook import SecondOrStepTimer, SessionRunArgs, SessionRunHook
from .training_util import get_global_step


def _global_step_or_raise(hook_name: str) -> Any:
    step = get_global_step()
    if step is None:
        raise RuntimeError(f"Global step should be created to use {hook_name}.")
    return step


def _cached_writer(output_dir: str) -> Any:
    # Imported here: graphflow.summary loads lazily and tf.train must import without it.
    from graphflow.summary.writer import FileWriterCache

    return FileWriterCache.get(output_dir)


class SummarySaverHook(SessionRunHook):
    """Runs the summary op every `save_steps` steps or `save_secs` seconds (the first run
    included) and writes its result at the global step; a SessionLog START marks the start.

    Args:
        save_steps / save_secs: exactly one of them.
        output_dir: directory of the event file (used when `summary_writer` is None).
        summary_writer: a FileWriter to write with instead.
        scaffold: a Scaffold whose `summary_op` is run (exactly one of scaffold/summary_op).
        summary_op: a summary tensor or a list of them.

    Raises:
        ValueError: unless exactly one of `scaffold` and `summary_op`, and exactly one of
            `save_steps` and `save_secs`, are given.
        RuntimeError: at `begin` when the graph has no global step.
    """

    def __init__(self, save_steps: int | None = None, save_secs: float | None = None,
                 output_dir: str | None = None, summary_writer: Any = None, scaffold: Any = None,
                 summary_op: Any = None) -> None:
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = _cached_writer(self._output_dir)
        self._next_step: int | None = None
        self._global_step = _global_step_or_raise("SummarySaverHook")

    def before_run(self, run_context: Any) -> SessionRunArgs:
        self._request_summary = (self._next_step is None
                                 or self._timer.should_trigger_for_step(self._next_step))
        requests: dict[str, Any] = {"global_step": self._global_step}
        summary_ops = self._summary_ops()
        if self._request_summary and summary_ops:
            requests["summary"] = summary_ops
        return SessionRunArgs(requests)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if not self._summary_writer:
            return
        global_step = int(run_values.results["global_step"]) + 1
        if self._next_step is None or self._request_summary:
            # The fetched value may precede this run's increment: re-read the step.
            global_step = int(run_context.session.run(self._global_step))
        if self._next_step is None:
            from graphflow.summary.protos import protos

            session_log = protos().event_pb2.SessionLog
            self._summary_writer.add_session_log(session_log(status=session_log.START), global_step)
        if self._request_summary:
            self._timer.update_last_triggered_step(global_step)
            for summary in run_values.results.get("summary", ()):
                self._summary_writer.add_summary(summary, global_step)
        self._next_step = global_step + 1

    def end(self, session: Any = None) -> None:
        if self._summary_writer:
            self._summary_writer.flush()

    def _summary_ops(self) -> list[Any]:
        op = self._summary_op if self._summary_op is not None else self._scaffold.summary_op
        if op is None:
            return []
        return list(op) if isinstance(op, (list, tuple)) else [op]


class StepCounterHook(SessionRunHook):
    """Measures the training speed: every `every_n_steps` steps or `every_n_secs` seconds it
    writes a `global_step/sec` scalar at the global step and logs "global_step/sec: X" at INFO.

    Args:
        every_n_steps / every_n_secs: exactly one of them.
        output_dir: directory of the event file (used when `summary_writer` is None).
        summary_writer: a FileWriter to write with instead.

    Raises:
        ValueError: unless exactly one of `every_n_steps` and `every_n_secs` is given.
        RuntimeError: at `begin` when the graph has no global step.
    """

    def __init__(self, every_n_steps: int | None = 100, every_n_secs: float | None = None,
                 output_dir: str | None = None, summary_writer: Any = None) -> None:
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._last_global_step: int | None = None

    def begin(self) -> None:
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = _cached_writer(self._output_dir)
        self._global_step = _global_step_or_raise("StepCounterHook")
        # As TF1: the tag is the global step's op name + "/sec" ("global_step/sec").
        self._summary_tag = self._global_step.op.name + "/sec"

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        stale_step = int(run_values.results)
        if self._timer.should_trigger_for_step(stale_step + 1):
            step = int(run_context.session.run(self._global_step))
            if self._timer.should_trigger_for_step(step):
                elapsed_secs, elapsed_steps = self._timer.update_last_triggered_step(step)
                # The first trigger only starts the clock (TF1).
                if elapsed_secs is not None:
                    self._record(elapsed_steps / elapsed_secs, step)
        if stale_step == self._last_global_step:
            logging.log_first_n(logging.WARN, "It seems that global step (tf.train.get_global_step) "
                                "has not been increased. Current value (could be stable): %s vs "
                                "previous value: %s. You could increase the global step by passing "
                                "tf.train.get_global_step() to Optimizer.apply_gradients or "
                                "Optimizer.minimize.", 5, stale_step, self._last_global_step)
        self._last_global_step = stale_step

    def _record(self, steps_per_sec: float, step: int) -> None:
        if self._summary_writer is not None:
            from graphflow.summary.protos import protos

            summary_pb2 = protos().summary_pb2
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                tag=self._summary_tag, simple_value=steps_per_sec)])
            self._summary_writer.add_summary(summary, step)
        logging.info("%s: %g", self._summary_tag, steps_per_sec)
