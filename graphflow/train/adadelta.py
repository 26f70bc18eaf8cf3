"""`tf.train.AdadeltaOptimizer` (TF1's update rule)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable

from .optimizer import Optimizer
from .training_ops import apply_adadelta


class AdadeltaOptimizer(Optimizer):
    """Adadelta (Zeiler, 2012).

    Update rule (slots "accum" and "accum_update", zeros at first):
        accum        <- rho * accum + (1 - rho) * grad^2
        update        = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * grad
        accum_update <- rho * accum_update + (1 - rho) * update^2
        var          <- var - learning_rate * update
    as one `ApplyAdadelta` op per variable (TF1's op and names).
    """

    def __init__(self, learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-8,
                 use_locking: bool = False, name: str = "Adadelta") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _create_slots(self, var_list: list[Variable]) -> None:
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        lr = self._hyper(self._learning_rate, var.dtype)
        rho = self._hyper(self._rho, var.dtype)
        eps = self._hyper(self._epsilon, var.dtype)
        return apply_adadelta(var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"),
                              lr, rho, eps, grad, use_locking=self._use_locking).op
