"""Session creators of a MonitoredSession: the chief restores or initializes the model, a worker
waits for it to be ready (TF1's `SessionManager.prepare_session` / `wait_for_session`).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.graph import get_default_graph

from .checkpoint_state import latest_checkpoint
from .scaffold import Scaffold


class SessionCreator:
    """Base class: `create_session()` returns a new, ready `tf.Session`."""

    def create_session(self) -> Any:
        raise NotImplementedError("create_session is defined by the subclasses")


def _new_session(master: str, config: Any) -> Any:
    from graphflow.session.session import Session  # the session package imports train

    return Session(target=master, graph=get_default_graph(), config=config)


def _not_ready(sess: Any, op: Any) -> list[str]:
    """The names `op` (a report_uninitialized_variables tensor) reports, [] when ready."""
    if op is None:
        return []
    return [n.decode() if isinstance(n, bytes) else str(n) for n in np.ravel(sess.run(op))]


def _run_local_init(sess: Any, scaffold: Scaffold) -> str | None:
    """Runs the local init op when the model is ready for it; returns why not, else None."""
    if scaffold.local_init_op is None:
        return None
    missing = _not_ready(sess, scaffold.ready_for_local_init_op)
    if missing:
        return "Variables not initialized: " + ", ".join(missing)
    sess.run(scaffold.local_init_op)
    return None


class ChiefSessionCreator(SessionCreator):
    """Creates a session that restores the latest checkpoint of `checkpoint_dir` (or
    `checkpoint_filename_with_path`) or else runs the scaffold's init op and init_fn.

    Raises (from create_session):
        RuntimeError: when the model is still not ready after initialization.
    """

    def __init__(self, scaffold: Scaffold | None = None, master: str = "", config: Any = None,
                 checkpoint_dir: str | None = None,
                 checkpoint_filename_with_path: str | None = None) -> None:
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config

    def create_session(self) -> Any:
        scaffold = self._scaffold.finalize()
        sess = _new_session(self._master, self._config)
        try:
            self._prepare(sess, scaffold)
        except BaseException:
            sess.close()
            raise
        return sess

    def _prepare(self, sess: Any, scaffold: Scaffold) -> None:
        path = self._checkpoint_filename_with_path
        if path is None and self._checkpoint_dir:
            path = latest_checkpoint(self._checkpoint_dir)
        if path:
            logging.info("Restoring parameters from %s", path)
            scaffold.saver.restore(sess, path)
        else:
            if scaffold.init_op is None and scaffold.init_fn is None and scaffold.local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if scaffold.init_op is not None:
                sess.run(scaffold.init_op, feed_dict=scaffold.init_feed_dict)
            if scaffold.init_fn is not None:
                scaffold.init_fn(sess)
        why = _run_local_init(sess, scaffold)
        if why is not None:
            raise RuntimeError(f"Init operations did not make model ready for local_init.  Init op: "
                               f"{_name(scaffold.init_op)}, init fn: {scaffold.init_fn}, error: {why}")
        missing = _not_ready(sess, scaffold.ready_op)
        if missing:
            raise RuntimeError(f"Init operations did not make model ready.  Init op: "
                               f"{_name(scaffold.init_op)}, init fn: {scaffold.init_fn}, local_init_op: "
                               f"{_name(scaffold.local_init_op)}, error: Variables not initialized: "
                               + ", ".join(missing))


class WorkerSessionCreator(SessionCreator):
    """Creates a session for a non-chief worker: waits (up to `max_wait_secs`) until the model
    is ready, then runs the local init op.

    Raises (from create_session):
        DeadlineExceededError: when the model is not ready after `max_wait_secs`.
    """

    def __init__(self, scaffold: Scaffold | None = None, master: str = "", config: Any = None,
                 max_wait_secs: float = 30 * 60, recovery_wait_secs: float = 30) -> None:
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs
        self._recovery_wait_secs = recovery_wait_secs

    def create_session(self) -> Any:
        scaffold = self._scaffold.finalize()
        deadline = time.time() + self._max_wait_secs
        while True:
            sess = _new_session(self._master, self._config)
            why = _run_local_init(sess, scaffold)
            missing = _not_ready(sess, scaffold.ready_op) if why is None else [why]
            if not missing:
                return sess
            sess.close()
            remaining = deadline - time.time()
            if remaining <= 0:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {self._max_wait_secs} secs.")
            logging.info("Waiting for model to be ready.  Ready_for_local_init_op/ready_op: %s",
                         ", ".join(missing))
            time.sleep(min(self._recovery_wait_secs, remaining))


def _name(op: Any) -> str:
    return getattr(op, "name", str(op))
