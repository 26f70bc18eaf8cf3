"""`tf.train.MonitoredSession`, `SingularMonitoredSession` and `MonitoredTrainingSession`.

A monitored session is a stack of wrappers around a raw `tf.Session`, as in TF1:
  _RecoverableSession (MonitoredSession only: recreates the session after AbortedError or
  UnavailableError) > _CoordinatedSession (a Coordinator; its stop requests stop the loop) >
  _HookedSession (merges the hooks' before_run fetches/feeds into each run and calls after_run).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.graph import get_default_graph
from graphflow.session.config import RunMetadata, RunOptions

from .basic_session_run_hooks import CheckpointSaverHook
from .coordinator import Coordinator
from .scaffold import Scaffold
from .session_creators import ChiefSessionCreator, SessionCreator, WorkerSessionCreator
from .session_run_hook import SessionRunArgs, SessionRunContext, SessionRunHook, SessionRunValues
from .step_context import StepContext, check_step_fn
from .summary_hooks import StepCounterHook, SummarySaverHook

#: the errors after which a MonitoredSession recreates its session instead of failing
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)


def _tensorboard_available() -> bool:
    """Whether the optional tensorboard package (event-file writing) can be imported."""
    return importlib.util.find_spec("tensorboard") is not None


class _UseDefault:
    def __repr__(self) -> str:
        return "USE_DEFAULT"


USE_DEFAULT = _UseDefault()


class _WrappedSession:
    """Forwards to an inner session; `should_stop` is True once it or an inner one says so."""

    def __init__(self, sess: Any) -> None:
        self._sess = sess

    @property
    def graph(self) -> Any:
        return self._sess.graph

    def _check_stop(self) -> bool:
        return False

    def should_stop(self) -> bool:
        if self._check_stop():
            return True
        return self._sess.should_stop() if self._sess is not None else True

    def close(self) -> None:
        if self._sess is not None:
            try:
                self._sess.close()
            finally:
                self._sess = None

    def run(self, *args: Any, **kwargs: Any) -> Any:
        return self._sess.run(*args, **kwargs)


class _RawSessionAdapter(_WrappedSession):
    """The raw tf.Session at the bottom of the stack: it never asks to stop by itself."""

    def should_stop(self) -> bool:
        return self._sess is None


class _HookedSession(_WrappedSession):
    def __init__(self, sess: Any, hooks: Sequence[SessionRunHook]) -> None:
        super().__init__(_RawSessionAdapter(sess))
        self._raw = sess
        self._hooks = list(hooks)
        self._should_stop = False

    def _check_stop(self) -> bool:
        return self._should_stop

    def run(self, fetches: Any, feed_dict: Any = None, options: Any = None, run_metadata: Any = None) -> Any:
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict), self._raw)
        all_fetches: dict[Any, Any] = {"caller": fetches}
        # As TF1: the caller's RunOptions (created when None) absorb the hooks' requests.
        options = options if options is not None else RunOptions()
        run_metadata = run_metadata if run_metadata is not None else RunMetadata()
        feeds = self._call_before_run(context, all_fetches, feed_dict, options)
        outputs = self._raw.run(all_fetches, feed_dict=feeds, options=options, run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(context, SessionRunValues(outputs.get(hook), options, run_metadata))
        self._should_stop = self._should_stop or context.stop_requested
        return outputs["caller"]

    def _call_before_run(self, context: SessionRunContext, all_fetches: dict[Any, Any],
                         user_feeds: Any, options: Any) -> Any:
        hook_feeds: dict[Any, Any] = {}
        for hook in self._hooks:
            request = hook.before_run(context)
            if request is None:
                continue
            if request.fetches is not None:
                all_fetches[hook] = request.fetches
            if request.options is not None:
                options.trace_level = max(options.trace_level, request.options.trace_level)
                options.timeout_in_ms = max(options.timeout_in_ms, request.options.timeout_in_ms)
            if request.feed_dict:
                clash = set(hook_feeds) & set(request.feed_dict)
                if clash:
                    raise RuntimeError(f"Same tensor is fed by two hooks: {sorted(map(str, clash))}")
                hook_feeds.update(request.feed_dict)
        if not hook_feeds:
            return user_feeds
        if user_feeds:
            clash = set(hook_feeds) & set(user_feeds)
            if clash:
                raise RuntimeError("Same tensor is fed by a SessionRunHook and user. Conflict(s): "
                                   + str(sorted(map(str, clash))))
            return {**user_feeds, **hook_feeds}
        return hook_feeds


class _CoordinatedSession(_WrappedSession):
    def __init__(self, sess: _HookedSession, coord: Coordinator, stop_grace_period_secs: float) -> None:
        super().__init__(sess)
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    def _check_stop(self) -> bool:
        return self._coord.should_stop()

    def close(self) -> None:
        self._coord.request_stop()
        try:
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                             ignore_live_threads=True)
        finally:
            super().close()

    def run(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._sess.run(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except Exception as original:
            # An error a coordinated thread reported first is the one to surface (TF1).
            self._coord.raise_requested_exception()
            raise original


class _CoordinatedSessionCreator(SessionCreator):
    """Creates the raw session, a Coordinator, finalizes the graph and calls after_create_session."""

    def __init__(self, session_creator: SessionCreator, hooks: Sequence[SessionRunHook],
                 stop_grace_period_secs: float) -> None:
        self._session_creator = session_creator
        self._hooks = hooks
        self._stop_grace_period_secs = stop_grace_period_secs
        self.tf_sess: Any = None
        self.coord: Coordinator | None = None

    def create_session(self) -> _CoordinatedSession:
        self.tf_sess = self._session_creator.create_session()
        self.coord = Coordinator()
        get_default_graph().finalize()
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _RecoverableSession(_WrappedSession):
    """Recreates the session when a run (or the creation) fails with a preemption error."""

    def __init__(self, sess_creator: SessionCreator) -> None:
        self._sess_creator = sess_creator
        super().__init__(self._create_session())

    def _create_session(self) -> Any:
        while True:
            try:
                return self._sess_creator.create_session()
            except _PREEMPTION_ERRORS as e:
                logging.info("An error was raised while a session was being created. The session "
                             "will be created again. Error: %s", e)

    def _check_stop(self) -> bool:
        try:
            return self._sess.should_stop() if self._sess is not None else True
        except _PREEMPTION_ERRORS as e:
            logging.info("An error was raised while considering whether the session is complete. "
                         "The session will be recreated. Error: %s", e)
            self._close_quietly()
            return False

    def should_stop(self) -> bool:
        return self._check_stop()

    def _close_quietly(self) -> None:
        try:
            self.close()
        except _PREEMPTION_ERRORS:
            self._sess = None

    def run(self, *args: Any, **kwargs: Any) -> Any:
        while True:
            try:
                if self._sess is None:
                    self._sess = self._create_session()
                return self._sess.run(*args, **kwargs)
            except _PREEMPTION_ERRORS as e:
                logging.info("An error was raised. This may be due to a preemption. The current "
                             "session will be closed and a new session will be created. Error: %s", e)
                self._close_quietly()


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
