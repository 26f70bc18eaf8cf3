"""TF1's stock session-run hooks: stopping, checkpointing, logging, NaN checks, final ops, feeds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from graphflow import logging
from graphflow.framework.graph import GraphKeys, get_default_graph

from .meta_graph import write_graph
from .session_run_hook import SecondOrStepTimer, SessionRunArgs, SessionRunHook
from .training_util import get_global_step


def _cached_writer_if_available(directory: str) -> Any:
    """`FileWriterCache.get(directory)`, or None without the optional tensorboard package."""
    from graphflow.summary import protos

    if not protos.tensorboard_available():
        return None
    from graphflow.summary.writer import FileWriterCache

    return FileWriterCache.get(directory)


def _global_step_or_raise(hook_name: str) -> Any:
    step = get_global_step()
    if step is None:
        raise RuntimeError(f"Global step should be created to use {hook_name}.")
    return step


class StopAtStepHook(SessionRunHook):
    """Requests a stop once the global step reaches `last_step` (or `num_steps` more steps).

    Raises:
        ValueError: unless exactly one of `num_steps` and `last_step` is given.
    """

    def __init__(self, num_steps: int | None = None, last_step: int | None = None) -> None:
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self) -> None:
        self._global_step = _global_step_or_raise("StopAtStepHook")

    def after_create_session(self, session: Any, coord: Any) -> None:
        if self._last_step is None:
            self._last_step = int(session.run(self._global_step)) + self._num_steps

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        # The fetched value may be the step before this run's increment: re-read to be sure.
        if (int(run_values.results) + 1 >= self._last_step
                and int(run_context.session.run(self._global_step)) >= self._last_step):
            run_context.request_stop()


class CheckpointSaverListener:
    """Called around each save of a CheckpointSaverHook; `after_save` returning True stops."""

    def begin(self) -> None:
        pass

    def before_save(self, session: Any, global_step_value: int) -> None:
        pass

    def after_save(self, session: Any, global_step_value: int) -> bool | None:
        pass

    def end(self, session: Any, global_step_value: int) -> None:
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves a checkpoint every `save_secs` seconds or `save_steps` steps, at the session's
    creation (the step it starts from) and at the end.

    Args:
        checkpoint_dir: directory of the checkpoints.
        save_secs / save_steps: exactly one of them.
        saver / scaffold: where the Saver comes from (at most one); default: the SAVERS collection.
        checkpoint_basename: file prefix ("model.ckpt").
        listeners: CheckpointSaverListener objects.
        save_graph_def: also write the graph to `checkpoint_dir/graph.pbtxt` when the session
            is created (with tf.train.write_graph), the graph and meta graph to the directory's
            event file, and the .meta file with each checkpoint.

    With tensorboard installed, each save also writes a SessionLog CHECKPOINT event (the
    checkpoint prefix, at the global step) to `checkpoint_dir`'s event file, as TF1 does.

    Raises:
        ValueError: for both `saver` and `scaffold`, or not exactly one of save_secs/save_steps.
    """

    def __init__(self, checkpoint_dir: str, save_secs: float | None = None,
                 save_steps: int | None = None, saver: Any = None,
                 checkpoint_basename: str = "model.ckpt", scaffold: Any = None,
                 listeners: Sequence[CheckpointSaverListener] | None = None,
                 save_graph_def: bool = True) -> None:
        logging.info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver = saver
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = list(listeners or [])
        self._save_graph_def = save_graph_def

    def begin(self) -> None:
        self._global_step = _global_step_or_raise("CheckpointSaverHook")
        # TF1 creates the directory here (through its summary writer); the Saver needs it.
        os.makedirs(self._checkpoint_dir, exist_ok=True)
        # TF1 writes through SummaryWriterCache here; graphflow trains without tensorboard too
        self._summary_writer = _cached_writer_if_available(self._checkpoint_dir)
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session: Any, coord: Any) -> None:
        step = int(session.run(self._global_step))
        if self._save_graph_def:
            graph = get_default_graph()
            write_graph(graph, self._checkpoint_dir, "graph.pbtxt")
            if self._summary_writer is not None:
                from graphflow.summary.graph_def import to_meta_graph_def

                self._summary_writer.add_graph(graph)
                self._summary_writer.add_meta_graph(to_meta_graph_def(graph, self._get_saver()))
        self._save(session, step)
        self._timer.update_last_triggered_step(step)

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._timer.should_trigger_for_step(int(run_values.results) + 1):
            step = int(run_context.session.run(self._global_step))
            if self._timer.should_trigger_for_step(step):
                self._timer.update_last_triggered_step(step)
                if self._save(run_context.session, step):
                    run_context.request_stop()

    def end(self, session: Any) -> None:
        step = int(session.run(self._global_step))
        if step != self._timer.last_triggered_step():
            self._save(session, step)
        for listener in self._listeners:
            listener.end(session, step)

    def _save(self, session: Any, step: int) -> bool:
        """Saves at `step`; True when a listener asks to stop."""
        logging.info("Saving checkpoints for %d into %s.", step, self._save_path)
        for listener in self._listeners:
            listener.before_save(session, step)
        self._get_saver().save(session, self._save_path, global_step=step,
                               write_meta_graph=self._save_graph_def)
        if self._summary_writer is not None:
            from graphflow.summary.protos import protos

            session_log = protos().event_pb2.SessionLog
            self._summary_writer.add_session_log(
                session_log(status=session_log.CHECKPOINT, checkpoint_path=self._save_path), step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                logging.info("A CheckpointSaverListener requested that training be stopped.")
                should_stop = True
        return should_stop

    def _get_saver(self) -> Any:
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        savers = get_default_graph().get_collection(GraphKeys.SAVERS)
        if len(savers) != 1:
            raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please "
                               "indicate which one to use by passing it to the constructor."
                               if savers else
                               f"No items in collection {GraphKeys.SAVERS}. Please add a saver "
                               "to the collection or provide a saver or scaffold.")
        self._saver = savers[0]
        return self._saver


