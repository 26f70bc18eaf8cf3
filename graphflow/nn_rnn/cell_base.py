"""The RNN cell base classes of `tf.nn.rnn_cell`: `RNNCell`, `LayerRNNCell` and `LSTMStateTuple`.

A cell is a `tf.layers.Layer` called as `cell(inputs, state)` and returning `(output,
new_state)`. As in TF1, calling it without `scope` creates its variables on the first call under
the enclosing variable scope in a scope named after the class (`rnn/basic_lstm_cell/kernel`,
`basic_lstm_cell_1` for a second cell in the same scope) and reuses them on every later call;
`scope=` names the variable scope itself (TF1's older style: `scope/kernel`).
"""

from __future__ import annotations

import collections
import numbers
from typing import Any

from graphflow import nest
from graphflow.api import array as garray
from graphflow.api.indexing import concat
from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor_shape import TensorShape
from graphflow.framework.variable_scope import variable_scope
from graphflow.layers.base import Layer

WEIGHTS_NAME = "kernel"
BIAS_NAME = "bias"


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The state of an LSTM: `c` the cell memory, `h` the output (TF1's `(c, h)` namedtuple)."""

    __slots__ = ()

    @property
    def dtype(self) -> Any:
        """The common dtype of `c` and `h`.

        Raises:
            TypeError: when they differ.
        """
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def _size_shape(size: Any) -> list[int | None]:
    if isinstance(size, TensorShape):
        return size.as_list()
    if isinstance(size, (list, tuple)):
        return list(size)
    return [int(size)]


def static_batch_size(batch_size: Any) -> int | None:
    """The batch size as a Python int when it is known when the graph is built."""
    if isinstance(batch_size, numbers.Integral):
        return int(batch_size)
    value = getattr(batch_size, "_const_value", None)
    return None if value is None else int(value)


def zeros_for(state_size: Any, batch_size: Any, dtype: Any) -> Any:
    """Zeros shaped `[batch_size] + size` for each size of the nested `state_size`."""
    static = static_batch_size(batch_size)

    def zeros(size: Any) -> Any:
        dims = _size_shape(size)
        if static is not None and all(d is not None for d in dims):
            return garray.zeros([static] + dims, dtype=dtype)
        batch = convert_to_tensor(batch_size, dtype=dtypes.int32)
        shape = concat([garray.reshape(batch, [1]), convert_to_tensor(dims, dtype=dtypes.int32)], 0)
        value = garray.zeros(shape, dtype=dtype)
        value.set_shape([static] + dims)
        return value

    return nest.map_structure(zeros, state_size)


class RNNCell(Layer):
    """The abstract RNN cell: `state_size`, `output_size` and `call(inputs, state)`.

    Args:
        trainable: whether the cell's variables are trainable.
        name: the cell's variable scope name (default: the class name in snake case).
        dtype: the variables' dtype (default: the inputs' dtype).
    """

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)

    def __call__(self, inputs: Any, state: Any, scope: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Runs the cell on one step: `(output, new_state)`.

        Args:
            inputs: a `[batch, input_size]` tensor (or a structure for cells that take one).
            state: a tensor or structure matching `state_size`.
            scope: the variable scope of the cell's variables (TF1's older style); default:
                a scope named after the cell under the enclosing scope, fixed on first call.

        Returns:
            A pair `(output, new_state)`.
        """
        if scope is not None:
            with variable_scope(scope) as captured:
                return Layer.__call__(self, inputs, state, *args, scope=captured, **kwargs)
        # The layer's scope, fixed on the first call, is reused by every later call wherever
        # it happens (TF1 caches the cell's scope the same way).
        return Layer.__call__(self, inputs, state, *args, **kwargs)

    @property
    def state_size(self) -> Any:
        """The size(s) of the state: an int, a TensorShape or a nested structure of them."""
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self) -> Any:
        """The size of the output: an int or a TensorShape."""
        raise NotImplementedError("Abstract method")

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None, dtype: Any = None) -> Any:
        """The zero state for `inputs`' batch (or `batch_size`) and dtype."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            batch_size = inputs.shape.dims[0] if inputs.shape.dims and inputs.shape.dims[0] \
                is not None else garray.shape(inputs)[0]
            dtype = inputs.dtype if dtype is None else dtype
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """Zeros of shape `[batch_size, size]` for each part of `state_size`.

        Args:
            batch_size: an int or a scalar int tensor.
            dtype: the state's dtype.

        Returns:
            A tensor or a structure of tensors like `state_size`.
        """
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return zeros_for(self.state_size, batch_size, dtypes.as_dtype(dtype))


class LayerRNNCell(RNNCell):
    """An RNN cell whose variables are created in `build(inputs_shape)` (TF1's modern cells)."""


class NumUnitsSizes:
    """Mixin for cells whose state and output are both `num_units` wide (BasicRNNCell, GRUCell)."""

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units


class LSTMNumUnitsSizes:
    """Mixin for LSTM cells of `num_units`: an `LSTMStateTuple(c, h)` state (or c and h
    concatenated when `_state_is_tuple` is False) and a `num_units` output."""

    _state_is_tuple = True

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, self._num_units)
        return 2 * self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units


def input_depth(inputs_shape: Any, cell: RNNCell) -> int:
    """The last dimension of the inputs, which a cell's kernel needs when it is built.

    Raises:
        ValueError: when it is unknown.
    """
    shape = TensorShape(inputs_shape)
    depth = None if shape.dims is None else shape.dims[-1]
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {shape} "
                         f"(cell {cell.name})")
    return int(depth)
