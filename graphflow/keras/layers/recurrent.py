"""Recurrent layers: `SimpleRNN`, `LSTM`, `GRU` (tf_keras' defaults: sigmoid recurrent
activation, GRU `reset_after=True`) on the `RNN` loop, plus `SimpleRNNCell`, `LSTMCell`,
`GRUCell`.

The recurrence runs in `K.rnn` (a `tf.while_loop`, so the sequence length may be unknown;
`unroll=True` unrolls it); weights live under `<layer>/<cell>/` as in tf_keras
(`lstm/lstm_cell/kernel:0`). Input masks (`Masking`, `Embedding(mask_zero=True)`) keep the states
of masked steps; `dropout`/`recurrent_dropout` draw one mask per sequence in the training phase.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras import activations, constraints, initializers, regularizers
from graphflow.keras import backend as K
from graphflow.keras.backend_rnn import rnn
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


class RNN(Layer):
    """Runs a cell over the time axis of `(batch, time, features)` inputs with `K.rnn`.

    Args:
        cell: the cell (SimpleRNNCell, LSTMCell, GRUCell).
        return_sequences: return every step's output `(batch, time, units)` instead of the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse (outputs in processing order).
        stateful: keep the final states of each batch as the next batch's initial states (the
            batch size must be fixed: `batch_input_shape` / `batch_size`); `reset_states()` zeroes them.
        unroll: unroll the loop (the sequence length must be static) instead of a `tf.while_loop`.

    Raises:
        ValueError: a stateful RNN without a static batch size, `unroll=True` without a static
            sequence length, initial states of the wrong number.
    """

    def __init__(self, cell: Layer, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 **kwargs: Any) -> None:
        kwargs.pop("time_major", None)
        self.zero_output_for_mask = bool(kwargs.pop("zero_output_for_mask", False))
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)
        self.states: list[Any] = []

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

    def _state_sizes(self) -> list[int]:
        """The cell's state sizes as a list (a custom cell may give one int)."""
        size = self.cell.state_size
        return [int(s) for s in size] if isinstance(size, (list, tuple)) else [int(size)]

    def _step_function(self, inputs: Any, states: list[Any], training: Any) -> Any:
        """The built-in cells' `step` (after drawing this call's dropout masks), or a custom Keras
        cell's `call(inputs, states)` returning `(output, new_states)`."""
        if isinstance(self.cell, _Cell):
            self.cell.make_dropout_masks(inputs[:, 0], states[0], training)
            return self.cell.step
        import inspect
        takes_training = "training" in inspect.signature(self.cell.call).parameters

        def step(x: Any, step_states: list[Any]) -> tuple[Any, list[Any]]:
            kwargs = {"training": training} if takes_training and training is not None else {}
            output, new_states = self.cell.call(x, list(step_states), **kwargs)
            return output, list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        return step

    def _check_input(self, inputs: list[Any]) -> None:
        super()._check_input(inputs[:1])

    def build(self, input_shape: Any) -> None:
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        with get_default_graph().name_scope(to_snake_case(type(self.cell).__name__)):
            self.cell.build(tuple(input_shape[:1]) + tuple(input_shape[2:]))
        self.cell.built = True
        if self.stateful:
            batch = input_shape[0]
            if batch is None:
                raise ValueError(f"Layer {self.name}: if a RNN is stateful, it needs to know its batch size. "
                                 "Specify the batch size of your input tensors (`batch_input_shape` or "
                                 "`batch_size` on the first layer, `batch_shape` on an Input).")
            self.states = [_tf.Variable(np.zeros((batch, size), K.floatx()), trainable=False,
                                        name=f"state_{i}") for i, size in enumerate(self._state_sizes())]
            K.get_session()
        self.built = True

    def reset_states(self, states: Any = None) -> None:
        """Sets a stateful RNN's states to zeros, or to `states` (arrays, one per state).

        Raises:
            AttributeError: the layer is not stateful.
            ValueError: a wrong number of states or a wrong state shape.
        """
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if not self.states:
            return
        values = [None] * len(self.states) if states is None else \
            (list(states) if isinstance(states, (list, tuple)) else [states])
        if len(values) != len(self.states):
            raise ValueError(f"Layer {self.name} expects {len(self.states)} states, but it received "
                             f"{len(values)} state values.")
        for variable, value in zip(self.states, values):
            shape = tuple(variable.shape.as_list())
            value = np.zeros(shape, K.floatx()) if value is None else np.asarray(value, K.floatx())
            if value.shape != shape:
                raise ValueError(f"State for layer {self.name} is incompatible with layer: expected shape "
                                 f"{shape}, got {value.shape}")
            K.set_value(variable, value)

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self._state_sizes())
        return output_mask

    def _initial_states(self, inputs: Any, initial_state: Any) -> list[Any]:
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self._state_sizes()):
                raise ValueError(f"Layer {self.name} expects {len(self._state_sizes())} states, but it "
                                 f"received {len(states)} initial states.")
            return states
        if self.stateful:
            return [_tf.identity(v) for v in self.states]
        zeros = _tf.zeros_like(inputs[:, 0, :1])  # (batch, 1): the batch size of the data
        return [_tf.tile(zeros, [1, size]) for size in self._state_sizes()]

    def call(self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None) -> Any:
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        if isinstance(mask, list):
            mask = mask[0]
        states = self._initial_states(inputs, initial_state)
        step = self._step_function(inputs, states, training)
        try:
            last, outputs, states = rnn(step, inputs, states, go_backwards=self.go_backwards,
                                        mask=mask, unroll=self.unroll,
                                        zero_output_for_mask=self.zero_output_for_mask)
        finally:
            if isinstance(self.cell, _Cell):
                self.cell._dropout_masks = (None, None)
        result = outputs if self.return_sequences else last
        if self.stateful:
            # Keras 2 runs the state updates with every train/test/predict step: tie them to the output.
            assigns = [_tf.assign(v, s) for v, s in zip(self.states, states)]
            with _tf.control_dependencies(assigns):
                result = _tf.identity(result)
        return [result] + list(states) if self.return_state else result

    def get_config(self) -> dict[str, Any]:
        from graphflow.keras.layers import serialize
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
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
                   "zero_output_for_mask",
                   "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size", "weights",
                   "activity_regularizer", "input_dim", "time_major")

    def __init__(self, units: int, **kwargs: Any) -> None:
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in self._LAYER_ARGS}
        cell = self.cell_class(units, dtype=layer_kwargs.get("dtype"), **kwargs)
        super().__init__(cell, **layer_kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in ("units", "activation", "recurrent_activation", "use_bias", "reset_after", "dropout",
                    "recurrent_dropout", "implementation",
                    "unit_forget_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer"):
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(name)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        cell_config = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        if isinstance(self.cell, SimpleRNNCell):
            cell_config.pop("implementation", None)  # tf_keras' SimpleRNN has no implementation
        return {**config, **cell_config, "activity_regularizer": ser_regularizer(self.activity_regularizer)}

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


