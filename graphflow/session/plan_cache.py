"""The plan cache of a session: compiled plans by run signature, least recently used first out.

A run signature is (fetched elements, fed tensors, feed shapes). A training loop uses a handful;
a program feeding ever new shapes (variable-length batches, growing sequences) would otherwise
keep every plan it ever compiled, with its constants and kernels, for the session's lifetime.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterator

from graphflow.compiler.plan import ExecutionPlan

#: Plans a session keeps. A hit costs a dict lookup; a plan evicted and needed again is
#: compiled again (its numba kernels stay cached in the process, so that is graph work only).
MAX_PLANS = 256


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

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries
