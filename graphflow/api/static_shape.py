"""The static shape a 1-D shape tensor describes, as far as the graph tells (TF1's
`tensor_util.constant_value_as_shape`): what shape-taking ops (Reshape, Fill and so `tf.zeros`,
BroadcastTo, SumToShape) give their output before anything runs.

A shape tensor is rarely a constant: `tf.stack([tf.shape(x)[0], 128])` is TF1's idiom for "the
batch, and 128", and TF1 infers [?, 128] from it, which a `tf.while_loop` shape invariant of
[None, 128] then accepts. Each dimension is known where its own piece is: a constant, a static
dimension of a `tf.shape`, a `Pack` of scalars, a `ConcatV2` of such vectors, a `Cast` of one, a
`StridedSlice` of a `tf.shape` with constant bounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework.tensor import Tensor
from graphflow.framework.tensor_shape import TensorShape


def _constant(tensor: Tensor) -> np.ndarray | None:
    value = tensor._const_value  # noqa: SLF001 - the graph's own constant propagation
    return None if value is None else np.asarray(value)


def _dims_or_none(value: np.ndarray) -> list[int | None]:
    return [None if int(d) < 0 else int(d) for d in value.reshape(-1)]


def _scalar_dim(tensor: Tensor) -> int | None:
    """A scalar piece of a shape: its constant value, or the static dimension a
    `tf.shape(t)[i]` picks; None where neither is known (or the value is -1)."""
    value = _constant(tensor)
    if value is not None:
        return None if int(value) < 0 else int(value)
    op = tensor.op
    if op.type != "StridedSlice" or op.inputs[0].op.type != "Shape" \
            or op.get_attr("shrink_axis_mask") != 1:
        return None
    index = _constant(op.inputs[1])
    dims = op.inputs[0].op.inputs[0].shape.dims
    if index is None or dims is None or not -len(dims) <= int(index.reshape(-1)[0]) < len(dims):
        return None
    return dims[int(index.reshape(-1)[0])]


def _sliced_shape(op: Any) -> TensorShape | None:
    """A StridedSlice of a `tf.shape` with constant bounds and no masks but shrink-free ones:
    the slice of the source's static shape."""
    source, begin, end, strides = op.inputs
    if source.op.type != "Shape" or any(op.get_attr(mask) for mask in (
            "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")):
        return None
    bounds = [_constant(t) for t in (begin, end, strides)]
    dims = source.op.inputs[0].shape.dims
    if dims is None or any(b is None or b.size != 1 for b in bounds):
        return None
    start, stop, step = (int(b.reshape(-1)[0]) for b in bounds)
    start = None if op.get_attr("begin_mask") & 1 else start
    stop = None if op.get_attr("end_mask") & 1 else stop
    return TensorShape(list(dims)[slice(start, stop, step)])


def constant_value_as_shape(tensor: Tensor) -> TensorShape:
    """The shape `tensor` (a 1-D int tensor, or a scalar -1 for an unknown rank) describes, with
    None where a dimension is not known before running.

    Returns:
        A TensorShape, of unknown rank where even the rank is not known.
    """
    if tensor.shape.ndims == 0:
        value = _constant(tensor)
        return TensorShape(None) if value is None or int(value) == -1 else TensorShape([])
    length = tensor.shape.dims[0] if tensor.shape.ndims == 1 else None
    op = tensor.op
    value = _constant(tensor)
    if value is not None:
        return TensorShape(_dims_or_none(value))
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Cast":
        return constant_value_as_shape(op.inputs[0])
    if op.type == "Pack" and op.get_attr("axis") == 0:
        return TensorShape([_scalar_dim(piece) for piece in op.inputs])
    if op.type == "ConcatV2":  # graphflow keeps the axis as an attribute, not an input
        shape = TensorShape([])
        for piece in op.inputs:
            part = constant_value_as_shape(piece)
            if part.ndims is None:
                return TensorShape([None] * length if length is not None else None)
            shape = shape.concatenate(part)
        return shape
    if op.type == "StridedSlice":
        sliced = _sliced_shape(op)
        if sliced is not None:
            return sliced
    return TensorShape([None] * length if length is not None else None)
