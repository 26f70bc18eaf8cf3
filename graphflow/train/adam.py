"""`tf.train.AdamOptimizer` (TF1's update rule, with its bias correction folded into the rate)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.variables import Variable, assign, assign_sub, group

from .optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam (Kingma and Ba, 2015) exactly as TF1 computes it.

    Update rule (slots "m" and "v" at zeros; non-slot variables beta1_power and beta2_power
    start at beta1 and beta2 and are multiplied by them after every step):
        lr_t = learning_rate * sqrt(1 - beta2_power) / (1 - beta1_power)
        m   <- beta1 * m + (1 - beta1) * grad
        v   <- beta2 * v + (1 - beta2) * grad^2
        var <- var - lr_t * m / (sqrt(v) + epsilon)
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "Adam") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2 = learning_rate, beta1, beta2
        self._epsilon = epsilon

    def _create_slots(self, var_list: list[Variable]) -> None:
        first = min(var_list, key=lambda v: v.op.name)
        self._non_slot_variable("beta1_power", self._beta1, first.dtype)
        self._non_slot_variable("beta2_power", self._beta2, first.dtype)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        dtype = var.dtype
        lr = self._hyper(self._learning_rate, dtype)
        beta1, beta2 = self._hyper(self._beta1, dtype), self._hyper(self._beta2, dtype)
        eps = self._hyper(self._epsilon, dtype)
        beta1_power = gmath.cast(self._non_slot["beta1_power"].value(), dtype)
        beta2_power = gmath.cast(self._non_slot["beta2_power"].value(), dtype)
        lr_t = lr * gmath.sqrt(1.0 - beta2_power) / (1.0 - beta1_power)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = assign(m, beta1 * m + (1.0 - beta1) * grad)
        v_t = assign(v, beta2 * v + (1.0 - beta2) * gmath.square(grad))
        return assign_sub(var, lr_t * m_t / (gmath.sqrt(v_t) + eps)).op

    def _finish(self, update_ops: list[Any], name: str) -> Operation:
        graph = get_default_graph()
        beta1_power, beta2_power = self._non_slot["beta1_power"], self._non_slot["beta2_power"]
        with graph.control_dependencies(update_ops):
            b1 = assign(beta1_power, beta1_power * self._beta1)
            b2 = assign(beta2_power, beta2_power * self._beta2)
        return group(*update_ops, b1, b2, name=name)
