"""`tf.train.MonitoredSession`, `SingularMonitoredSession` and `MonitoredTrainingSession`.

A monitored session is a stack of wrappers around a raw `tf.Session` (session_wrappers.py):
recovery after preemption errors (MonitoredSession only), a Coordinator, and the hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.graph import get_default_graph

from .basic_session_run_hooks import CheckpointSaverHook
from .scaffold import Scaffold
from .session_creators import ChiefSessionCreator, SessionCreator, WorkerSessionCreator
from .session_run_hook import SessionRunHook
from .session_wrappers import (  # noqa: F401 - the wrappers' old home: keep their imports working
    _PREEMPTION_ERRORS,
    _CoordinatedSession,
    _CoordinatedSessionCreator,
    _HookedSession,
    _RawSessionAdapter,
    _RecoverableSession,
    _WrappedSession,
)
from .step_context import StepContext, check_step_fn
from .summary_hooks import StepCounterHook, SummarySaverHook


def _tensorboard_available() -> bool:
    """Whether the optional tensorboard package (event-file writing) can be imported."""
    from graphflow.summary import protos

    return protos.tensorboard_available()


class _UseDefault:
    def __repr__(self) -> str:
        return "USE_DEFAULT"


USE_DEFAULT = _UseDefault()


class _MonitoredSession:
    def __init__(self, session_creator: SessionCreator | None, hooks: Sequence[SessionRunHook] | None,
                 should_recover: bool, stop_grace_period_secs: float = 120) -> None:
        self._graph_was_finalized = get_default_graph().finalized
        self._hooks = list(hooks or [])
        for hook in self._hooks:
            hook.begin()
        self._coordinated_creator = _CoordinatedSessionCreator(
            session_creator or ChiefSessionCreator(), self._hooks, stop_grace_period_secs)
        if should_recover:
            self._sess: Any = _RecoverableSession(self._coordinated_creator)
        else:
            self._sess = self._coordinated_creator.create_session()

    @property
    def graph(self) -> Any:
        return self._tf_sess().graph

    def run(self, fetches: Any, feed_dict: Any = None, options: Any = None, run_metadata: Any = None) -> Any:
        """Runs `fetches` like `Session.run`, with every hook's before_run/after_run around it.

        Raises:
            RuntimeError: after `should_stop()` became True, or when a hook feeds a tensor the
                caller (or another hook) also feeds.
        """
        return self._sess.run(fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata)

    def run_step_fn(self, step_fn: Callable[[StepContext], Any]) -> Any:
        """Calls `step_fn(step_context)` once and returns its result; after a preemption error
        the session is recreated and `step_fn` called again (with the new raw session).

        Raises:
            ValueError: when `step_fn`'s only argument is not `step_context`.
            StopIteration: when `step_fn` called `step_context.request_stop()`; the `with`
                block of the MonitoredSession ends normally on it.
        """
        check_step_fn(step_fn)
        while True:
            try:
                return step_fn(StepContext(self._tf_sess(), self.run))
            except _PREEMPTION_ERRORS as e:
                if not isinstance(self._sess, _RecoverableSession):
                    raise
                logging.info("A step function was preempted; the session is recreated. Error: %s", e)
                self._sess._close_quietly()
                self._sess._sess = self._sess._create_session()

    def should_stop(self) -> bool:
        """True once a hook or the coordinator requested a stop (or the session is closed)."""
        return self._sess is None or self._sess.should_stop()

    def close(self) -> None:
        """Calls the hooks' `end` (final checkpoint, ...) and closes the session."""
        self._close_internal()

    def __enter__(self) -> _MonitoredSession:
        return self

    def __exit__(self, exception_type: Any, exception_value: Any, traceback: Any) -> bool:
        # Running out of data or a StopIteration ends a training loop normally, as in TF1.
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None

    def _close_internal(self, exception_type: Any = None) -> None:
        try:
            if not exception_type:
                for hook in self._hooks:
                    hook.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    get_default_graph()._unsafe_unfinalize()

    def _tf_sess(self) -> Any:
        return self._coordinated_creator.tf_sess