class LoggingTensorHook(SessionRunHook):
    """Logs the values of tensors every N iterations or seconds, and/or at the end.

    Args:
        tensors: a dict {tag: tensor or name} or a list of tensors/names.
        every_n_iter / every_n_secs: exactly one of them unless `at_end` alone.
        at_end: log once more when the session ends.
        formatter: a function {tag: value} -> str replacing the default "tag = value, ...".

    Raises:
        ValueError: for a bad combination of the period arguments.
    """

    def __init__(self, tensors: Mapping[str, Any] | Sequence[Any], every_n_iter: int | None = None,
                 every_n_secs: float | None = None, at_end: bool = False,
                 formatter: Callable[[dict[str, Any]], str] | None = None) -> None:
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and every_n_secs "
                             "must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, Mapping):
            # As TF1: a list's items are their own tags (a Tensor prints as itself).
            self._tag_order = list(tensors)
            tensors = {item: item for item in tensors}
        else:
            self._tag_order = sorted(tensors)
        self._tensors = dict(tensors)
        self._formatter = formatter
        self._log_at_end = at_end
        self._timer = None if only_log_at_end else SecondOrStepTimer(every_secs=every_n_secs,
                                                                     every_steps=every_n_iter)

    def begin(self) -> None:
        if self._timer is not None:
            self._timer.reset()
        self._iter_count = 0
        graph = get_default_graph()
        self._current = {tag: graph.as_graph_element(t, allow_tensor=True, allow_operation=False)
                         for tag, t in self._tensors.items()}

    def before_run(self, run_context: Any) -> SessionRunArgs | None:
        self._should_trigger = (self._timer is not None
                                and self._timer.should_trigger_for_step(self._iter_count))
        return SessionRunArgs(self._current) if self._should_trigger else None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._should_trigger:
            self._log(run_values.results)
        self._iter_count += 1

    def end(self, session: Any) -> None:
        if self._log_at_end:
            self._log(session.run(self._current))

    def _log(self, values: dict[str, Any]) -> None:
        # As TF1: each line but the first says the seconds since the previous one.
        elapsed_secs = None
        if self._timer is not None:
            elapsed_secs, _ = self._timer.update_last_triggered_step(self._iter_count)
        with np.printoptions(suppress=True):
            if self._formatter is not None:
                logging.info("%s", self._formatter(values))
                return
            line = ", ".join(f"{tag} = {values[tag]}" for tag in self._tag_order)
        if elapsed_secs is not None:
            logging.info("%s (%.3f sec)", line, elapsed_secs)
        else:
            logging.info("%s", line)


class NanLossDuringTrainingError(RuntimeError):
    """Raised by NanTensorHook when the loss is NaN."""

    def __str__(self) -> str:
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Stops (or raises NanLossDuringTrainingError) when `loss_tensor` is NaN after a run."""

    def __init__(self, loss_tensor: Any, fail_on_nan_loss: bool = True) -> None:
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if np.isnan(run_values.results):
            message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                logging.error(message)
                raise NanLossDuringTrainingError
            logging.warning(message)
            run_context.request_stop()


class FinalOpsHook(SessionRunHook):
    """Runs `final_ops` when the session ends; their values are in `final_ops_values`."""

    def __init__(self, final_ops: Any, final_ops_feed_dict: Any = None) -> None:
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self) -> Any:
        return self._final_ops_values

    def end(self, session: Any) -> None:
        if self._final_ops is not None:
            self._final_ops_values = session.run(self._final_ops, feed_dict=self._final_ops_feed_dict)


class FeedFnHook(SessionRunHook):
    """Adds the feed_dict returned by `feed_fn()` to each run."""

    def __init__(self, feed_fn: Callable[[], Mapping[Any, Any]]) -> None:
        self.feed_fn = feed_fn

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


class GlobalStepWaiterHook(SessionRunHook):
    """Delays each run until the global step reaches `wait_until_step` (for staggered workers)."""

    def __init__(self, wait_until_step: int) -> None:
        self._wait_until_step = wait_until_step

    def begin(self) -> None:
        self._worker_is_started = False
        self._global_step = _global_step_or_raise("GlobalStepWaiterHook")

    def before_run(self, run_context: Any) -> None:
        if self._worker_is_started or self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        while True:
            step = int(run_context.session.run(self._global_step))
            if step >= self._wait_until_step:
                self._worker_is_started = True
                return None
            logging.info("Waiting for global step %d before starting training (now %d).",
                         self._wait_until_step, step)
            time.sleep(0.5)
