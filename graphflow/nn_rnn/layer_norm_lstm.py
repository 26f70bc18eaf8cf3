"""`tf.contrib.rnn.LayerNormBasicLSTMCell`: the basic LSTM with layer normalization (Ba et al.
2016) of each gate's pre-activation and of the new memory, and recurrent dropout on the
candidate (Semeniuta et al. 2016). Variables as TF1 creates them in the cell's scope:
`kernel`, then `gamma` / `beta` under `input`, `transform`, `forget`, `output`, `state` (or a
`bias` instead of the normalizations when `layer_norm=False`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow.api import math as gmath
from graphflow.api.dropout import dropout
from graphflow.api.indexing import concat, split
from graphflow.api.nn_conv import bias_add
from graphflow.api.normalization import batch_normalization, moments
from graphflow.framework.initializers import constant_initializer
from graphflow.framework.variable_scope import get_variable, variable_scope

from .cell_base import LSTMNumUnitsSizes, LSTMStateTuple, RNNCell

LAYER_NORM_EPSILON = 1e-12  # contrib.layers.layer_norm's


class LayerNormBasicLSTMCell(LSTMNumUnitsSizes, RNNCell):
    """LSTM with layer normalization and recurrent dropout.

    Args:
        num_units: the size of `c` and `h`.
        forget_bias: added to the forget gate after normalization.
        input_size: deprecated and unused (as TF1).
        activation: default `tanh`.
        layer_norm: normalize the gates and the memory (False: a plain biased LSTM).
        norm_gain, norm_shift: the initial `gamma` and `beta`.
        dropout_keep_prob: keep probability of the candidate (a float 1.0 adds no op).
        dropout_prob_seed: the dropout seed.
        reuse: as `tf.layers.Layer`.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, input_size: Any = None,
                 activation: Callable[[Any], Any] = gmath.tanh, layer_norm: bool = True,
                 norm_gain: float = 1.0, norm_shift: float = 0.0, dropout_keep_prob: Any = 1.0,
                 dropout_prob_seed: int | None = None, reuse: Any = None) -> None:
        super().__init__(_reuse=reuse)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._activation = activation
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed

    def _variable(self, name: str, shape: list[Any], dtype: Any, initializer: Any = None) -> Any:
        # Created by the first call (the layer's scope allows it then), found by later ones.
        variable = get_variable(name, shape, dtype=dtype, initializer=initializer)
        if all(variable is not v for v in self._trainable_weights):
            self._trainable_weights.append(variable)
        return variable

    def _norm(self, value: Any, scope: str) -> Any:
        size = value.shape.as_list()[-1:]
        with variable_scope(scope):
            gamma = self._variable("gamma", size, value.dtype, constant_initializer(self._norm_gain))
            beta = self._variable("beta", size, value.dtype, constant_initializer(self._norm_shift))
        mean, variance = moments(value, [1], keep_dims=True)
        return batch_normalization(value, mean, variance, beta, gamma, LAYER_NORM_EPSILON)

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        c, h = state
        args = concat([inputs, h], 1)
        depth = args.shape.as_list()[-1]
        kernel = self._variable("kernel", [depth, 4 * self._num_units], args.dtype)
        gates = gmath.matmul(args, kernel)
        if not self._layer_norm:
            gates = bias_add(gates, self._variable("bias", [4 * self._num_units], args.dtype))
        i, j, f, o = split(gates, 4, axis=1)
        if self._layer_norm:
            i, j = self._norm(i, "input"), self._norm(j, "transform")
            f, o = self._norm(f, "forget"), self._norm(o, "output")
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = dropout(g, self._keep_prob, seed=self._seed)
        new_c = gmath.add(gmath.multiply(c, gmath.sigmoid(gmath.add(f, self._forget_bias))),
                          gmath.multiply(gmath.sigmoid(i), g))
        if self._layer_norm:
            new_c = self._norm(new_c, "state")
        new_h = gmath.multiply(self._activation(new_c), gmath.sigmoid(o))
        return new_h, LSTMStateTuple(new_c, new_h)
