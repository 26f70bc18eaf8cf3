"""Reductions over static axes: Sum, Mean, Max, Min, Prod, Any, All, and ArgMax/ArgMin.

Axes are attributes (`axis`: None = all, int or list; `keepdims`), resolved when the graph is
built, as every TF1 program passes Python or constant axes.

An empty reduction (over an axis of length 0) gives TF1's identity of the op, where numpy
raises or warns: Sum 0, Prod 1, Max the dtype's lowest value (-inf for floats), Min its
highest (+inf), Mean NaN for floats and 0 for integers, Any False, All True. Reducing over no
axes (`axis=[]`) returns the input unchanged.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from ._rules import normalize_axes
from .registry import MAX_PROPAGATED_ELEMENTS, OpDef, Sample, Spec, register


def reduced_shape(shape: TensorShape, axes: tuple[int, ...] | None, keepdims: bool) -> TensorShape:
    if shape.dims is None or axes is None:
        return TensorShape(None)
    if keepdims:
        return TensorShape([1 if i in axes else d for i, d in enumerate(shape.dims)])
    return TensorShape([d for i, d in enumerate(shape.dims) if i not in axes])


class _Reduce(OpDef):
    defaults = {"axis": None, "keepdims": False}
    kinds = "fiu"
    np_fn = staticmethod(np.sum)

    def axes(self, spec: Spec, attrs) -> tuple[int, ...] | None:
        return normalize_axes(attrs.get("axis"), spec.rank)

    def infer(self, inputs, attrs):
        x = inputs[0]
        if x.dtype.np.kind not in self.kinds:
            raise TypeError(f"{self.type} does not support dtype {x.dtype.name}")
        axes = self.axes(x, attrs)
        shape = reduced_shape(x.shape, axes, attrs.get("keepdims", False))
        value = None
        if x.value is not None and x.value.size <= MAX_PROPAGATED_ELEMENTS:
            value = np.asarray(self.reference(attrs, x.value))
        return [Spec(shape, self.out_dtype(x), value)]

    def out_dtype(self, x: Spec) -> dtypes.DType:
        return x.dtype

    def reference(self, attrs, x):
        x = np.asarray(x)
        axes = normalize_axes(attrs.get("axis"), x.ndim)
        keepdims = attrs.get("keepdims", False)
        if x.size == 0:  # numpy raises (max, min) or warns (mean): TF1's identities instead
            shape = np.sum(x, axis=axes, keepdims=keepdims).shape
            return np.full(shape, self.empty_value(x.dtype), dtype=self.out_dtype_np(x))
        out = self.np_fn(x, axis=axes, keepdims=keepdims)
        return np.asarray(out, dtype=self.out_dtype_np(x))

    def out_dtype_np(self, x):
        return x.dtype

    def empty_value(self, dtype: np.dtype) -> float | int | bool:
        """The result of reducing no elements of `dtype` (TF1's value)."""
        return 0

    def samples(self, rng):
        if self.kinds == "b":
            x = rng.random((3, 4)) > 0.3
            return [Sample([x], {"axis": 1}, check_grad=False), Sample([x], check_grad=False)]
        # distinct values, away from zero: no ties for Max/Min, no zeros for Prod
        x = rng.permutation(np.arange(1, 25)).reshape(2, 3, 4) / 8.0 * rng.choice([-1, 1], (2, 3, 4))
        return [Sample([x]), Sample([x], {"axis": 1}), Sample([x], {"axis": [0, -1],
                                                                  "keepdims": True}),
                Sample([rng.normal(size=(2, 3, 2, 4))], {"axis": [1, 2]}),  # global pooling
                Sample([rng.normal(size=(3, 2, 4))], {"axis": [0, 1], "keepdims": True}),
                Sample([rng.normal(size=(5,)) + 3.0], {"axis": 0}),
                Sample([np.arange(6, dtype=np.int32).reshape(2, 3)], {"axis": 0},
                       check_grad=False)]

    def _grad_broadcast(self, op, dy):
        """dy reshaped to keepdims form and broadcast back to x's shape (as tensors)."""
        from graphflow.api import array

        x = op.inputs[0]
        rank = x.shape.ndims
        if op.get_attr("keepdims"):
            return array.broadcast_to(dy, array.shape(x))
        if rank is not None:  # static fast path: a view with size-1 dims inserted
            axes = normalize_axes(op.get_attr("axis"), rank)
            dy = op.graph.create_op("RestoreReducedDims", [dy], {"axes": axes, "rank": rank}).outputs[0]
        else:  # unknown rank: the keepdims shape is computed from x's shape at run time (as TF)
            kept = op.graph.create_op("ReducedShape", [array.shape(x)],
                                      {"axis": op.get_attr("axis")}).outputs[0]
            dy = array.reshape(dy, kept)
        return array.broadcast_to(dy, array.shape(x))


def middle_axes_kernel(node, mean: bool):
    """A CPU kernel for a Sum or Mean of float data over consecutive axes that leave the last
    axis alone (global average pooling, a bias gradient): a numba row sum over the [outer,
    middle, inner] view, bit for bit numpy's (which adds such rows in the same order); None
    (numpy's reduction) for other axes, dtypes or unknown shapes."""
    spec = node.in_specs[0]
    dims = spec.shape.dims if spec.rank is not None else None
    if dims is None or any(d is None for d in dims) or spec.dtype.np not in (
            np.dtype(np.float32), np.dtype(np.float64)):
        return None
    axes = sorted(normalize_axes(node.attrs.get("axis"), len(dims)) or ())
    if (not axes or axes != list(range(axes[0], axes[-1] + 1)) or axes[-1] == len(dims) - 1
            or 0 in dims):
        return None
    from ._sum_rows_numba import sum_middle

    outer = int(np.prod(dims[: axes[0]], dtype=np.int64))
    middle = int(np.prod(dims[axes[0]: axes[-1] + 1], dtype=np.int64))
    inner = int(np.prod(dims[axes[-1] + 1:], dtype=np.int64))
    out_shape = tuple(node.out_specs[0].shape.as_list())
    dtype = spec.dtype.np

    def kernel(x):
        x = np.ascontiguousarray(x, dtype)
        out = np.empty((outer, inner), dtype)
        sum_middle(x.reshape(outer, middle, inner), out)
        if mean:
            np.true_divide(out, middle, out=out)  # numpy's mean: the sum over the count
        return out.reshape(out_shape)

    return kernel


@register
class Sum(_Reduce):
    type = "Sum"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.sum)

    def cpu_kernel(self, node):
        return middle_axes_kernel(node, mean=False)

    def grad(self, op, dy):
        return [self._grad_broadcast(op, dy)]


