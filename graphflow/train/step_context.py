"""`MonitoredSession.run_step_fn`'s StepContext: a step function gets the raw session, a
`run_with_hooks` that runs through the hooks, and `request_stop()` that ends the `with` block."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


class StepContext:
    """What a step function receives.

    Args:
        session: the raw tf.Session (runs bypass the hooks).
        run_with_hooks_fn: the MonitoredSession's `run`.
    """

    def __init__(self, session: Any, run_with_hooks_fn: Callable[..., Any]) -> None:
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    @property
    def session(self) -> Any:
        return self._session

    def run_with_hooks(self, *args: Any, **kwargs: Any) -> Any:
        """Runs like `MonitoredSession.run`, with every hook's before_run/after_run."""
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self) -> None:
        """Leaves the step function and the `with MonitoredSession(...)` block around it (whose
        exit takes a StopIteration as a normal end, as TF1).

        Raises:
            StopIteration: always.
        """
        raise StopIteration("step_fn has requested the iterations to stop.")


def check_step_fn(step_fn: Callable[..., Any]) -> None:
    """Checks that `step_fn` takes only `step_context` (TF1's rule).

    Raises:
        ValueError: for any other signature.
    """
    names = tuple(inspect.signature(step_fn).parameters)
    if inspect.ismethod(step_fn):
        names = ("self", *names)
    if names not in (("step_context",), ("self", "step_context")):
        raise ValueError("`step_fn` may either have one `step_context` argument, or `self` and "
                         f"`step_context` arguments if it's an instance method. Got {names} instead.")
