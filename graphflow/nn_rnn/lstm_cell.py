"""`tf.nn.rnn_cell.LSTMCell`: the LSTM with optional peepholes, cell clipping and a projection
of the output (Hochreiter & Schmidhuber 1997; Gers & Schmidhuber 2000; Sak et al. 2014), with
TF1's variable names (`kernel`, `bias`, `w_f_diag`, `w_i_diag`, `w_o_diag`,
`projection/kernel`)."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.indexing import clip_by_value, concat, slice, split
from graphflow.api.nn_conv import bias_add
from graphflow.framework.initializers import zeros_initializer
from graphflow.layers.base import activation_of

from .cell_base import BIAS_NAME, WEIGHTS_NAME, LayerRNNCell, LSTMStateTuple, input_depth


class LSTMCell(LayerRNNCell):
    """The full TF1 LSTM cell.

    Args:
        num_units: the size of the cell memory `c`.
        use_peepholes: add the diagonal peephole weights `w_f_diag`, `w_i_diag`, `w_o_diag`.
        cell_clip: clip `c` to `[-cell_clip, cell_clip]` after each step.
        initializer: for the kernel, peepholes and projection (default: the scope's).
        num_proj: project the output `h` to this size (`projection/kernel`).
        proj_clip: clip the projected output to `[-proj_clip, proj_clip]`.
        num_unit_shards, num_proj_shards: TF1's deprecated partitioning; accepted, ignored
            (a single unpartitioned variable has the same values).
        forget_bias: added to the forget gate.
        state_is_tuple: states are `LSTMStateTuple(c, h)` (True) or concatenated.
        activation: default `tanh`.
        reuse, name, dtype: as `tf.layers.Layer`.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, cell_clip: float | None = None,
                 initializer: Any = None, num_proj: int | None = None, proj_clip: float | None = None,
                 num_unit_shards: Any = None, num_proj_shards: Any = None, forget_bias: float = 1.0,
                 state_is_tuple: bool = True, activation: Any = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = None if num_proj is None else int(num_proj)
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation_of(activation) or gmath.tanh

    @property
    def state_size(self) -> Any:
        output = self._num_proj or self._num_units
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, output)
        return self._num_units + output

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def build(self, inputs_shape: Any) -> None:
        depth = input_depth(inputs_shape, self)
        h_depth = self._num_proj or self._num_units
        self._kernel = self.add_weight(WEIGHTS_NAME, [depth + h_depth, 4 * self._num_units],
                                       initializer=self._initializer)
        self._bias = self.add_weight(BIAS_NAME, [4 * self._num_units], initializer=zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", [self._num_units], initializer=self._initializer)
            self._w_i_diag = self.add_weight("w_i_diag", [self._num_units], initializer=self._initializer)
            self._w_o_diag = self.add_weight("w_o_diag", [self._num_units], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(f"projection/{WEIGHTS_NAME}",
                                                [self._num_units, self._num_proj],
                                                initializer=self._initializer)
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        num_proj = self._num_proj or self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = slice(state, [0, 0], [-1, self._num_units])
            m_prev = slice(state, [0, self._num_units], [-1, num_proj])
        lstm_matrix = bias_add(gmath.matmul(concat([inputs, m_prev], 1), self._kernel), self._bias)
        i, j, f, o = split(lstm_matrix, 4, axis=1)
        sigmoid, multiply = gmath.sigmoid, gmath.multiply
        if self._use_peepholes:
            forget = sigmoid(gmath.add(gmath.add(f, self._forget_bias), multiply(self._w_f_diag, c_prev)))
            write = sigmoid(gmath.add(i, multiply(self._w_i_diag, c_prev)))
        else:
            forget = sigmoid(gmath.add(f, self._forget_bias))
            write = sigmoid(i)
        c = gmath.add(multiply(forget, c_prev), multiply(write, self._activation(j)))
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = multiply(sigmoid(gmath.add(o, multiply(self._w_o_diag, c))), self._activation(c))
        else:
            m = multiply(sigmoid(o), self._activation(c))
        if self._num_proj is not None:
            m = gmath.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state
