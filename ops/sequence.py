"""Index-producing ops: Range (`tf.range`), OneHot (`tf.one_hot`), Where (coordinates of true
elements, `tf.where(cond)`). None of them is differentiable."""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from ._rules import same_dtype
from .registry import OpDef, Sample, Spec, register


def range_length(start: float, limit: float, delta: float) -> int:
    """The number of elements of Range(start, limit, delta).

    Raises:
        ValueError: for a zero delta or a limit on the wrong side of start.
    """
    if delta == 0:
        raise ValueError("Requires delta != 0")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise ValueError(f"Requires start <= limit when delta > 0 (or >= when delta < 0): "
                         f"start={start}, limit={limit}, delta={delta}")
    return int(np.ceil(abs((limit - start) / delta)))


@register
class Range(OpDef):
    """[start, start + delta, ...) up to `limit` (exclusive); all three are scalars of one dtype."""

    type = "Range"
    kernels = {"cuda": "graphflow.cuda.sequence:build_range"}
    value_shaped = True
    differentiable = False

    def infer(self, inputs, attrs):
        same_dtype(inputs, "Range")
        dtype = inputs[0].dtype
        values = [s.value for s in inputs]
        if any(v is None for v in values):
            return [Spec(TensorShape([None]), dtype)]
        value = self.reference(attrs, *values)
        return [Spec(TensorShape([len(value)]), dtype, value)]

    def reference(self, attrs, start, limit, delta):
        start, limit, delta = (np.asarray(v)[()] for v in (start, limit, delta))
        n = range_length(start, limit, delta)
        return (start + delta * np.arange(n)).astype(np.asarray(start).dtype)

    def samples(self, rng):
        return [Sample([np.array(1, np.int32), np.array(10, np.int32), np.array(3, np.int32)]),
                Sample([np.array(2.0), np.array(-1.0), np.array(-0.5)], check_grad=False)]


@register
class OneHot(OpDef):
    """`on_value` where the position along the new `axis` equals the index, else `off_value`;
    indices outside [0, depth) give an all-off row (as TF)."""

    type = "OneHot"
    kernels = {"cuda": "graphflow.cuda.one_hot:build_one_hot"}
    host_arguments = (1,)
    defaults = {"axis": -1}
    differentiable = False

    def infer(self, inputs, attrs):
        indices, depth, on, off = inputs
        if not indices.dtype.is_integer:
            raise TypeError(f"OneHot indices must be integers, got {indices.dtype.name}")
        same_dtype([on, off], "OneHot on_value/off_value")
        d = None if depth.value is None else int(depth.value)
        if indices.dims is None:
            return [Spec(TensorShape(None), on.dtype)]
        axis = attrs.get("axis", -1)
        dims = list(indices.dims)
        dims.insert(len(dims) if axis == -1 else axis, d)
        return [Spec(TensorShape(dims), on.dtype)]

    def reference(self, attrs, indices, depth, on, off):
        indices = np.asarray(indices)
        hot = indices[..., None] == np.arange(int(depth))
        out = np.where(hot, np.asarray(on), np.asarray(off)).astype(np.asarray(on).dtype)
        axis = attrs.get("axis", -1)
        return out if axis == -1 else np.moveaxis(out, -1, axis)

    def samples(self, rng):
        one, zero = np.array(1.0), np.array(0.0)
        return [Sample([np.array([0, 2, -1, 1], np.int32), np.array(3, np.int32), one, zero],
                       check_grad=False),
                Sample([np.array([[1, 0]], np.int64), np.array(2, np.int32), np.array(5.0),
                        np.array(-1.0)], {"axis": 0}, check_grad=False)]


@register
class Where(OpDef):
    """The coordinates of the true (non-zero) elements: int64 of shape [n, rank], row-major."""

    type = "Where"
    kernels = {"cuda": "graphflow.cuda.sequence:build_where"}
    value_shaped = True
    differentiable = False

    def infer(self, inputs, attrs):
        x = inputs[0]
        return [Spec(TensorShape([None, x.rank]), dtypes.int64)]

    def reference(self, attrs, x):
        return np.argwhere(np.asarray(x)).astype(np.int64)

    def samples(self, rng):
        return [Sample([np.array([[True, False, True], [False, False, True]])], check_grad=False),
                Sample([np.array([0.0, 1.5, 0.0])], check_grad=False)]
