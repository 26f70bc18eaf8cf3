"""`tf.contrib.rnn` (and TF1's `tf.nn.rnn_cell`) cells that add a layer around a cell:
`OutputProjectionWrapper`, `InputProjectionWrapper`, `EmbeddingWrapper`.

Unlike `DropoutWrapper`, these are cells with their own variable scope named after the class
(`rnn/output_projection_wrapper/kernel`), the wrapped cell's variables nested inside it
(`rnn/output_projection_wrapper/basic_lstm_cell/kernel`), created in TF1's order (the wrapped
cell's first for an output projection).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from graphflow._scopes import device
from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.nn_compose import embedding_lookup
from graphflow.api.nn_conv import bias_add
from graphflow.framework.graph import get_default_graph
from graphflow.framework.initializers import constant_initializer, random_uniform_initializer
from graphflow.framework.variable_scope import get_variable, get_variable_scope

from .cell_base import BIAS_NAME, WEIGHTS_NAME, RNNCell


def _is_cell(cell: Any) -> bool:
    return all(hasattr(cell, attr) for attr in ("output_size", "state_size", "zero_state")) \
        and callable(cell)


class _ScopedWrapper(RNNCell):
    """A cell around `cell` with its own scope; tracks the variables it creates itself."""

    def __init__(self, cell: RNNCell, reuse: Any = None) -> None:
        super().__init__(_reuse=reuse)
        if not _is_cell(cell):
            raise TypeError("The parameter cell is not RNNCell.")
        self._cell = cell

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    @property
    def output_size(self) -> Any:
        return self._cell.output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """The wrapped cell's zero state."""
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def _variable(self, name: str, shape: list[int], dtype: Any, initializer: Any = None) -> Any:
        # Created by the first call (the layer's scope then allows it), found by later calls.
        variable = get_variable(name, shape, dtype=dtype, initializer=initializer)
        if all(variable is not v for v in self._trainable_weights):
            self._trainable_weights.append(variable)
        return variable

    def _linear(self, value: Any, size: int) -> Any:
        depth = value.shape.dims[-1] if value.shape.dims else None
        if value.shape.ndims != 2 or depth is None:
            raise ValueError(f"linear expects 2D arguments with a known shape[1], saw {value.shape}")
        kernel = self._variable(WEIGHTS_NAME, [depth, size], value.dtype)
        bias = self._variable(BIAS_NAME, [size], value.dtype, constant_initializer(0.0))
        return bias_add(gmath.matmul(value, kernel), bias)

    @property
    def trainable_weights(self) -> list[Any]:
        if not self.trainable:
            return []
        inner = self._cell.trainable_weights
        return inner + [v for v in self._trainable_weights if all(v is not w for w in inner)]



class OutputProjectionWrapper(_ScopedWrapper):
    """The cell's output through a dense layer (`kernel`, `bias`) of `output_size` units.

    Args:
        cell: the wrapped cell.
        output_size: the projected output size (> 0).
        activation: applied to the projection (default: none).
        reuse: as `tf.layers.Layer`.

    Raises:
        TypeError: when `cell` is not a cell; ValueError: for `output_size` < 1.
    """

    def __init__(self, cell: RNNCell, output_size: int, activation: Callable[[Any], Any] | None = None,
                 reuse: Any = None) -> None:
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = int(output_size)
        self._activation = activation

    @property
    def output_size(self) -> int:
        return self._output_size

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        output, new_state = self._cell(inputs, state)
        projected = self._linear(output, self._output_size)
        return (self._activation(projected) if self._activation else projected), new_state


class InputProjectionWrapper(_ScopedWrapper):
    """The inputs through a dense layer (`kernel`, `bias`) of `num_proj` units, then the cell.

    Args:
        cell: the wrapped cell.
        num_proj: the projected input size.
        activation: applied to the projection (default: none).
        input_size: deprecated and unused (as TF1).
        reuse: as `tf.layers.Layer`.

    Raises:
        TypeError: when `cell` is not a cell.
    """

    def __init__(self, cell: RNNCell, num_proj: int, activation: Callable[[Any], Any] | None = None,
                 input_size: Any = None, reuse: Any = None) -> None:
        super().__init__(cell, reuse)
        self._num_proj = int(num_proj)
        self._activation = activation

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        projected = self._linear(inputs, self._num_proj)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class EmbeddingWrapper(_ScopedWrapper):
    """Integer symbol inputs looked up in an `embedding` variable, then the cell.

    Args:
        cell: the wrapped cell.
        embedding_classes: how many symbols.
        embedding_size: the size of each symbol's vector.
        initializer: the embedding's initializer (default: the scope's, else uniform in
            [-sqrt(3), sqrt(3)], variance 1, as TF1).
        reuse: as `tf.layers.Layer`.

    Raises:
        TypeError: when `cell` is not a cell; ValueError: for non-positive sizes.
    """

    def __init__(self, cell: RNNCell, embedding_classes: int, embedding_size: int,
                 initializer: Any = None, reuse: Any = None) -> None:
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = int(embedding_classes)
        self._embedding_size = int(embedding_size)
        self._initializer = initializer

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        with device("/cpu:0"):
            initializer = self._initializer or get_variable_scope().initializer or \
                random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
            dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
            embedding = self._variable("embedding", [self._embedding_classes, self._embedding_size],
                                       dtype, initializer)
            embedded = embedding_lookup(embedding, garray.reshape(inputs, [-1]))
        return self._cell(embedded, state)
