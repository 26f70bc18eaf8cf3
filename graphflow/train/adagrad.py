"""`tf.train.AdagradOptimizer` (TF1's update rule)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable

from .optimizer import Optimizer
from .training_ops import apply_adagrad


class AdagradOptimizer(Optimizer):
    """Adagrad: per-coordinate rates shrinking with the sum of squared gradients.

    Update rule (slot "accumulator", starting at `initial_accumulator_value`):
        accum <- accum + grad^2
        var   <- var - learning_rate * grad / sqrt(accum)
    as one `ApplyAdagrad` op per variable (TF1's op and names).
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "Adagrad") -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial = initial_accumulator_value

    def _create_slots(self, var_list: list[Variable]) -> None:
        for v in var_list:
            self._slot(v, "accumulator", self._name, self._initial)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        lr = self._hyper(self._learning_rate, var.dtype)
        return apply_adagrad(var, self.get_slot(var, "accumulator"), lr, grad,
                             use_locking=self._use_locking).op
