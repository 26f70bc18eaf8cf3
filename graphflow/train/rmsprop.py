"""`tf.train.RMSPropOptimizer`, plain or centered, with momentum (TF1's update rules)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable

from .optimizer import Optimizer
from .training_ops import apply_centered_rms_prop, apply_rms_prop


class RMSPropOptimizer(Optimizer):
    """RMSProp (Hinton's lecture 6e), as TF1 implements it.

    Update rule (slots "rms" starting at ONES as in TF1, "momentum" and, when centered, "mg"
    at zeros):
        rms <- decay * rms + (1 - decay) * grad^2
        mg  <- decay * mg + (1 - decay) * grad                      (centered only)
        denominator = rms - mg^2 + epsilon   (centered)   or   rms + epsilon
        mom <- momentum * mom + learning_rate * grad / sqrt(denominator)
        var <- var - mom
    as one `ApplyRMSProp` (`ApplyCenteredRMSProp`) op per variable, TF1's op and names.
    """

    def __init__(self, learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0,
                 epsilon: Any = 1e-10, use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp") -> None:
        super().__init__(use_locking, name)
        self._learning_rate, self._decay = learning_rate, decay
        self._momentum, self._epsilon, self._centered = momentum, epsilon, centered

    def _create_slots(self, var_list: list[Variable]) -> None:
        for v in var_list:
            self._slot(v, "rms", self._name, 1.0)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        lr = self._hyper(self._learning_rate, var.dtype)
        decay = self._hyper(self._decay, var.dtype)
        momentum = self._hyper(self._momentum, var.dtype)
        eps = self._hyper(self._epsilon, var.dtype)
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return apply_centered_rms_prop(var, self.get_slot(var, "mg"), rms, mom, lr, decay,
                                           momentum, eps, grad, use_locking=self._use_locking).op
        return apply_rms_prop(var, rms, mom, lr, decay, momentum, eps, grad,
                              use_locking=self._use_locking).op