class MonitoredSession(_MonitoredSession):
    """A session that initializes or restores the model, runs hooks around each `run`,
    recreates itself after AbortedError/UnavailableError and closes cleanly.

    Args:
        session_creator: a SessionCreator (default: ChiefSessionCreator()).
        hooks: SessionRunHook objects.
        stop_grace_period_secs: how long `close` waits for coordinated threads.
    """

    def __init__(self, session_creator: SessionCreator | None = None,
                 hooks: Sequence[SessionRunHook] | None = None, stop_grace_period_secs: float = 120) -> None:
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A MonitoredSession for a single process: no recovery; `raw_session()` gives the tf.Session.

    Args:
        hooks: SessionRunHook objects.
        scaffold, master, config, checkpoint_dir, checkpoint_filename_with_path: passed to a
            ChiefSessionCreator.
        stop_grace_period_secs: how long `close` waits for coordinated threads.
    """

    def __init__(self, hooks: Sequence[SessionRunHook] | None = None, scaffold: Scaffold | None = None,
                 master: str = "", config: Any = None, checkpoint_dir: str | None = None,
                 stop_grace_period_secs: float = 120,
                 checkpoint_filename_with_path: str | None = None) -> None:
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                      checkpoint_dir=checkpoint_dir,
                                      checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self) -> Any:
        """The tf.Session underneath (no hooks)."""
        return self._tf_sess()


def _period(steps: Any, secs: Any, default_steps: Any, default_secs: Any) -> tuple[Any, Any]:
    """TF1's rule for a (steps, secs) pair of MonitoredTrainingSession: both left at USE_DEFAULT
    take the defaults; one given switches the other off."""
    if steps is USE_DEFAULT and secs is USE_DEFAULT:
        return default_steps, default_secs
    return (None if steps is USE_DEFAULT else steps), (None if secs is USE_DEFAULT else secs)


def MonitoredTrainingSession(master: str = "", is_chief: bool = True,  # noqa: N802 - TF1's name
                             checkpoint_dir: str | None = None, scaffold: Scaffold | None = None,
                             hooks: Sequence[SessionRunHook] | None = None,
                             chief_only_hooks: Sequence[SessionRunHook] | None = None,
                             save_checkpoint_secs: Any = USE_DEFAULT, save_summaries_steps: Any = USE_DEFAULT,
                             save_summaries_secs: Any = USE_DEFAULT, config: Any = None,
                             stop_grace_period_secs: float = 120, log_step_count_steps: int | None = 100,
                             max_wait_secs: float = 7200, save_checkpoint_steps: Any = USE_DEFAULT,
                             summary_dir: str | None = None) -> MonitoredSession:
    """A MonitoredSession set up for training, with TF1's defaults.

    The chief restores the latest checkpoint of `checkpoint_dir` (else initializes) and, when
    `checkpoint_dir` is set, saves checkpoints with a CheckpointSaverHook: every
    `save_checkpoint_secs` (default 600 when neither period is given) or
    `save_checkpoint_steps`, at the start and at the end. A non-chief waits up to
    `max_wait_secs` for the model to be ready.

    On the chief, when a summary directory is known (`summary_dir`, default `checkpoint_dir`),
    a StepCounterHook writes `global_step/sec` every `log_step_count_steps` steps (unless it is
    None or <= 0) and a SummarySaverHook runs the scaffold's summary op (default
    `tf.summary.merge_all()`) every `save_summaries_steps` steps (default 100 when neither
    period is given) or `save_summaries_secs` seconds (unless both are None or <= 0); both
    write event files into that directory. Without the optional tensorboard package they are
    left out with a warning.

    Returns:
        A MonitoredSession.
    """
    save_summaries_steps, save_summaries_secs = _period(save_summaries_steps,
                                                        save_summaries_secs, 100, None)
    save_checkpoint_steps, save_checkpoint_secs = _period(save_checkpoint_steps,
                                                          save_checkpoint_secs, None, 600)
    scaffold = scaffold or Scaffold()
    all_hooks: list[SessionRunHook] = []
    if is_chief:
        creator: SessionCreator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                                      master=master, config=config)
        all_hooks.extend(chief_only_hooks or [])
        summary_dir = summary_dir or checkpoint_dir
        if summary_dir and not _tensorboard_available():
            # tensorboard is an optional extra: training must not fail for want of it.
            logging.warning("No summaries are written to %s: the tensorboard package is not "
                            "installed (pip install graphflow-tf1[tensorboard]).", summary_dir)
        elif summary_dir:
            if log_step_count_steps and log_step_count_steps > 0:
                all_hooks.append(StepCounterHook(output_dir=summary_dir, every_n_steps=log_step_count_steps))
            if ((save_summaries_steps and save_summaries_steps > 0)
                    or (save_summaries_secs and save_summaries_secs > 0)):
                all_hooks.append(SummarySaverHook(scaffold=scaffold, save_steps=save_summaries_steps,
                                                  save_secs=save_summaries_secs, output_dir=summary_dir))
        if checkpoint_dir and ((save_checkpoint_secs and save_checkpoint_secs > 0)
                               or (save_checkpoint_steps and save_checkpoint_steps > 0)):
            all_hooks.append(CheckpointSaverHook(checkpoint_dir, save_steps=save_checkpoint_steps,
                                                 save_secs=save_checkpoint_secs, scaffold=scaffold))
    else:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
    all_hooks.extend(hooks or [])
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
