"""`tf.train.AdaMaxOptimizer`: Adam with the infinity norm (Kingma and Ba, 2015, section 7)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign, assign_sub

from .optimizer import Optimizer


class AdaMaxOptimizer(Optimizer):
    """AdaMax, step for step as `torch.optim.Adamax` with the same hyperparameters.

    Update rule (slots "m" and "v" at zeros; beta1_power starts at beta1 and is multiplied by
    it after every step):
        m   <- beta1 * m + (1 - beta1) * grad
        v   <- max(beta2 * v, |grad| + epsilon)
        var <- var - learning_rate / (1 - beta1_power) * m / v
    """

    def __init__(self, learning_rate: Any = 0.002, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "AdaMax") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2 = learning_rate, beta1, beta2
        self._epsilon = epsilon

    def _create_slots(self, var_list: list[Variable]) -> None:
        self._power_variable("beta1_power", self._beta1, self._non_slot_dtype(var_list))
        self._zeros_slots(var_list, "m", "v")

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        dtype = var.dtype
        lr, eps = self._hyper(self._learning_rate, dtype), self._hyper(self._epsilon, dtype)
        beta1, beta2 = self._hyper(self._beta1, dtype), self._hyper(self._beta2, dtype)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = assign(m, beta1 * m + (1.0 - beta1) * grad)
        v_t = assign(v, gmath.maximum(beta2 * v, gmath.abs(grad) + eps))
        correction = 1.0 - self._non_slot_value("beta1_power", dtype)
        return assign_sub(var, lr / correction * m_t / v_t).op
