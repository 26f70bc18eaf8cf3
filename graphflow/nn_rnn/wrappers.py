"""Cells made of cells: `MultiRNNCell` (a stack), `DropoutWrapper` and `ResidualWrapper`.

A wrapper creates no variable scope of its own (TF1's `_RNNCellWrapperV1`): the wrapped cell's
variables keep their names (`rnn/basic_lstm_cell/kernel` with or without dropout around it).
A `MultiRNNCell` is a cell with its own scope, each layer under `cell_<i>`
(`rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel`).
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Callable
from typing import Any

from graphflow import nest
from graphflow.api import math as gmath
from graphflow.api.dropout import dropout
from graphflow.api.indexing import concat, slice
from graphflow.api.random import random_uniform
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor_shape import TensorShape
from graphflow.framework.variable_scope import variable_scope

from .cell_base import LSTMStateTuple, RNNCell


class MultiRNNCell(RNNCell):
    """Stacked cells: the output of cell i is the input of cell i + 1.

    Args:
        cells: a list of cells (each used once; reusing one object shares its variables).
        state_is_tuple: the state is a tuple of the cells' states (True) or their concatenation.

    Raises:
        ValueError: for an empty list.
        TypeError: when `cells` is not a list or tuple.
    """

    def __init__(self, cells: Any, state_is_tuple: bool = True) -> None:
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_nested(c.state_size) for c in self._cells):
            raise ValueError("Some cells return tuples of states, but the flag state_is_tuple "
                             f"is not set. State sizes are: {[c.state_size for c in self._cells]}")

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """One zero state per cell (a tuple), or their concatenation."""
        if not self._state_is_tuple:
            return super().zero_state(batch_size, dtype)
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)

    @property
    def trainable_weights(self) -> list[Any]:
        return [v for cell in self._cells for v in cell.trainable_weights] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        return [v for cell in self._cells for v in cell.non_trainable_weights]

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        position = 0
        current = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not nest.is_nested(state):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self.state_size)}, but received: {state}")
                    cell_state = state[i]
                else:
                    cell_state = slice(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        return current, tuple(new_states) if self._state_is_tuple else concat(new_states, 1)


class RNNCellWrapper(RNNCell):
    """A cell that delegates to `cell`, with no variable scope of its own."""

    def __init__(self, cell: RNNCell, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(cell, RNNCell) and not (hasattr(cell, "state_size") and callable(cell)):
            raise TypeError(f"The parameter cell is not a RNNCell: {cell!r}")
        self.cell = cell

    @property
    def wrapped_cell(self) -> RNNCell:
        return self.cell

    @property
    def state_size(self) -> Any:
        return self.cell.state_size

    @property
    def output_size(self) -> Any:
        return self.cell.output_size

    @property
    def trainable_weights(self) -> list[Any]:
        return self.cell.trainable_weights

    @property
    def non_trainable_weights(self) -> list[Any]:
        return self.cell.non_trainable_weights

    @property
    def weights(self) -> list[Any]:
        return self.cell.weights

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """The wrapped cell's zero state."""
        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """Runs the wrapped cell (under `scope` when given) with this wrapper's change."""
        return self._call_wrapped_cell(inputs, state, scope)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> tuple[Any, Any]:
        raise NotImplementedError


