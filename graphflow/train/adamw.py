"""`tf.train.AdamWOptimizer`: Adam with decoupled weight decay (Loshchilov and Hutter, 2019)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign

from .adam import AdamOptimizer


class AdamWOptimizer(AdamOptimizer):
    """AdamW, step for step as `torch.optim.AdamW` with the same hyperparameters.

    The decay shrinks the weights directly instead of entering the gradient, so Adam's
    per-coordinate scaling does not weaken it. Update rule (slots "m", "v", and "vhat" with
    `amsgrad`; beta1_power and beta2_power as in Adam):
        m   <- beta1 * m + (1 - beta1) * grad
        v   <- beta2 * v + (1 - beta2) * grad^2
        var <- var * (1 - learning_rate * weight_decay)
               - lr / (1 - beta1_power) * m / (sqrt(v) / sqrt(1 - beta2_power) + epsilon)

    The decay is scaled by the learning rate as in PyTorch (and the paper's schedule
    multiplier); `tf.contrib.opt.AdamWOptimizer` subtracted `weight_decay * var` unscaled, so
    pass its weight_decay divided by the learning rate to reproduce it.
    """

    _epsilon_after_bias_correction = True

    def __init__(self, weight_decay: Any, learning_rate: Any = 0.001, beta1: Any = 0.9,
                 beta2: Any = 0.999, epsilon: Any = 1e-8, use_locking: bool = False,
                 name: str = "AdamW", amsgrad: bool = False) -> None:
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name, amsgrad)
        self._weight_decay = weight_decay

    def _apply_step(self, var: Variable, step: Tensor, lr: Tensor) -> Any:
        decay = self._hyper(self._weight_decay, var.dtype)
        return assign(var, var * (1.0 - lr * decay) - step).op
