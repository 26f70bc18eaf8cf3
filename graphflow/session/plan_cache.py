"""The plan cache of a session: compiled plans by run signature, least recently used first out.

A run signature is (fetched elements, fed tensors, feed shapes). A training loop uses a handful;
a program feeding ever new shapes (variable-length batches, growing sequences) would otherwise
keep every plan it ever compiled, with its constants and kernels, for the session's lifetime.
"""

from __future__ import annotations

from collections import OrderedDict
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
        self._plans: OrderedDict[Hashable, ExecutionPlan] = OrderedDict()

    def get(self, key: Hashable) -> ExecutionPlan | None:
        """The plan of `key` (now the most recently used), or None."""
        plan = self._plans.get(key)
        if plan is not None:
            self._plans.move_to_end(key)
        return plan

    def put(self, key: Hashable, plan: ExecutionPlan) -> None:
        """Stores `plan`, evicting the least recently used plan beyond the bound."""
        self._plans[key] = plan
        self._plans.move_to_end(key)
        while len(self._plans) > self.max_plans:
            self._plans.popitem(last=False)

    def values(self) -> Iterator[ExecutionPlan]:
        """The cached plans, least recently used first."""
        return iter(list(self._plans.values()))

    def clear(self) -> None:
        """Drops every plan."""
        self._plans.clear()

    def __len__(self) -> int:
        return len(self._plans)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._plans
