"""Slicing: Slice (begin/size) and StridedSlice (TF1's masks), with their gradient ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import unknown_dims_of
from .registry import OpDef, Sample, Spec, register

_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def strided_index(begin: Any, end: Any, strides: Any, attrs: dict, rank: int) -> tuple:
    """The numpy index equivalent to a StridedSlice of a rank-`rank` tensor.

    Raises:
        ValueError: for a zero stride or several ellipses.
    """
    begin, end, strides = (np.asarray(v).reshape(-1).tolist() for v in (begin, end, strides))
    masks = {m: int(attrs.get(m, 0)) for m in _MASKS}
    if bin(masks["ellipsis_mask"]).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    n = len(begin)
    consumed = sum(1 for i in range(n) if not (masks["new_axis_mask"] >> i) & 1
                   and not (masks["ellipsis_mask"] >> i) & 1)
    index: list[Any] = []
    for i in range(n):
        bit = 1 << i
        if masks["ellipsis_mask"] & bit:
            index.extend([slice(None)] * max(rank - consumed, 0))
        elif masks["new_axis_mask"] & bit:
            index.append(None)
        elif masks["shrink_axis_mask"] & bit:
            index.append(int(begin[i]))
        else:
            if strides[i] == 0:
                raise ValueError("strides must be non-zero")
            b = None if masks["begin_mask"] & bit else int(begin[i])
            e = None if masks["end_mask"] & bit else int(end[i])
            index.append(slice(b, e, int(strides[i])))
    return tuple(index)


def _index_dims(index: tuple, dims: tuple) -> list[int | None]:
    out: list[int | None] = []
    axis = 0
    for item in index:
        if item is None:
            out.append(1)
            continue
        d = dims[axis] if axis < len(dims) else None
        axis += 1
        if isinstance(item, int):
            if d is not None and not -d <= item < d:
                raise ValueError(f"slice index {item} of dimension {axis - 1} out of bounds")
            continue
        out.append(None if d is None else len(range(*item.indices(d))))
    out.extend(dims[axis:])
    return out


def _dims_with_runtime_bounds(x: Any, begin: Any, strides: Any, attrs: dict) -> list | None:
    """The shape TF1 still knows when the slice bounds are computed at run time (`x[i]` in a
    loop): shrunk dims vanish, dims sliced whole (both masks) keep their size divided by the
    stride, an ellipsis keeps the dims it covers, a new axis is 1, dims past the spec are
    untouched, the others are unknown. None (unknown rank) when the spec's length, the strides
    or the input's rank are unknown."""
    masks = {m: int(attrs.get(m, 0)) for m in _MASKS}
    if (x.dims is None or begin.dims is None or len(begin.dims) != 1 or begin.dims[0] is None
            or strides.value is None):
        return None
    spec = begin.dims[0]
    bit = lambda mask, j: masks[mask] >> j & 1  # noqa: E731
    consumed = sum(1 for j in range(spec) if not bit("ellipsis_mask", j) and not bit("new_axis_mask", j))
    dims: list = []
    at = 0
    for j in range(spec):
        if bit("ellipsis_mask", j):
            covered = max(len(x.dims) - consumed, 0)
            dims += x.dims[at:at + covered]
            at += covered
        elif bit("new_axis_mask", j):
            dims.append(1)
        else:
            if at >= len(x.dims):
                return None
            d, at = x.dims[at], at + 1
            if bit("shrink_axis_mask", j):
                continue
            whole = bit("begin_mask", j) and bit("end_mask", j)
            step = abs(int(np.asarray(strides.value).reshape(-1)[j]))
            dims.append(-(-d // step) if whole and d is not None and step else None)
    return dims + list(x.dims[at:])


@register
class StridedSlice(OpDef):
    """x[begin:end:strides] with TF1's begin/end/ellipsis/new_axis/shrink_axis masks."""

    type = "StridedSlice"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1, 2, 3)
    defaults = dict.fromkeys(_MASKS, 0)
    aliases_input = True

    def infer(self, inputs, attrs):
        x, begin, end, strides = inputs
        if x.dims is None or begin.value is None or end.value is None or strides.value is None:
            return [Spec(TensorShape(_dims_with_runtime_bounds(x, begin, strides, attrs)), x.dtype)]
        index = strided_index(begin.value, end.value, strides.value, attrs, x.rank)
        if sum(1 for i in index if i is not None) > x.rank:
            raise ValueError(f"Index out of range using input dim {x.rank}")
        dims = _index_dims(index, x.dims)
        value = None if x.value is None else np.asarray(x.value[index])
        return [Spec(TensorShape(dims), x.dtype, value)]

    def reference(self, attrs, x, begin, end, strides):
        return np.asarray(x)[strided_index(begin, end, strides, attrs, np.ndim(x))]

    def grad(self, op, dy):
        from graphflow.api._build import out
        from graphflow.api.array import shape

        x, begin, end, strides = op.inputs
        dx = out("StridedSliceGrad", [shape(x), begin, end, strides, dy], dict(op.attrs))
        return [dx, None, None, None]

    def samples(self, rng):
        b = lambda *v: np.array(v, np.int32)  # noqa: E731
        x = rng.normal(size=(4, 5, 3))
        return [Sample([x, b(1, 0), b(3, 5), b(1, 2)]),
                Sample([x, b(-1, 0), b(0, 0), b(-1, 1)], {"end_mask": 1, "begin_mask": 2}),
                Sample([x, b(0, 1), b(0, 2), b(1, 1)], {"ellipsis_mask": 1}),
                Sample([x, b(2, 0, 0), b(3, 0, 2), b(1, 1, 1)],
                       {"shrink_axis_mask": 1, "new_axis_mask": 2, "end_mask": 0})]


@register
class StridedSliceGrad(OpDef):
    """Zeros of `shape` with dy scattered into the strided slice (the gradient of StridedSlice)."""

    type = "StridedSliceGrad"
    kernels = {"cuda": "graphflow.cuda.layout:build_strided_slice_grad"}
    host_arguments = (0, 1, 2, 3)
    defaults = dict.fromkeys(_MASKS, 0)

    def infer(self, inputs, attrs):
        shape, _, _, _, dy = inputs
        if shape.value is None:
            return [Spec(unknown_dims_of(shape), dy.dtype)]
        return [Spec(TensorShape([int(d) for d in shape.value]), dy.dtype)]

    def reference(self, attrs, shape, begin, end, strides, dy):
        shape = tuple(int(d) for d in shape)
        dx = np.zeros(shape, np.asarray(dy).dtype)
        dx[strided_index(begin, end, strides, attrs, len(shape))] = dy
        return dx

    def grad(self, op, ddx):
        from graphflow.api._build import out

        _, begin, end, strides, _ = op.inputs
        return [None, None, None, None,
                out("StridedSlice", [ddx, begin, end, strides], dict(op.attrs))]

    def samples(self, rng):
        b = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([b(4, 3), b(1, 0), b(4, 3), b(2, 1), rng.normal(size=(2, 3))])]


