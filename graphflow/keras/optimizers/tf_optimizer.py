"""`TFOptimizer`: a `tf.train` optimizer (e.g. `tf.train.AdamOptimizer(1e-3)`) given to
`model.compile`, as Keras 2 accepts it."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras.optimizers.base import Optimizer


class TFOptimizer(Optimizer):
    """Wraps a `graphflow.train` optimizer: its `apply_gradients` is the training update.

    Args:
        optimizer: the `tf.train` optimizer.
    """

    def __init__(self, optimizer: Any) -> None:
        super().__init__("TFOptimizer", 0.001)
        self.optimizer = optimizer

    def get_updates(self, loss: Any, params: list[Any]) -> list[Any]:
        grads = self.get_gradients(loss, list(params))
        self.iterations  # noqa: B018
        apply = self.optimizer.apply_gradients(list(zip(grads, params)))
        with get_default_graph().control_dependencies([apply]):
            step = _tf.assign_add(self.iterations, _tf.constant(1, "int64"))
        return [apply, step]

    @property
    def weights(self) -> list[Any]:
        return [self.iterations] + list(self.optimizer.variables())

    variables = weights

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError("TFOptimizer (a tf.train optimizer) cannot be serialized")
