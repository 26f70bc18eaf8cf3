"""`tf.train.LookaheadOptimizer`: k fast steps forward, one step back (Zhang et al., 2019)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.api import math as gmath
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Operation
from graphflow.framework.variables import Variable, assign, assign_add, group

from .optimizer import Optimizer


class LookaheadOptimizer(Optimizer):
    """Lookahead wrapped around any optimizer.

    The wrapped ("fast") optimizer updates the variables as usual; every `sync_period` steps
    the slow weights (slot "slow", starting at the variables' initial values) move part of the
    way towards the fast ones and the fast weights restart from there:
        var  <- base_optimizer_update(var, grad)                      (every step)
        if step % sync_period == 0:
            slow <- slow + slow_step_size * (var - slow)
            var  <- slow

    `get_slot`/`get_slot_names` cover the wrapped optimizer's slots as well.

    Raises:
        ValueError: for a sync_period below 1 or a slow_step_size outside [0, 1].
    """

    def __init__(self, base_optimizer: Optimizer, sync_period: int = 6,
                 slow_step_size: float = 0.5, name: str = "Lookahead") -> None:
        if int(sync_period) < 1:
            raise ValueError(f"sync_period must be >= 1, got {sync_period}")
        if not 0.0 <= float(slow_step_size) <= 1.0:
            raise ValueError(f"slow_step_size must be in [0, 1], got {slow_step_size}")
        super().__init__(False, name)
        self._base = base_optimizer
        self._sync_period, self._slow_step_size = int(sync_period), slow_step_size

    def apply_gradients(self, grads_and_vars: Sequence[tuple[Any, Variable]],
                        global_step: Variable | None = None, name: str | None = None) -> Operation:
        """Applies the wrapped optimizer, then synchronizes every `sync_period` steps."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        graph = get_default_graph()
        with graph.control_dependencies(None):
            for _, var in pairs:
                self._slow_slot(var)
            counter = self._non_slot_variable(f"{self._name}_step", 0, dtypes.int64)
        with graph.name_scope(name or self._name) as scope:
            fast = self._base.apply_gradients(pairs, name="fast")
            with graph.control_dependencies([fast]):
                step = assign_add(counter, convert_to_tensor(1, dtypes.int64))
                sync = gmath.equal(gmath.floormod(step, self._sync_period), 0)
                updates = [self._sync(var, sync) for _, var in pairs]
            if global_step is None:
                return group(*updates, name=scope)
            with graph.control_dependencies(updates):
                one = convert_to_tensor(1, global_step.dtype)
                return assign_add(global_step, one, name=scope).op

    def _sync(self, var: Variable, sync: Any) -> Operation:
        slot = self.get_slot(var, "slow")
        alpha = self._hyper(self._slow_step_size, var.dtype)
        # Fresh reads under the caller's control dependencies: the fast weights after this
        # step's update (`var.value()` would be the snapshot taken before it).
        fast, slow = var.read_value(), slot.read_value()
        slow_t = assign(slot, gmath.where(sync, slow + alpha * (fast - slow), slow))
        return assign(var, gmath.where(sync, slow_t, fast)).op

    def _slow_slot(self, var: Variable) -> Variable:
        slots = self._slots.setdefault("slow", {})
        if var not in slots:
            with get_default_graph().name_scope(None):
                slots[var] = Variable(var.initialized_value(), trainable=False,
                                      name=f"{var.op.name}/{self._name}", dtype=var.dtype)
        return slots[var]

    def get_slot_names(self) -> list[str]:
        return sorted(set(super().get_slot_names()) | set(self._base.get_slot_names()))

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        own = super().get_slot(var, name)
        return own if own is not None else self._base.get_slot(var, name)

    def variables(self) -> list[Variable]:
        return super().variables() + self._base.variables()