@register
class Slice(OpDef):
    """x[begin : begin + size] per dimension; a size of -1 means "to the end" (`tf.slice`)."""

    type = "Slice"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1, 2)
    aliases_input = True

    def infer(self, inputs, attrs):
        x, begin, size = inputs
        if x.dims is None or begin.value is None or size.value is None:
            return [Spec(unknown_dims_of(size), x.dtype)]
        dims = []
        for d, b, s in zip(x.dims, begin.value.tolist(), size.value.tolist()):
            if s == -1:
                dims.append(None if d is None else d - b)
            else:
                if d is not None and b + s > d:
                    raise ValueError(f"Expected size[i] in [0, {d - b}], but got {s}")
                dims.append(s)
        return [Spec(TensorShape(dims), x.dtype)]

    def reference(self, attrs, x, begin, size):
        index = tuple(slice(int(b), None if int(s) == -1 else int(b) + int(s))
                      for b, s in zip(begin, size))
        return np.asarray(x)[index]

    def grad(self, op, dy):
        from graphflow.api.array import shape
        from graphflow.api.indexing import pad, stack

        x, begin, _ = op.inputs
        after = shape(x) - shape(dy) - begin
        return [pad(dy, stack([begin, after], axis=1)), None, None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(4, 5)), np.array([1, 2], np.int32),
                        np.array([2, -1], np.int32)])]
