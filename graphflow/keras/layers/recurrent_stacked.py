"""`StackedRNNCells`: several recurrent cells run as one (`keras.layers.RNN([cell_1, cell_2])`):
each step feeds a cell's output to the next cell; the states are every cell's states in order.
Weights live under `<rnn>/stacked_rnn_cells/<cell>/` (`rnn/stacked_rnn_cells/lstm_cell/kernel:0`)
as in tf_keras."""

from __future__ import annotations

from typing import Any

from graphflow.framework.graph import get_default_graph
from graphflow.keras.engine.base_layer import Layer, to_snake_case
from graphflow.keras.layers.recurrent_cells import _Cell


def state_sizes(cell: Any) -> list[int]:
    """A cell's state sizes as a flat list (a custom cell may give one int)."""
    size = cell.state_size
    return [int(s) for s in size] if isinstance(size, (list, tuple)) else [int(size)]


def _output_size(cell: Any) -> int:
    return int(getattr(cell, "output_size", None) or getattr(cell, "units", None) or state_sizes(cell)[0])


def cell_step(cell: Any, training: Any) -> Any:
    """`step(inputs, states) -> (output, new_states)` of a built-in cell, or of a custom Keras cell
    through its `call(inputs, states)`."""
    if isinstance(cell, _Cell):
        return cell.step
    import inspect
    takes_training = "training" in inspect.signature(cell.call).parameters

    def step(x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        kwargs = {"training": training} if takes_training and training is not None else {}
        output, new_states = cell.call(x, list(states), **kwargs)
        return output, list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
    return step


class StackedRNNCells(Layer):
    """Wraps a list of cells into one cell (the first cell reads the inputs).

    Args:
        cells: the cells, bottom first.

    Raises:
        ValueError: an empty list.
    """

    def __init__(self, cells: list[Any], **kwargs: Any) -> None:
        if not cells:
            raise ValueError("StackedRNNCells needs at least one cell.")
        super().__init__(name=kwargs.pop("name", None) or "stacked_rnn_cells", **kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> list[int]:
        return [size for cell in self.cells for size in state_sizes(cell)]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    @property
    def _layers(self) -> list[Layer]:
        return list(self.cells)

    @property
    def trainable_weights(self) -> list[Any]:
        return [w for cell in self.cells for w in cell.trainable_weights] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Any]:
        if not self.trainable:
            return [w for cell in self.cells for w in cell.weights]
        return [w for cell in self.cells for w in cell.non_trainable_weights]

    @property
    def losses(self) -> list[Any]:
        return [loss for cell in self.cells for loss in cell.losses]

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        for cell in self.cells:
            with get_default_graph().name_scope(to_snake_case(type(cell).__name__)):
                cell.build(shape)
            cell.built = True
            shape = shape[:1] + (_output_size(cell),)
        self.built = True

    def split_states(self, states: list[Any]) -> list[list[Any]]:
        """The flat states cut into each cell's states."""
        parts, start = [], 0
        for cell in self.cells:
            count = len(state_sizes(cell))
            parts.append(list(states[start:start + count]))
            start += count
        return parts

    def make_dropout_masks(self, first_input: Any, states: list[Any], training: Any) -> None:
        """Draws each built-in cell's dropout masks (a cell's input is the previous cell's output,
        shaped like that cell's first state)."""
        inputs = first_input
        for cell, cell_states in zip(self.cells, self.split_states(states)):
            if isinstance(cell, _Cell):
                cell.make_dropout_masks(inputs, cell_states[0], training)
            inputs = cell_states[0]

    def clear_dropout_masks(self) -> None:
        for cell in self.cells:
            if isinstance(cell, _Cell):
                cell._dropout_masks = (None, None)

    def stepper(self, training: Any) -> Any:
        """The stacked step: every cell in turn, each reading the previous cell's output."""
        steps = [cell_step(cell, training) for cell in self.cells]

        def step(x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
            new_states: list[Any] = []
            for cell_step_fn, cell_states in zip(steps, self.split_states(states)):
                x, cell_new = cell_step_fn(x, cell_states)
                new_states.extend(cell_new)
            return x, new_states
        return step

    def get_config(self) -> dict[str, Any]:
        from graphflow.keras.layers import serialize
        return {**super().get_config(), "cells": [serialize(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Layer:
        from graphflow.keras.layers import deserialize
        config = dict(config)
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
