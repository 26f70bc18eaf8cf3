"""`tf.train.GradientDescentOptimizer`: var -= learning_rate * grad."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable, assign_sub

from .optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent.

    Update rule: `var <- var - learning_rate * grad`.

    Args:
        learning_rate: a float, tensor, Variable or schedule tensor.
        use_locking: accepted for compatibility.
        name: op name scope (default "GradientDescent").
    """

    def __init__(self, learning_rate: Any, use_locking: bool = False,
                 name: str = "GradientDescent") -> None:
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad: Tensor, var: Variable) -> Any:
        lr = self._hyper(self._learning_rate, var.dtype)
        return assign_sub(var, lr * grad).op
