"""The plan cache of a session: compiled plans by run signature, least recently used first out.

A run signature is (fetched elements, fed tensors, feed shapes). A training loop uses a handful;
a program feeding ever new shapes (variable-length batches, growing sequences) would otherwise
keep every plan it ever compiled, with its constants and kernels, for the session's lifetime.

Plans are polymorphic in the dimensions a fed tensor leaves unknown (the batch dimension of
`tf.placeholder(tf.float32, [None, 784])`): the first shape of a signature gets a plan
specialized to it (every shape known: constant folding and fusion see everything, the fastest
plan for a loop that always feeds one batch size); the second distinct shape of the same
generalized signature (`generalized_shapes`) compiles one plan with those dimensions unknown,
which then serves every further shape without compiling: 200 batch sizes make two plans.
A general plan computes shapes at run time and checks them in its fused loops (about 10%
slower on a small MLP's training step), so a shape that keeps coming back to it
(PROMOTE_AFTER runs) gets its own specialized plan, at most MAX_PROMOTED per signature: the
training loop whose first run happened to use another batch size runs at full speed.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

from graphflow.compiler.plan import ExecutionPlan

#: Plans a session keeps. A hit costs a dict lookup; a plan evicted and needed again is
#: compiled again (its numba kernels stay cached in the process, so that is graph work only).
MAX_PLANS = 256
#: Runs of one shape through a general plan after which that shape gets a specialized plan,
#: and how many shapes of one signature may get one that way.
PROMOTE_AFTER, MAX_PROMOTED = 16, 3


class _Signature:
    """What the cache knows of one generalized signature: whether it compiles with unknown
    dimensions, and how often each shape ran through its general plan."""

    __slots__ = ("general", "promoted", "runs")

    def __init__(self) -> None:
        self.general = True  # False: compiling it with unknown dimensions failed
        self.promoted = 0
        self.runs: dict[Hashable, int] = {}


class PlanCache:
    """An LRU map from run signatures to bound plans, holding at most `max_plans`.

    Args:
        max_plans: the bound (at least 1).
    """

    def __init__(self, max_plans: int | None = None) -> None:
        max_plans = MAX_PLANS if max_plans is None else max_plans
        if max_plans < 1:
            raise ValueError(f"a plan cache holds at least one plan, got max_plans={max_plans}")
        self.max_plans = max_plans
        # key -> [plan, last use]: a hit stamps its entry instead of reordering a dict, which
        # would hash the key (a tuple of tensors, hashed in Python) a second time per run
        self._entries: dict[Hashable, list] = {}
        self._clock = itertools.count()
        #: generalized signature -> its bookkeeping, once a specialized plan was compiled for it
        self._generalized: dict[Hashable, _Signature] = {}

    def get(self, key: Hashable) -> ExecutionPlan | None:
        """The plan of `key` (now the most recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        entry[1] = next(self._clock)
        return entry[0]

    def put(self, key: Hashable, plan: ExecutionPlan) -> None:
        """Stores `plan`, evicting the least recently used plan beyond the bound (a scan of
        the entries: evictions happen only on a miss, which compiles a plan anyway)."""
        self._entries[key] = [plan, next(self._clock)]
        while len(self._entries) > self.max_plans:
            oldest = min(self._entries, key=lambda k: self._entries[k][1])
            del self._entries[oldest]

    def values(self) -> Iterator[ExecutionPlan]:
        """The cached plans, least recently used first."""
        return iter([e[0] for e in sorted(self._entries.values(), key=lambda e: e[1])])

    def clear(self) -> None:
        """Drops every plan."""
        self._entries.clear()
        self._generalized.clear()

    def wants_general_plan(self, general_key: Hashable) -> bool:
        """Whether a miss of a concrete signature whose generalized signature is `general_key`
        should compile the general plan: a specialized one was compiled for it before (so this
        is a second shape) and generalizing has not failed. Otherwise records that a
        specialized plan is being compiled for it."""
        state = self._generalized.get(general_key)
        if state is None:
            if len(self._generalized) >= 4 * self.max_plans:  # bounded like the plans
                self._generalized.clear()
            self._generalized[general_key] = _Signature()
            return False
        return state.general

    def generalizing_failed(self, general_key: Hashable) -> None:
        """Records that `general_key` cannot compile with unknown dimensions."""
        self._generalized.setdefault(general_key, _Signature()).general = False

    def wants_specialized_plan(self, general_key: Hashable, shapes: Hashable) -> bool:
        """Counts a run of `shapes` through the general plan of `general_key`; True when that
        shape has now come back PROMOTE_AFTER times and the signature may promote another."""
        state = self._generalized.get(general_key)
        if state is None or state.promoted >= MAX_PROMOTED:
            return False
        runs = state.runs.get(shapes, 0) + 1
        if runs < PROMOTE_AFTER:
            if len(state.runs) >= 4 * PROMOTE_AFTER:  # many shapes, each rarely: forget them
                state.runs.clear()
            state.runs[shapes] = runs
            return False
        state.runs.pop(shapes, None)
        state.promoted += 1
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries


def generalized_shapes(feeds: Sequence[Any], shapes: Sequence[tuple[int, ...]]
                       ) -> tuple[tuple[int | None, ...], ...] | None:
    """The feed shapes with every dimension the fed tensor's static shape leaves unknown
    replaced by None (all of them for a tensor of unknown rank; the rank is kept), or None
    when no feed has such a dimension (the concrete signature is the only one).

    Args:
        feeds: the fed tensors (`.shape.dims`: a tuple of ints and Nones, or None).
        shapes: the shapes of the fed values.
    """
    general = []
    changed = False
    for tensor, shape in zip(feeds, shapes):
        dims = tensor.shape.dims
        if dims is None:
            new = (None,) * len(shape)
        else:
            new = tuple(None if d is None else s for d, s in zip(dims, shape))
        changed = changed or new != shape
        general.append(new)
    return tuple(general) if changed else None
