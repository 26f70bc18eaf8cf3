"""What every `tf.layers` function shares: the variable scope that names its variables
(`dense/kernel`, `conv2d_1/bias`, made unique per graph as TF1 does), activation,
and activity regularization."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor
from graphflow.framework.variable_scope import get_variable, variable_scope


@contextlib.contextmanager
def layer_scope(name: str | None, default: str, reuse: Any) -> Iterator[Any]:
    """The layer's variable scope (its name scope too): `name`, or `default` made unique."""
    with variable_scope(name, default_name=default, reuse=reuse) as scope:
        yield scope


def weight(name: str, shape: list[int], dtype: Any, initializer: Any, regularizer: Any,
           trainable: bool, constraint: Any = None) -> Any:
    """A layer variable, created (or reused) in the current layer scope."""
    return get_variable(name, shape, dtype, initializer=initializer, regularizer=regularizer,
                        trainable=trainable, constraint=constraint)


def finish(outputs: Tensor, activation: Any, activity_regularizer: Any) -> Tensor:
    """Applies the activation and records the activity penalty, if any."""
    if activation is not None:
        outputs = activation(outputs)
    if activity_regularizer is not None:
        penalty = activity_regularizer(outputs)
        if penalty is not None:
            get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
    return outputs


def data_format_of(data_format: str) -> str:
    """'channels_last' -> 'NHWC', 'channels_first' -> 'NCHW'.

    Raises:
        ValueError: for another value.
    """
    formats = {"channels_last": "NHWC", "channels_first": "NCHW"}
    if data_format not in formats:
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got "
                         f"{data_format!r}")
    return formats[data_format]


def pair(value: Any, what: str) -> tuple[int, int]:
    """An int or a pair of ints as a pair."""
    if isinstance(value, int):
        return value, value
    values = tuple(int(v) for v in value)
    if len(values) != 2:
        raise ValueError(f"{what} must be an int or 2 ints, got {value!r}")
    return values


def padding_of(padding: str) -> str:
    if padding.lower() not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
    return padding.upper()
