"""`tf.train.MomentumOptimizer`, with optional Nesterov momentum (TF1's update rules)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable

from .optimizer import Optimizer
from .training_ops import apply_momentum


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum.

    Update rule (slot "momentum" = accum, zeros at first):
        accum <- momentum * accum + grad
        var   <- var - learning_rate * accum                         (classic)
        var   <- var - learning_rate * (grad + momentum * accum)      (use_nesterov=True)
    as one `ApplyMomentum` op per variable (TF1's op and names).
    """

    def __init__(self, learning_rate: Any, momentum: Any, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False) -> None:
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list: list[Variable]) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        lr = self._hyper(self._learning_rate, var.dtype)
        momentum = self._hyper(self._momentum, var.dtype)
        return apply_momentum(var, self.get_slot(var, "momentum"), lr, grad, momentum,
                              use_locking=self._use_locking, use_nesterov=self._use_nesterov).op
