"""`tf.contrib.rnn.LSTMBlockCell`: TF1's "block" LSTM (one fused kernel there, a composite of
ordinary ops here): gates in `i, ci, f, o` order from one matmul, optional peepholes
(`use_peephole`), `cell_clip` on the memory, variables `kernel`, `bias`, `w_i_diag`,
`w_f_diag`, `w_o_diag` under the scope `lstm_cell`."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import stop_gradient
from graphflow.api.indexing import clip_by_value, concat, split
from graphflow.api.nn_conv import bias_add
from graphflow.framework.initializers import constant_initializer

from .cell_base import LayerRNNCell, LSTMNumUnitsSizes, LSTMStateTuple, input_depth


class LSTMBlockCell(LSTMNumUnitsSizes, LayerRNNCell):
    """The LSTM of TF1's `LSTMBlockCell` op:

        i = sigmoid(W_i xh + b_i + w_i_diag c_prev)      ci = tanh(W_ci xh + b_ci)
        f = sigmoid(W_f xh + b_f + forget_bias + w_f_diag c_prev)
        c = clip(ci i + c_prev f, cell_clip)             o = sigmoid(W_o xh + b_o + w_o_diag c)
        h = tanh(c) o

    with TF's gradients, including theirs for `cell_clip`: the clip is passed straight through
    backwards (d clip(c) / dc = 1), which is what TF1's block LSTM gradient kernel computes.

    Args:
        num_units: the size of `c` and `h`.
        forget_bias: added to the forget gate.
        cell_clip: clip `c` to `[-cell_clip, cell_clip]` (None or a negative value: no clip).
        use_peephole: add the diagonal peephole weights.
        dtype, reuse: as `tf.layers.Layer`.
        name: the variable scope name (default "lstm_cell", as TF1).
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, cell_clip: float | None = None,
                 use_peephole: bool = False, dtype: Any = None, reuse: Any = None,
                 name: str = "lstm_cell", **kwargs: Any) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else -1
        self._use_peephole = use_peephole

    def build(self, inputs_shape: Any) -> None:
        depth = input_depth(inputs_shape, self)
        units = self._num_units
        self._kernel = self.add_weight("kernel", [depth + units, 4 * units])
        self._bias = self.add_weight("bias", [4 * units], initializer=constant_initializer(0.0))
        if self._use_peephole:
            self._w_i_diag = self.add_weight("w_i_diag", [units])
            self._w_f_diag = self.add_weight("w_f_diag", [units])
            self._w_o_diag = self.add_weight("w_o_diag", [units])
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        c_prev, h_prev = state
        gates = bias_add(gmath.matmul(concat([inputs, h_prev], 1), self._kernel), self._bias)
        i, ci, f, o = split(gates, 4, axis=1)
        f = gmath.add(f, self._forget_bias)
        if self._use_peephole:
            i = gmath.add(i, gmath.multiply(c_prev, self._w_i_diag))
            f = gmath.add(f, gmath.multiply(c_prev, self._w_f_diag))
        i, f = gmath.sigmoid(i), gmath.sigmoid(f)
        c = gmath.add(gmath.multiply(gmath.tanh(ci), i), gmath.multiply(c_prev, f))
        if self._cell_clip > 0:
            # TF's block LSTM gradient passes straight through the clip (its gradient kernel
            # has no clip mask); the same here: the clipped value forward, gradient 1 back.
            clipped = clip_by_value(c, -self._cell_clip, self._cell_clip)
            c = gmath.add(stop_gradient(clipped), gmath.subtract(c, stop_gradient(c)))
        if self._use_peephole:
            o = gmath.add(o, gmath.multiply(c, self._w_o_diag))
        h = gmath.multiply(gmath.tanh(c), gmath.sigmoid(o))
        return h, LSTMStateTuple(c, h)
