"""TF1's basic cells: `BasicRNNCell`, `BasicLSTMCell` and `GRUCell`, with TF1's variable names,
gate orders (LSTM `i, j, f, o`; GRU `r, u`) and initial biases (GRU gates start at 1)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.indexing import concat, split
from graphflow.api.nn_conv import bias_add
from graphflow.framework.initializers import constant_initializer, zeros_initializer
from graphflow.layers.base import activation_of

from .cell_base import (
    BIAS_NAME,
    WEIGHTS_NAME,
    LayerRNNCell,
    LSTMNumUnitsSizes,
    LSTMStateTuple,
    NumUnitsSizes,
    input_depth,
)


class BasicRNNCell(NumUnitsSizes, LayerRNNCell):
    """`output = new_state = activation(W [inputs, state] + b)`.

    Args:
        num_units: the state size.
        activation: default `tanh`.
        reuse, name, dtype: as `tf.layers.Layer` (`reuse=True` needs existing variables).
    """

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._activation = activation_of(activation) or gmath.tanh

    def build(self, inputs_shape: Any) -> None:
        depth = input_depth(inputs_shape, self)
        self._kernel = self.add_weight(WEIGHTS_NAME, [depth + self._num_units, self._num_units])
        self._bias = self.add_weight(BIAS_NAME, [self._num_units],
                                     initializer=zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        gate_inputs = gmath.matmul(concat([inputs, state], 1), self._kernel)
        output = self._activation(bias_add(gate_inputs, self._bias))
        return output, output


class BasicLSTMCell(LSTMNumUnitsSizes, LayerRNNCell):
    """The LSTM without peepholes or projection: gates `i, j, f, o` from one matmul,
    `c' = c sigmoid(f + forget_bias) + sigmoid(i) activation(j)`, `h' = activation(c') sigmoid(o)`.

    Args:
        num_units: the size of `c` and `h`.
        forget_bias: added to the forget gate (1.0, so a new cell starts by remembering).
        state_is_tuple: states are `LSTMStateTuple(c, h)` (True) or `concat([c, h], 1)`.
        activation: default `tanh`.
        reuse, name, dtype: as `tf.layers.Layer`.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Any = None, reuse: Any = None, name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation_of(activation) or gmath.tanh

    def build(self, inputs_shape: Any) -> None:
        depth = input_depth(inputs_shape, self)
        self._kernel = self.add_weight(WEIGHTS_NAME, [depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_weight(BIAS_NAME, [4 * self._num_units],
                                     initializer=zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split(state, 2, axis=1)
        gate_inputs = bias_add(gmath.matmul(concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = split(gate_inputs, 4, axis=1)
        forget = gmath.sigmoid(gmath.add(f, self._forget_bias))
        new_c = gmath.add(gmath.multiply(c, forget),
                          gmath.multiply(gmath.sigmoid(i), self._activation(j)))
        new_h = gmath.multiply(self._activation(new_c), gmath.sigmoid(o))
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else concat([new_c, new_h], 1)
        return new_h, new_state


class GRUCell(NumUnitsSizes, LayerRNNCell):
    """The gated recurrent unit (Cho et al. 2014) as TF1 computes it: gates `r, u` from
    `gates/kernel`, candidate `activation(W_c [inputs, r * state] + b_c)`,
    `h' = u * state + (1 - u) * candidate`.

    Args:
        num_units: the state size.
        activation: default `tanh`.
        reuse: as `tf.layers.Layer`.
        kernel_initializer: for both kernels (default: the scope's, glorot uniform).
        bias_initializer: for both biases (default: gates 1.0, candidate 0.0).
        name, dtype: as `tf.layers.Layer`.
    """

    def __init__(self, num_units: int, activation: Any = None, reuse: Any = None,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._activation = activation_of(activation) or gmath.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape: Any) -> None:
        depth = input_depth(inputs_shape, self)
        units = self._num_units
        self._gate_kernel = self.add_weight(f"gates/{WEIGHTS_NAME}", [depth + units, 2 * units],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            f"gates/{BIAS_NAME}", [2 * units],
            initializer=self._bias_initializer or constant_initializer(1.0))
        self._candidate_kernel = self.add_weight(f"candidate/{WEIGHTS_NAME}", [depth + units, units],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            f"candidate/{BIAS_NAME}", [units],
            initializer=self._bias_initializer or zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        gate_inputs = bias_add(gmath.matmul(concat([inputs, state], 1), self._gate_kernel),
                               self._gate_bias)
        r, u = split(gmath.sigmoid(gate_inputs), 2, axis=1)
        candidate = bias_add(gmath.matmul(concat([inputs, gmath.multiply(r, state)], 1),
                                          self._candidate_kernel), self._candidate_bias)
        c = self._activation(candidate)
        new_h = gmath.add(gmath.multiply(u, state), gmath.multiply(gmath.subtract(1.0, u), c))
        return new_h, new_h
