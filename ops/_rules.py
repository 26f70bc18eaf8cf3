"""Shared shape/dtype rules used by many op definitions (broadcasting, same-dtype checks, axes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework.tensor_shape import TensorShape, format_dims

from .registry import Spec


def broadcast_dims(a: TensorShape, b: TensorShape) -> TensorShape:
    """Numpy broadcasting of two static shapes; unknown dims stay unknown.

    Raises:
        ValueError: "Dimensions must be equal, but are 3 and 4" when they cannot broadcast.
    """
    if a.dims is None or b.dims is None:
        return TensorShape(None)
    x, y = list(a.dims), list(b.dims)
    n = max(len(x), len(y))
    x = [1] * (n - len(x)) + x
    y = [1] * (n - len(y)) + y
    out: list[int | None] = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None or q is None:
            out.append(p if q is None else q)
        elif p == q:
            out.append(p)
        else:
            raise ValueError(f"Dimensions must be equal, but are {p} and {q}")
    return TensorShape(out)


def same_dtype(inputs: Sequence[Spec], what: str = "inputs") -> None:
    """TF1 never promotes: all inputs must share one dtype.

    Raises:
        TypeError: naming both dtypes.
    """
    first = inputs[0].dtype
    for s in inputs[1:]:
        if s.dtype != first:
            raise TypeError(
                f"Input dtypes must match, but got {first.name} and {s.dtype.name} for {what}"
            )


def normalize_axes(axis: Any, rank: int | None) -> tuple[int, ...] | None:
    """Axis attribute (None, int or list, negatives allowed) -> sorted tuple, or None = all.

    Raises:
        ValueError: for an axis outside [-rank, rank).
    """
    if axis is None:
        return None if rank is None else tuple(range(rank))
    axes = [int(a) for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    if rank is None:
        if any(a < 0 for a in axes):
            return None
        return tuple(sorted(set(axes)))
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"Invalid reduction dimension {a} for input with {rank} dimensions")
    return tuple(sorted({a % rank for a in axes}))


def shapes_text(inputs: Sequence[Spec]) -> str:
    """`[2,3], [4,5]`: the input shapes as TF1 prints them in shape errors."""
    return ", ".join(format_dims(s.dims) for s in inputs)


def unknown_dims_of(shape_tensor: Spec) -> TensorShape:
    """The shape a 1-D shape tensor (as fed to Reshape, Fill, ...) describes when its value is
    unknown: one unknown dim per entry, or unknown rank when its length is unknown too."""
    n = shape_tensor.dims[0] if shape_tensor.dims else None
    return TensorShape(None if n is None else [None] * n)


def described_shape(shape_tensor: Spec) -> TensorShape:
    """The shape a 1-D shape tensor describes: its value when known at build time, otherwise
    `unknown_dims_of` it."""
    if shape_tensor.value is None:
        return unknown_dims_of(shape_tensor)
    return TensorShape([int(d) for d in np.reshape(shape_tensor.value, -1)])


def sibling(op: Any, op_type: str, inputs: Sequence[Any], keys: Sequence[str]) -> Any:
    """The output of a new op of `op_type` on `inputs` carrying `op`'s attributes `keys`: the
    gradients of op families (a convolution and its backprops, pooling, resizing) are the
    family's other ops with the same geometry."""
    attrs = {k: op.get_attr(k) for k in keys}
    return op.graph.create_op(op_type, list(inputs), attrs).outputs[0]


def shape_of(tensor: Any) -> Any:
    """`tf.shape(tensor)`, for gradients that need a runtime shape."""
    from graphflow.api.array import shape

    return shape(tensor)
