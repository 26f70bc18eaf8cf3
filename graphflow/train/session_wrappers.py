"""The session stack under a MonitoredSession, as in TF1 (outermost first):
  _RecoverableSession (MonitoredSession only: recreates the session after AbortedError or
  UnavailableError) > _CoordinatedSession (a Coordinator; its stop requests stop the loop) >
  _HookedSession (merges the hooks' before_run fetches/feeds/options into each run and calls
  after_run) > _RawSessionAdapter (the tf.Session).
`_CoordinatedSessionCreator` builds the inner three and calls the hooks' after_create_session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.graph import get_default_graph
from graphflow.session.config import RunMetadata, RunOptions

from .coordinator import Coordinator
from .session_creators import SessionCreator
from .session_run_hook import SessionRunArgs, SessionRunContext, SessionRunHook, SessionRunValues

#: the errors after which a MonitoredSession recreates its session instead of failing
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)


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
