"""`tf.train.RAdamOptimizer`: rectified Adam (Liu et al., 2020)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign_sub

from .adam import adam_moments
from .optimizer import Optimizer


class RAdamOptimizer(Optimizer):
    """RAdam, step for step as `torch.optim.RAdam` with the same hyperparameters.

    Adam's adaptive rate has a large variance in the first steps; RAdam uses plain momentum
    until the variance of the adaptive rate is tractable and then rectifies it. At step t
    (slots "m" and "v" at zeros; non-slot variables beta1_power = beta1^t,
    beta2_power = beta2^t and step = t):
        m     <- beta1 * m + (1 - beta1) * grad
        v     <- beta2 * v + (1 - beta2) * grad^2
        rho_inf = 2 / (1 - beta2) - 1
        rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
        m_hat   = m / (1 - beta1^t)
        if rho_t > 5:
            r   = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            var <- var - lr * m_hat * r * sqrt(1 - beta2^t) / (sqrt(v) + epsilon)
        else:
            var <- var - lr * m_hat
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "RAdam") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2 = learning_rate, beta1, beta2
        self._epsilon = epsilon

    def _create_slots(self, var_list: list[Variable]) -> None:
        dtype = self._non_slot_dtype(var_list)
        self._power_variable("beta1_power", self._beta1, dtype)
        self._power_variable("beta2_power", self._beta2, dtype)
        self._non_slot_variable(f"{self._name}_step", 1.0, dtype, lambda t: t + 1.0)
        self._zeros_slots(var_list, "m", "v")

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        dtype = var.dtype
        lr, eps = self._hyper(self._learning_rate, dtype), self._hyper(self._epsilon, dtype)
        beta1, beta2 = self._hyper(self._beta1, dtype), self._hyper(self._beta2, dtype)
        m_t, v_t = adam_moments(self, grad, var, beta1, beta2)
        beta2_power = self._non_slot_value("beta2_power", dtype)
        t = self._non_slot_value(f"{self._name}_step", dtype)
        correction2 = 1.0 - beta2_power
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * t * beta2_power / correction2
        rect = gmath.sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
                          / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
        adaptive = rect * gmath.sqrt(correction2) / (gmath.sqrt(v_t) + eps)
        m_hat = m_t / (1.0 - self._non_slot_value("beta1_power", dtype))
        # Before rho_t passes 5 the rectifier is the root of a negative number: `where` keeps
        # the plain momentum step there (the NaN of the other branch is discarded).
        scale = gmath.where(rho_t > 5.0, adaptive, gmath.ones_like(adaptive))
        return assign_sub(var, lr * m_hat * scale).op
