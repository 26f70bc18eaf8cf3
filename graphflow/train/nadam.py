"""`tf.train.NadamOptimizer`: Adam with Nesterov momentum (Dozat, 2016)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign_sub

from .adam import adam_moments
from .optimizer import Optimizer


class NadamOptimizer(Optimizer):
    """Nadam with Dozat's momentum schedule, step for step as `torch.optim.NAdam`.

    The momentum coefficient warms up as mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)).
    Update rule at step t (slots "m" and "v" at zeros; non-slot variables beta2_power = beta2^t,
    momentum_power = 0.96^(t * momentum_decay), mu_product = mu_1 * ... * mu_t):
        m   <- beta1 * m + (1 - beta1) * grad
        v   <- beta2 * v + (1 - beta2) * grad^2
        d   =  sqrt(v / (1 - beta2_power)) + epsilon
        var <- var - lr * (1 - mu_t) / (1 - mu_product) * grad / d
                   - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d
    """

    def __init__(self, learning_rate: Any = 0.002, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, momentum_decay: float = 0.004, use_locking: bool = False,
                 name: str = "Nadam") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2 = learning_rate, beta1, beta2
        self._epsilon, self._momentum_decay = epsilon, momentum_decay

    def _create_slots(self, var_list: list[Variable]) -> None:
        dtype = self._non_slot_dtype(var_list)
        factor = 0.96 ** self._momentum_decay
        self._power_variable("beta2_power", self._beta2, dtype)
        # mu_product moves on before momentum_power (it reads the power of this step).
        self._non_slot_variable(
            "mu_product", 1.0, dtype,
            lambda p: p * self._mu(self._non_slot["momentum_power"].value(), 1.0))
        self._power_variable("momentum_power", factor, dtype)
        self._zeros_slots(var_list, "m", "v")

    def _mu(self, momentum_power: Tensor, ahead: float) -> Tensor:
        """mu_t (ahead=1) or mu_{t+1} (ahead=0.96^momentum_decay) from 0.96^(t*decay)."""
        return self._beta1 * (1.0 - 0.5 * momentum_power * ahead)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        dtype = var.dtype
        lr, eps = self._hyper(self._learning_rate, dtype), self._hyper(self._epsilon, dtype)
        beta1, beta2 = self._hyper(self._beta1, dtype), self._hyper(self._beta2, dtype)
        power = self._non_slot_value("momentum_power", dtype)
        mu, mu_next = self._mu(power, 1.0), self._mu(power, 0.96 ** self._momentum_decay)
        mu_product = self._non_slot_value("mu_product", dtype) * mu
        m_t, v_t = adam_moments(self, grad, var, beta1, beta2)
        denominator = gmath.sqrt(v_t / (1.0 - self._non_slot_value("beta2_power", dtype))) + eps
        step = (lr * (1.0 - mu) / (1.0 - mu_product) * grad
                + lr * mu_next / (1.0 - mu_product * mu_next) * m_t) / denominator
        return assign_sub(var, step).op
