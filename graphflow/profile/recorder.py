"""Records traced runs of every `Session` while a program runs, for `python -m graphflow.profile`.

Inside `TraceRecorder`, each run of any graphflow session (`Session.run`, callables from
`make_callable`) is a FULL_TRACE run; its step stats are kept per run signature (the kernels
it ran and their output shapes, so a smaller last batch is a signature of its own). Once one
signature has run `warmup + iterations` times the recorder stops the program by raising
`EnoughRuns`, so a long training script needs to run only as far as the profile needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow.session.config import RunMetadata
from graphflow.session.session import BaseSession


class EnoughRuns(BaseException):  # noqa: N818 - a stop signal, not an error
    """Raised inside the profiled program once a run signature has been traced often enough
    (a BaseException, so the program's own `except Exception` does not swallow it)."""


def _signature(step_stats: Any) -> tuple[Any, ...]:
    return tuple((ns.node_name, tuple(tuple(d.size for d in o.tensor_description.shape.dim) for o in ns.output))
                 for dev in step_stats.dev_stats for ns in dev.node_stats)


class TraceRecorder:
    """A context manager tracing every session run inside it.

    Args:
        warmup: runs of a signature that are not kept (the first compiles kernels).
        iterations: kept runs of a signature after which `EnoughRuns` is raised (None: never).

    Attributes:
        runs: {signature: [StepStats of each kept run]}.
    """

    def __init__(self, warmup: int = 2, iterations: int | None = None) -> None:
        self.warmup = warmup
        self.iterations = iterations
        self.runs: dict[tuple[Any, ...], list[Any]] = {}
        self._seen: dict[tuple[Any, ...], int] = {}
        self._original: Callable[..., Any] | None = None

    def __enter__(self) -> TraceRecorder:
        original = BaseSession._run_elements
        recorder = self

        def traced(session: Any, elements: Any, feed_dict: Any, run_metadata: Any = None,
                   traced: bool = False) -> Any:
            metadata = run_metadata if run_metadata is not None else RunMetadata()
            values = original(session, elements, feed_dict, metadata, True)
            recorder.record(metadata.step_stats)
            return values

        self._original = original
        BaseSession._run_elements = traced  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        BaseSession._run_elements = self._original  # type: ignore[method-assign]

    def record(self, step_stats: Any) -> None:
        """Keeps one run's step stats; raises EnoughRuns when its signature has enough."""
        key = _signature(step_stats)
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if seen <= self.warmup:
            return
        kept = self.runs.setdefault(key, [])
        kept.append(step_stats)
        if self.iterations is not None and len(kept) >= self.iterations:
            raise EnoughRuns

    def busiest(self) -> list[Any]:
        """The kept runs of the signature that ran most (ties: the one with more kernels).

        Raises:
            RuntimeError: when no run was kept (the program ran no session often enough).
        """
        if not self.runs:
            raise RuntimeError(f"no session run signature ran more than the {self.warmup} warm-up "
                               "runs: nothing to profile")
        key = max(self.runs, key=lambda k: (len(self.runs[k]), len(k)))
        return self.runs[key]