@register
class Mean(_Reduce):
    type = "Mean"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.mean)

    def cpu_kernel(self, node):
        return middle_axes_kernel(node, mean=True)

    def empty_value(self, dtype):
        return np.nan if dtype.kind == "f" else 0  # TF1: 0 / 0 is NaN in floats, 0 in integers

    def grad(self, op, dy):
        from graphflow.api import array, math

        x = op.inputs[0]
        count = math.cast(array.size(x), x.dtype) / math.cast(array.size(op.outputs[0]), x.dtype)
        return [self._grad_broadcast(op, dy) / count]


@register
class Prod(_Reduce):
    type = "Prod"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.prod)

    def empty_value(self, dtype):
        return 1

    def grad(self, op, dy):
        # d prod / dx_i = prod / x_i; exact for inputs without zeros (as TF's fast path).
        from graphflow.api import math

        x = op.inputs[0]
        y = _Reduce._grad_broadcast(self, op, op.outputs[0])
        return [self._grad_broadcast(op, dy) * math.div_no_nan(y, x)]


class _Extremum(_Reduce):
    def grad(self, op, dy):
        # The gradient is split evenly between tied extrema, as TF does.
        from graphflow.api import math

        x = op.inputs[0]
        y = self._grad_broadcast(op, op.outputs[0])
        mask = math.cast(math.equal(x, y), x.dtype)
        count = self._grad_broadcast(op, math.reduce_sum(mask, axis=op.get_attr("axis"),
                                                         keepdims=op.get_attr("keepdims")))
        return [mask * self._grad_broadcast(op, dy) / count]


@register
class Max(_Extremum):
    type = "Max"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.max)

    def empty_value(self, dtype):
        return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


@register
class Min(_Extremum):
    type = "Min"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.min)

    def empty_value(self, dtype):
        return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


class _Logical(_Reduce):
    kinds = "b"
    differentiable = False


