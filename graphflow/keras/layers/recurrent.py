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
from graphflow.keras import backend as K
from graphflow.keras.backend_rnn import rnn
from graphflow.keras.engine.base_layer import InputSpec, Layer, to_snake_case
from graphflow.keras.layers._config import ser_regularizer
from graphflow.keras.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell, _Cell
from graphflow.keras.layers.recurrent_stacked import StackedRNNCells, cell_step, state_sizes

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell", "StackedRNNCells"]


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
        self.cell = StackedRNNCells(list(cell)) if isinstance(cell, (list, tuple)) else cell
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
        """The cell's state sizes as a flat list (a custom cell may give one int)."""
        return state_sizes(self.cell)

    def _step_function(self, inputs: Any, states: list[Any], training: Any) -> Any:
        """The cell's step, after drawing this call's dropout masks (built-in cells)."""
        if isinstance(self.cell, StackedRNNCells):
            self.cell.make_dropout_masks(inputs[:, 0], states, training)
            return self.cell.stepper(training)
        if isinstance(self.cell, _Cell):
            self.cell.make_dropout_masks(inputs[:, 0], states[0], training)
        return cell_step(self.cell, training)

    def _clear_dropout_masks(self) -> None:
        if isinstance(self.cell, StackedRNNCells):
            self.cell.clear_dropout_masks()
        elif isinstance(self.cell, _Cell):
            self.cell._dropout_masks = (None, None)

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
            self._clear_dropout_masks()
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


