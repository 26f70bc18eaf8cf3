"""`tf.train.RangerOptimizer`: RAdam inside Lookahead (Wright, 2019)."""

from __future__ import annotations

from typing import Any

from .lookahead import LookaheadOptimizer
from .radam import RAdamOptimizer


class RangerOptimizer(LookaheadOptimizer):
    """Ranger: `LookaheadOptimizer(RAdamOptimizer(...), sync_period, slow_step_size)` with
    the defaults of the original Ranger (beta1 = 0.95, epsilon = 1e-5, k = 6, alpha = 0.5).

    See `RAdamOptimizer` and `LookaheadOptimizer` for the two update rules.
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.95, beta2: Any = 0.999,
                 epsilon: Any = 1e-5, sync_period: int = 6, slow_step_size: float = 0.5,
                 use_locking: bool = False, name: str = "Ranger") -> None:
        base = RAdamOptimizer(learning_rate, beta1, beta2, epsilon, use_locking,
                              name=f"{name}RAdam")
        super().__init__(base, sync_period, slow_step_size, name=name)