@register
class Any(_Logical):
    type = "Any"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.any)

    def empty_value(self, dtype):
        return False


@register
class All(_Logical):
    type = "All"
    kernels = {"cuda": "graphflow.cuda.reduce:build_reduction"}
    np_fn = staticmethod(np.all)

    def empty_value(self, dtype):
        return True


class _ArgReduce(OpDef):
    defaults = {"axis": 0, "output_type": dtypes.int64}
    differentiable = False
    np_fn = staticmethod(np.argmax)

    def infer(self, inputs, attrs):
        x = inputs[0]
        axis = attrs["axis"]
        out = attrs.get("output_type", dtypes.int64)
        if x.rank is None:
            return [Spec(TensorShape(None), out)]
        if not -x.rank <= axis < max(x.rank, 1):
            raise ValueError(f"Expected dimension in the range [{-x.rank}, {x.rank}), but got {axis}")
        axis %= max(x.rank, 1)
        return [Spec(TensorShape([d for i, d in enumerate(x.dims) if i != axis]), out)]

    def reference(self, attrs, x):
        out = attrs.get("output_type", dtypes.int64)
        return np.asarray(self.np_fn(x, axis=attrs["axis"]), dtype=out.np)

    def samples(self, rng):
        x = rng.normal(size=(3, 4))
        return [Sample([x], {"axis": 1}), Sample([x], {"axis": 0, "output_type": dtypes.int32}),
                Sample([rng.normal(size=(5,))], {"axis": -1})]


@register
class ArgMax(_ArgReduce):
    type = "ArgMax"
    kernels = {"cuda": "graphflow.cuda.reduce:build_arg_reduction"}
    np_fn = staticmethod(np.argmax)


@register
class ArgMin(_ArgReduce):
    type = "ArgMin"
    kernels = {"cuda": "graphflow.cuda.reduce:build_arg_reduction"}
    np_fn = staticmethod(np.argmin)


@register
class RestoreReducedDims(OpDef):
    """Inserts size-1 dims at `axes` of a reduction's output (the keepdims form), for gradients."""

    type = "RestoreReducedDims"
    kernels = {"cuda": "graphflow.cuda.views:build_reshape"}
    aliases_input = True

    def infer(self, inputs, attrs):
        dims = inputs[0].dims
        if dims is None:
            return [Spec(TensorShape([None] * attrs["rank"]), inputs[0].dtype)]
        it = iter(dims)
        return [Spec(TensorShape([1 if i in attrs["axes"] else next(it) for i in range(attrs["rank"])]),
                     inputs[0].dtype)]

    def reference(self, attrs, x):
        return np.expand_dims(x, tuple(attrs["axes"])) if attrs["axes"] else np.asarray(x)

    def grad(self, op, dz):
        from graphflow.api import array

        return [array.reshape(dz, array.shape(op.inputs[0]))]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))], {"axes": (0, 2), "rank": 4}),
                Sample([rng.normal(size=())], {"axes": (0,), "rank": 1})]


@register
class ReducedShape(OpDef):
    """ReducedShape(input_shape): the shape a reduction over attr `axis` keeps with keepdims
    (1 at each reduced axis; `axis` None = all, negatives count from the end). Gradients of
    reductions use it when the input's rank is only known at run time (TF's `reduced_shape`)."""

    type = "ReducedShape"
    defaults = {"axis": None}
    differentiable = False
    host_memory = True  # a shape computation: its input and output live on the host

    def infer(self, inputs, attrs):
        shape = inputs[0]
        if shape.rank not in (None, 1) or not shape.dtype.is_integer:
            raise ValueError(f"ReducedShape: input_shape must be a 1-D int tensor, got "
                             f"{shape.dtype.name} of shape {shape.shape}")
        value = None if shape.value is None else self.reference(attrs, shape.value)
        return [Spec(shape.shape, shape.dtype, value)]

    def reference(self, attrs, input_shape):
        kept = np.array(input_shape, copy=True).reshape(-1)
        axes = normalize_axes(attrs.get("axis"), kept.size)
        kept[list(axes)] = 1
        return kept

    def samples(self, rng):
        i = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([i(2, 3, 4)], {"axis": [0, -1]}), Sample([i(2, 3, 4)], {"axis": 1}),
                Sample([i(5, 6)]), Sample([np.array([7], np.int64)], {"axis": -1}),
                Sample([i()])]
