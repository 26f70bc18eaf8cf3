"""`tf.train.AdamOptimizer` (TF1's update rule) and its AMSGrad variant."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign, assign_sub

from .optimizer import Optimizer
from .training_ops import apply_adam


class AdamOptimizer(Optimizer):
    """Adam (Kingma and Ba, 2015) exactly as TF1 computes it, or AMSGrad (Reddi et al., 2018).

    Update rule (slots "m" and "v" at zeros; non-slot variables beta1_power and beta2_power
    start at beta1 and beta2 and are multiplied by them after every step):
        m   <- beta1 * m + (1 - beta1) * grad
        v   <- beta2 * v + (1 - beta2) * grad^2
        var <- var - lr * sqrt(1 - beta2_power) / (1 - beta1_power) * m / (sqrt(v) + epsilon)

    TF1's rule runs as one `ApplyAdam` op per variable (`Adam/update_<var>/ApplyAdam`, as in
    TF1), which updates the variable and both slots in one pass.

    With `amsgrad=True` a slot "vhat" keeps the running maximum of v and the step follows
    `torch.optim.Adam(amsgrad=True)`, epsilon added after the bias correction:
        vhat <- max(vhat, v)
        var  <- var - lr / (1 - beta1_power) * m / (sqrt(vhat) / sqrt(1 - beta2_power) + epsilon)
    """

    #: Whether epsilon is added after dividing sqrt(v) by its bias correction (PyTorch's
    #: convention) instead of before (TF1's "epsilon hat").
    _epsilon_after_bias_correction = False

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "Adam",
                 amsgrad: bool = False) -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._beta1, self._beta2 = learning_rate, beta1, beta2
        self._epsilon, self._amsgrad = epsilon, amsgrad

    def _create_slots(self, var_list: list[Variable]) -> None:
        dtype = self._non_slot_dtype(var_list)
        self._power_variable("beta1_power", self._beta1, dtype)
        self._power_variable("beta2_power", self._beta2, dtype)
        self._zeros_slots(var_list, "m", "v", *(["vhat"] if self._amsgrad else []))

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        dtype = var.dtype
        lr = self._hyper(self._learning_rate, dtype)
        eps = self._hyper(self._epsilon, dtype)
        if self._fused:
            return apply_adam(var, self.get_slot(var, "m"), self.get_slot(var, "v"),
                              self._non_slot_value("beta1_power", dtype),
                              self._non_slot_value("beta2_power", dtype), lr,
                              self._hyper(self._beta1, dtype), self._hyper(self._beta2, dtype), eps,
                              grad, use_locking=self._use_locking).op
        m_t, v_t = adam_moments(self, grad, var, self._hyper(self._beta1, dtype),
                                self._hyper(self._beta2, dtype))
        if self._amsgrad:
            vhat = self.get_slot(var, "vhat")
            v_t = assign(vhat, gmath.maximum(vhat, v_t))
        correction1 = 1.0 - self._non_slot_value("beta1_power", dtype)
        correction2 = 1.0 - self._non_slot_value("beta2_power", dtype)
        if self._amsgrad or self._epsilon_after_bias_correction:
            step = lr / correction1 * m_t / (gmath.sqrt(v_t) / gmath.sqrt(correction2) + eps)
        else:
            step = lr * gmath.sqrt(correction2) / correction1 * m_t / (gmath.sqrt(v_t) + eps)
        return self._apply_step(var, step, lr)

    @property
    def _fused(self) -> bool:
        """Whether the update is TF1's, one ApplyAdam op: not AMSGrad, and not a subclass that
        moves epsilon or changes the step (AdamW)."""
        return not (self._amsgrad or self._epsilon_after_bias_correction
                    or type(self)._apply_step is not AdamOptimizer._apply_step)

    def _apply_step(self, var: Variable, step: Tensor, lr: Tensor) -> Any:
        """var <- var - step (AdamW adds its weight decay here)."""
        return assign_sub(var, step).op


def adam_moments(optimizer: Optimizer, grad: Tensor, var: Variable, beta1: Tensor,
                 beta2: Tensor) -> tuple[Tensor, Tensor]:
    """Adam's moment estimates, shared by the Adam family: the slots "m" and "v" of `var`
    updated to beta1 * m + (1 - beta1) * grad and beta2 * v + (1 - beta2) * grad^2; returns
    their new values."""
    m, v = optimizer.get_slot(var, "m"), optimizer.get_slot(var, "v")
    m_t = assign(m, beta1 * m + (1.0 - beta1) * grad)
    v_t = assign(v, beta2 * v + (1.0 - beta2) * gmath.square(grad))
    return m_t, v_t
