"""`tf.train.GradientDescentOptimizer`: var -= learning_rate * grad."""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor
from graphflow.framework.variables import Variable

from .optimizer import Optimizer
from .training_ops import apply_gradient_descent


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent.

    Update rule: `var <- var - learning_rate * grad`, one `ApplyGradientDescent` op per variable
    (named `GradientDescent/update_<var>/ApplyGradientDescent`, as in TF1).

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
        return apply_gradient_descent(var, lr, grad, use_locking=self._use_locking).op
