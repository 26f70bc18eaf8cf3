"""Shared pieces of layer configs: serializing the initializer/regularizer/constraint/activation
arguments the way Keras 2 writes them (None stays None)."""

from __future__ import annotations

from typing import Any

from graphflow.keras import activations, constraints, initializers, regularizers


def ser_initializer(value: Any) -> Any:
    """Keras 2's `{'class_name': 'GlorotUniform', 'config': {...}}`."""
    return None if value is None else initializers.serialize(value)


def ser_regularizer(value: Any) -> Any:
    """`{'class_name': 'L1L2', 'config': {...}}` or None."""
    return None if value is None else regularizers.serialize(value)


def ser_constraint(value: Any) -> Any:
    """`{'class_name': 'MaxNorm', 'config': {...}}` or None."""
    return None if value is None else constraints.serialize(value)


def ser_activation(value: Any) -> Any:
    """The activation's Keras 2 name (`'relu'`, `'linear'`)."""
    return activations.serialize(value)


def normalize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """`value` (an int or n ints) as a tuple of n ints.

    Raises:
        ValueError: naming the argument when the count is wrong.
    """
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
    return value


def conv_output_length(length: int | None, kernel: int, padding: str, stride: int, dilation: int = 1) -> Any:
    """The output length of a convolution or pooling along one axis (None stays None)."""
    if length is None:
        return None
    dilated = kernel + (kernel - 1) * (dilation - 1)
    if padding == "same":
        out = length
    elif padding == "valid":
        out = length - dilated + 1
    elif padding == "causal":
        out = length
    else:
        out = length + dilated - 1
    return (out + stride - 1) // stride
