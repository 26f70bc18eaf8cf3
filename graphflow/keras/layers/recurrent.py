"""Recurrent layers: `SimpleRNN`, `LSTM`, `GRU` (tf_keras' defaults: sigmoid recurrent
activation, GRU `reset_after=True`) on the `RNN` loop, plus `SimpleRNNCell`, `LSTMCell`,
`GRUCell`.

The loop is unrolled over the time steps (Keras' `unroll=True` path), so the sequence length
must be known when the layer is built; weights live under `<layer>/<cell>/` as in tf_keras
(`lstm/lstm_cell/kernel:0`).
"""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras import activations, constraints, initializers, regularizers
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import InputSpec, Layer, to_snake_case
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
        kwargs.pop("implementation", None)
        super().__init__(name=kwargs.pop("name", None) or to_snake_case(type(self).__name__), **kwargs)
        if dropout or recurrent_dropout:
            raise ValueError(f"{type(self).__name__}: dropout/recurrent_dropout are not supported by graphflow")
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
        self.dropout, self.recurrent_dropout = 0.0, 0.0

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
                "bias_constraint": ser_constraint(self.bias_constraint), "dropout": 0.0,
                "recurrent_dropout": 0.0}


class SimpleRNNCell(_Cell):
    """h = activation(x W + h U + b)."""

    def step(self, x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        z = K.dot(x, self.kernel) + K.dot(states[0], self.recurrent_kernel)
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
        z = K.dot(x, self.kernel) + K.dot(h_prev, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        c = f * c_prev + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
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
        x_part = K.dot(x, self.kernel)
        if self.reset_after:
            inner = K.dot(h_prev, self.recurrent_kernel)
            if self.use_bias:
                x_part = x_part + self.bias[0]
                inner = inner + self.bias[1]
            z = self.recurrent_activation(x_part[:, :u] + inner[:, :u])
            r = self.recurrent_activation(x_part[:, u:2 * u] + inner[:, u:2 * u])
            hh = self.activation(x_part[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            if self.use_bias:
                x_part = x_part + self.bias
            z = self.recurrent_activation(x_part[:, :u] + K.dot(h_prev, self.recurrent_kernel[:, :u]))
            r = self.recurrent_activation(x_part[:, u:2 * u] + K.dot(h_prev, self.recurrent_kernel[:, u:2 * u]))
            hh = self.activation(x_part[:, 2 * u:] + K.dot(r * h_prev, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "recurrent_activation": ser_activation(self.recurrent_activation),
                "reset_after": self.reset_after}


class RNN(Layer):
    """Runs a cell over the time axis of `(batch, time, features)` inputs.

    Args:
        cell: the cell (SimpleRNNCell, LSTMCell, GRUCell).
        return_sequences: return every step's output `(batch, time, units)` instead of the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse (outputs in processing order).
        stateful, unroll: `stateful=True` is not supported; the loop is always unrolled.

    Raises:
        ValueError: for stateful RNNs, or inputs whose time dimension is unknown.
    """

    def __init__(self, cell: Layer, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 **kwargs: Any) -> None:
        if stateful:
            raise ValueError("graphflow's Keras does not support stateful RNNs")
        kwargs.pop("time_major", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards
        self.unroll = unroll
        self.input_spec = InputSpec(ndim=3)

    @property
    def _layers(self) -> list[Layer]:
        return [self.cell]

    @property
    def trainable_weights(self) -> list[Any]:
        return self.cell.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        return self.cell.non_trainable_weights if self.trainable else self.cell.weights

    @property
    def losses(self) -> list[Any]:
        return self.cell.losses + list(self._losses)

    def build(self, input_shape: Any) -> None:
        with get_default_graph().name_scope(to_snake_case(type(self.cell).__name__)):
            self.cell.build(tuple(input_shape[:1]) + tuple(input_shape[2:]))
        self.cell.built = True
        self.built = True

    def call(self, inputs: Any, initial_state: Any = None, training: Any = None, mask: Any = None) -> Any:
        steps = K.int_shape(inputs)[1]
        if steps is None:
            raise ValueError(f"Layer {self.name}: the number of time steps must be known (give the Input a "
                             "fixed sequence length): graphflow unrolls the recurrence")
        if initial_state is None:
            zeros = _tf.zeros_like(inputs[:, 0, :1])  # (batch, 1): the batch size of the data
            states = [_tf.tile(zeros, [1, size]) * 0.0 for size in self.cell.state_size]
        else:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs = []
        for t in order:
            output, states = self.cell.step(inputs[:, t, :], states)
            outputs.append(output)
        result = _tf.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return [result] + list(states) if self.return_state else result

    def get_config(self) -> dict[str, Any]:
        from graphflow.keras.layers import serialize
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": False,
                "unroll": self.unroll, "time_major": False, "cell": serialize(self.cell)}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> RNN:
        from graphflow.keras.layers import deserialize
        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


class _CellLayer(RNN):
    """An RNN layer owning its cell (SimpleRNN, LSTM, GRU): the cell's arguments are the layer's."""

    cell_class: type = SimpleRNNCell
    _LAYER_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "name",
                   "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size", "weights",
                   "activity_regularizer", "input_dim", "time_major")

    def __init__(self, units: int, **kwargs: Any) -> None:
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in self._LAYER_ARGS}
        cell = self.cell_class(units, dtype=layer_kwargs.get("dtype"), **kwargs)
        super().__init__(cell, **layer_kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in ("units", "activation", "recurrent_activation", "use_bias", "reset_after",
                    "unit_forget_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer"):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(name)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> RNN:
        return cls(**config)


class SimpleRNN(_CellLayer):
    """A fully-connected recurrent layer (see `SimpleRNNCell`)."""

    cell_class = SimpleRNNCell


class LSTM(_CellLayer):
    """Long short-term memory (see `LSTMCell`)."""

    cell_class = LSTMCell


class GRU(_CellLayer):
    """Gated recurrent unit (see `GRUCell`)."""

    cell_class = GRUCell