def _default_state_filter(substate: Any) -> Any:
    """TF1's default: drop out every state except an LSTM's memory `c`."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _shallow_filter(visitor: Callable[[Any], Any], structure: Any) -> Any:
    """The structure of booleans saying which parts of `structure` get dropout (TF1's
    `get_traverse_shallow_structure`): a False on a sub-structure leaves it whole."""
    verdict = visitor(structure)
    if not nest.is_nested(structure):
        if not isinstance(verdict, bool):
            raise TypeError(f"dropout_state_filter_visitor must return a bool for a leaf, "
                            f"got {verdict!r}")
        return verdict
    if isinstance(verdict, bool):
        if not verdict:
            return False
        children = [_shallow_filter(visitor, child) for child in _items(structure)]
    else:
        children = [_shallow_filter(visitor, child) if flag else False
                    for flag, child in zip(_items(verdict), _items(structure))]
    return _like(structure, children)


def _items(structure: Any) -> list[Any]:
    if isinstance(structure, dict):
        return [structure[key] for key in sorted(structure)]
    return list(structure)


def _like(structure: Any, children: list[Any]) -> Any:
    if isinstance(structure, dict):
        return dict(zip(sorted(structure), children))
    if isinstance(structure, tuple) and hasattr(type(structure), "_fields"):
        return type(structure)(*children)
    return type(structure)(children)


def _map_up_to(shallow: Any, function: Callable[..., Any], *structures: Any) -> Any:
    """Maps `function(index, flag, *parts)` over the leaves of `shallow` (the parts of
    `structures` at those positions may be whole sub-structures), numbering leaves in order."""
    counter = [0]

    def walk(node: Any, *parts: Any) -> Any:
        if not nest.is_nested(node):
            index = counter[0]
            counter[0] += 1
            return function(index, node, *parts)
        return _like(node, [walk(child, *sub) for child, *sub in
                            zip(_items(node), *(_items(part) for part in parts))])

    return walk(shallow, *structures)


class DropoutWrapper(RNNCellWrapper):
    """Dropout on a cell's inputs, outputs and (new) state.

    Args:
        cell: the wrapped cell.
        input_keep_prob, output_keep_prob, state_keep_prob: keep probabilities (floats in
            [0, 1] or scalar tensors; a float 1 adds no op).
        variational_recurrent: one dropout mask per `run` reused at every time step (Gal &
            Ghahramani 2016); needs `dtype`, and `input_size` when inputs are dropped.
        input_size: the inputs' depth (nested like the inputs) for `variational_recurrent`.
        dtype: the noise dtype for `variational_recurrent`.
        seed: makes the masks reproducible (each part gets its own seed derived from it).
        dropout_state_filter_visitor: `fn(substate) -> bool or structure of bools` choosing
            which parts of the state get dropout (default: all but an LSTM's `c`).

    Raises:
        ValueError: for a constant keep probability outside [0, 1], or missing `dtype` /
            `input_size` with `variational_recurrent`.
    """

    def __init__(self, cell: RNNCell, input_keep_prob: Any = 1.0, output_keep_prob: Any = 1.0,
                 state_keep_prob: Any = 1.0, variational_recurrent: bool = False,
                 input_size: Any = None, dtype: Any = None, seed: int | None = None,
                 dropout_state_filter_visitor: Callable[[Any], Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self._seed = seed
        self._variational_recurrent = variational_recurrent
        self._state_filter = dropout_state_filter_visitor or _default_state_filter
        with get_default_graph().name_scope("DropoutWrapperInit"):
            for value, attr in ((input_keep_prob, "input_keep_prob"),
                                (state_keep_prob, "state_keep_prob"),
                                (output_keep_prob, "output_keep_prob")):
                setattr(self, f"_{attr}", self._keep_prob(value, attr))
        self._recurrent_input_noise = self._recurrent_state_noise = None
        self._recurrent_output_noise = None
        if variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")

            def noise(prefix: str) -> Callable[[int, Any, Any], Any]:
                return lambda i, _flag, size: random_uniform(
                    [1] + TensorShape(size).as_list(), seed=self._gen_seed(prefix, i), dtype=dtype)

            if self._should_drop(self._input_keep_prob):
                if input_size is None:
                    raise ValueError("When variational_recurrent=True and input_keep_prob < 1.0 "
                                     "or is unknown, input_size must be provided")
                self._recurrent_input_noise = _map_up_to(input_size, noise("input"), input_size)
            self._recurrent_state_noise = _map_up_to(cell.state_size, noise("state"), cell.state_size)
            self._recurrent_output_noise = _map_up_to(cell.output_size, noise("output"),
                                                      cell.output_size)

    @staticmethod
    def _keep_prob(value: Any, attr: str) -> Any:
        if isinstance(value, numbers.Real):
            constant = float(value)
        else:
            value = convert_to_tensor(value)
            constant = getattr(value, "_const_value", None)
            if constant is None:
                return value
            constant = float(constant)
        if not 0.0 <= constant <= 1.0:
            raise ValueError(f"Parameter {attr} must be between 0 and 1: {constant:g}")
        return constant

    @staticmethod
    def _should_drop(keep_prob: Any) -> bool:
        return not isinstance(keep_prob, float) or keep_prob < 1.0

    def _gen_seed(self, prefix: str, index: int) -> int | None:
        # TF1's derivation, so each dropped part draws its own reproducible stream.
        if self._seed is None:
            return None
        digest = hashlib.md5((str(self._seed) + f"{prefix}_{index}").encode("utf-8")).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _dropout(self, values: Any, prefix: str, noise: Any, keep_prob: Any,
                 shallow: Any = None) -> Any:
        shallow = values if shallow is None else shallow
        if not self._variational_recurrent:
            def drop(i: int, flag: Any, value: Any) -> Any:
                if isinstance(flag, bool) and not flag:
                    return value
                return dropout(value, keep_prob, seed=self._gen_seed(prefix, i))

            return _map_up_to(shallow, drop, values)

        def drop_variational(i: int, flag: Any, value: Any, mask_noise: Any) -> Any:
            if isinstance(flag, bool) and not flag:
                return value
            binary = gmath.floor(gmath.add(keep_prob, mask_noise))
            result = gmath.multiply(gmath.truediv(value, keep_prob), binary)
            result.set_shape(value.get_shape())
            return result

        return _map_up_to(shallow, drop_variational, values, noise)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> tuple[Any, Any]:
        if self._should_drop(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._recurrent_input_noise, self._input_keep_prob)
        output, new_state = self.cell(inputs, state, scope=scope)
        if self._should_drop(self._state_keep_prob):
            shallow = _shallow_filter(self._state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._recurrent_state_noise,
                                      self._state_keep_prob, shallow)
        if self._should_drop(self._output_keep_prob):
            output = self._dropout(output, "output", self._recurrent_output_noise,
                                   self._output_keep_prob)
        return output, new_state


class DeviceWrapper(RNNCellWrapper):
    """Places the wrapped cell's ops (and its zero state) on `device` (`tf.device`).

    Args:
        cell: the wrapped cell.
        device: a device string such as "/cpu:0" or "/gpu:0".
    """

    def __init__(self, cell: RNNCell, device: str, **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        """The wrapped cell's zero state, on the device."""
        from graphflow._scopes import device

        with get_default_graph().name_scope(type(self).__name__ + "ZeroState"), device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> tuple[Any, Any]:
        from graphflow._scopes import device

        with device(self._device):
            return self.cell(inputs, state, scope=scope)


class ResidualWrapper(RNNCellWrapper):
    """Adds the cell's inputs to its outputs (`residual_fn(inputs, outputs)` when given).

    Args:
        cell: the wrapped cell (its output must have the inputs' structure and size).
        residual_fn: `fn(inputs, outputs) -> outputs`; default: elementwise sum.
    """

    def __init__(self, cell: RNNCell, residual_fn: Callable[[Any, Any], Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs: Any, state: Any, scope: Any) -> tuple[Any, Any]:
        outputs, new_state = self.cell(inputs, state, scope=scope)

        def default_residual(inputs: Any, outputs: Any) -> Any:
            nest.assert_same_structure(inputs, outputs)
            return nest.map_structure(lambda i, o: gmath.add(i, o), inputs, outputs)

        return (self._residual_fn or default_residual)(inputs, outputs), new_state
