"""Keras 2's recurrent cells: `SimpleRNNCell`, `LSTMCell`, `GRUCell` (tf_keras' defaults:
`recurrent_activation="sigmoid"`, GRU `reset_after=True`). A cell's `step(inputs, states)` is one
time step; the `RNN` layer runs it in `K.rnn` after drawing the call's dropout masks
(`make_dropout_masks`: one mask per sequence, per gate with `implementation=1`, which
`recurrent_dropout` selects in LSTM and GRU cells as tf_keras does)."""

from __future__ import annotations

import warnings
from typing import Any

import graphflow as _tf
from graphflow.keras import activations, constraints, initializers, regularizers
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer, to_snake_case
from graphflow.keras.layers._config import ser_activation, ser_constraint, ser_initializer, ser_regularizer


class _Cell(Layer):
    """Shared arguments of the cells: units, activations, initializers, regularizers, constraints."""

    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 **kwargs: Any) -> None:
        implementation = int(kwargs.pop("implementation", 2))
        if implementation not in (1, 2):
            raise ValueError(f"{type(self).__name__}: implementation must be 1 or 2, got {implementation}")
        super().__init__(name=kwargs.pop("name", None) or to_snake_case(type(self).__name__), **kwargs)
        self.implementation = implementation
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        if self.gates > 1 and self.recurrent_dropout != 0 and implementation != 1:
            # tf_keras: recurrent dropout draws one mask per gate, which only implementation 1 has
            warnings.warn("RNN `implementation=2` is not supported when `recurrent_dropout` is set. "
                          "Using `implementation=1`.", stacklevel=3)
            self.implementation = 1
        # (input masks, recurrent masks) of the current call: drawn once per sequence by the RNN.
        self._dropout_masks: tuple[list[Any] | None, list[Any] | None] = (None, None)

    def _mask_count(self) -> int:
        """How many independent dropout masks a step uses: one per gate with implementation 1."""
        return self.gates if self.implementation == 1 else 1

    def make_dropout_masks(self, first_input: Any, first_state: Any, training: Any) -> None:
        """Draws this call's dropout masks (Keras 2: fixed over the sequence, ones at inference)."""
        def draw(like: Any, rate: float) -> list[Any] | None:
            if not 0.0 < rate < 1.0:
                return None
            ones = _tf.ones_like(like)
            return [K.in_train_phase(lambda: _tf.nn.dropout(ones, rate=rate), ones, training=training)
                    for _ in range(self._mask_count())]
        self._dropout_masks = (draw(first_input, self.dropout), draw(first_state, self.recurrent_dropout))

    def _dropped(self, x: Any, which: int, gate: int) -> Any:
        masks = self._dropout_masks[which]
        if masks is None:
            return x
        return x * masks[gate if len(masks) > 1 else 0]

    def _gate_parts(self, x: Any, h: Any) -> tuple[list[Any], list[Any]]:
        """Per gate: (dropped input) W_g and (dropped state) U_g, or the fused products when every
        gate shares one mask (same numerics: the products are sliced per gate afterwards)."""
        u = self.units
        if self._mask_count() == 1 or (self._dropout_masks == (None, None)):
            xw = K.dot(self._dropped(x, 0, 0), self.kernel)
            hu = K.dot(self._dropped(h, 1, 0), self.recurrent_kernel)
            return ([xw[:, g * u:(g + 1) * u] for g in range(self.gates)],
                    [hu[:, g * u:(g + 1) * u] for g in range(self.gates)])
        xs = [K.dot(self._dropped(x, 0, g), self.kernel[:, g * u:(g + 1) * u]) for g in range(self.gates)]
        hs = [K.dot(self._dropped(h, 1, g), self.recurrent_kernel[:, g * u:(g + 1) * u])
              for g in range(self.gates)]
        return xs, hs

    @property
    def state_size(self) -> list[int]:
        return [self.units]

    def _bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def _bias_initializer(self) -> Any:
        return self.bias_initializer

    def build(self, input_shape: Any) -> None:
        width = self.gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight("bias", self._bias_shape(), initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.built = True

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "activation": ser_activation(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": ser_initializer(self.kernel_initializer),
                "recurrent_initializer": ser_initializer(self.recurrent_initializer),
                "bias_initializer": ser_initializer(self.bias_initializer),
                "kernel_regularizer": ser_regularizer(self.kernel_regularizer),
                "recurrent_regularizer": ser_regularizer(self.recurrent_regularizer),
                "bias_regularizer": ser_regularizer(self.bias_regularizer),
                "kernel_constraint": ser_constraint(self.kernel_constraint),
                "recurrent_constraint": ser_constraint(self.recurrent_constraint),
                "bias_constraint": ser_constraint(self.bias_constraint), "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "implementation": self.implementation}


class SimpleRNNCell(_Cell):
    """h = activation(x W + h U + b)."""

    def step(self, x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        xs, hs = self._gate_parts(x, states[0])
        z = xs[0] + hs[0]
        if self.use_bias:
            z = z + self.bias
        h = self.activation(z)
        return h, [h]


class LSTMCell(_Cell):
    """Gates i, f, c, o from x W + h U + b; c = f c + i tanh-candidate; h = o activation(c)."""

    gates = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 unit_forget_bias: bool = True, **kwargs: Any) -> None:
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self) -> list[int]:
        return [self.units, self.units]

    def _bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def forget_bias_one(shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
            # Keras 2: the forget gate's bias starts at one.
            return _tf.concat([base((units,), dtype), _tf.ones([units], dtype or "float32"),
                               base((2 * units,), dtype)], 0)
        return forget_bias_one

    def step(self, x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        h_prev, c_prev = states
        xs, hs = self._gate_parts(x, h_prev)
        z = [xg + hg for xg, hg in zip(xs, hs)]
        if self.use_bias:
            u = self.units
            z = [zg + self.bias[g * u:(g + 1) * u] for g, zg in enumerate(z)]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_prev + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "recurrent_activation": ser_activation(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """Update gate z, reset gate r, candidate hh; h = z h_prev + (1 - z) hh. With `reset_after`
    (tf_keras' default) the reset gate scales h U (+ its own recurrent bias) instead of h."""

    gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 reset_after: bool = True, **kwargs: Any) -> None:
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def step(self, x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        h_prev = states[0]
        u = self.units
        xs = [K.dot(self._dropped(x, 0, g), self.kernel[:, g * u:(g + 1) * u]) for g in range(3)]
        if self.use_bias:
            x_bias = self.bias[0] if self.reset_after else self.bias
            xs = [xg + x_bias[g * u:(g + 1) * u] for g, xg in enumerate(xs)]
        h_in = [self._dropped(h_prev, 1, g) for g in range(3)]

        def recurrent(g: int, h: Any) -> Any:
            return K.dot(h, self.recurrent_kernel[:, g * u:(g + 1) * u])
        if self.reset_after:
            inner = [recurrent(g, h_in[g]) for g in range(3)]
            if self.use_bias:
                inner = [ig + self.bias[1][g * u:(g + 1) * u] for g, ig in enumerate(inner)]
            z = self.recurrent_activation(xs[0] + inner[0])
            r = self.recurrent_activation(xs[1] + inner[1])
            hh = self.activation(xs[2] + r * inner[2])
        else:
            z = self.recurrent_activation(xs[0] + recurrent(0, h_in[0]))
            r = self.recurrent_activation(xs[1] + recurrent(1, h_in[1]))
            hh = self.activation(xs[2] + recurrent(2, r * h_in[2]))
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "recurrent_activation": ser_activation(self.recurrent_activation),
                "reset_after": self.reset_after}
