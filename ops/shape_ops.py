"""Shape plumbing: Shape, Size, Rank, Reshape, Cast, ZerosLike, OnesLike, Fill, BroadcastTo and
SumToShape (the reverse of broadcasting, used by every broadcasting gradient)."""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape, format_dims

from ._rules import broadcast_dims, described_shape, unknown_dims_of
from .registry import MAX_PROPAGATED_ELEMENTS, OpDef, Sample, Spec, register, spec


def _out_type(attrs) -> dtypes.DType:
    return attrs.get("out_type", dtypes.int32)


@register
class Shape(OpDef):
    """The dynamic shape as a 1-D int tensor (known at build time when the shape is static)."""

    type = "Shape"
    host_memory = True
    defaults = {"out_type": dtypes.int32}
    differentiable = False

    def infer(self, inputs, attrs):
        s = inputs[0].shape
        value = np.array(s.dims, _out_type(attrs).np) if s.is_fully_defined() else None
        return [spec([s.ndims], _out_type(attrs), value)]

    def reference(self, attrs, x):
        return np.array(np.shape(x), _out_type(attrs).np)

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))]),
                Sample([rng.normal(size=())], {"out_type": dtypes.int64})]


@register
class Size(OpDef):
    """The number of elements as a scalar int tensor."""

    type = "Size"
    host_memory = True
    defaults = {"out_type": dtypes.int32}
    differentiable = False

    def infer(self, inputs, attrs):
        n = inputs[0].shape.num_elements()
        return [spec([], _out_type(attrs), None if n is None else np.array(n, _out_type(attrs).np))]

    def reference(self, attrs, x):
        return np.array(np.size(x), _out_type(attrs).np)

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))]), Sample([rng.normal(size=(0, 2))])]


@register
class Rank(OpDef):
    """The rank as a scalar int32 tensor."""

    type = "Rank"
    host_memory = True
    differentiable = False

    def infer(self, inputs, attrs):
        r = inputs[0].rank
        return [spec([], dtypes.int32, None if r is None else np.array(r, np.int32))]

    def reference(self, attrs, x):
        return np.array(np.ndim(x), np.int32)

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 1, 3))]), Sample([np.array(True)])]


def _reshape_dims(in_shape: TensorShape, target) -> list[int | None]:
    target = [int(d) for d in target]
    if target.count(-1) > 1:
        raise ValueError("Cannot infer shape: more than one -1 in the target shape")
    known = int(np.prod([d for d in target if d != -1])) if target else 1
    total = in_shape.num_elements()
    if -1 in target:
        if total is None:
            return [None if d == -1 else d for d in target]
        if known == 0 or total % known:
            raise ValueError(
                f"Cannot reshape a tensor with {total} elements to shape {format_dims(target)}"
            )
        return [total // known if d == -1 else d for d in target]
    if total is not None and total != known:
        raise ValueError(
            f"Cannot reshape a tensor with {total} elements to shape {format_dims(target)} "
            f"({known} elements)"
        )
    return target


@register
class Reshape(OpDef):
    """Reshape(x, shape): `shape` is an int tensor, one entry may be -1."""

    type = "Reshape"
    kernels = {"cuda": "graphflow.cuda.views:build_reshape"}
    host_arguments = (1,)
    aliases_input = True

    def infer(self, inputs, attrs):
        x, shape = inputs
        if shape.value is None:
            return [Spec(unknown_dims_of(shape), x.dtype)]
        dims = _reshape_dims(x.shape, shape.value.reshape(-1))
        value = None if x.value is None else x.value.reshape(dims)
        return [spec(dims, x.dtype, value)]

    def reference(self, attrs, x, shape):
        return np.reshape(x, tuple(int(d) for d in shape))

    def grad(self, op, dy):
        from graphflow.api import array

        return [array.reshape(dy, array.shape(op.inputs[0])), None]

    def samples(self, rng):
        i = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([rng.normal(size=(2, 6)), i(3, -1)]),
                Sample([rng.normal(size=(4,)), i(2, 1, 2)]),
                Sample([rng.normal(size=(1, 1)), np.zeros(0, np.int32)])]


@register
class Cast(OpDef):
    """Cast(x) to attr `DstT`. Float -> int truncates toward zero, as TF."""

    type = "Cast"
    kernels = {"cuda": "graphflow.cuda.convert:build_cast"}

    def infer(self, inputs, attrs):
        x = inputs[0]
        converts_strings = (x.dtype == dtypes.string) != (attrs["DstT"] == dtypes.string)
        value = None
        if x.value is not None and not converts_strings and x.value.size <= MAX_PROPAGATED_ELEMENTS:
            value = x.value.astype(attrs["DstT"].np)
        return [Spec(x.shape, attrs["DstT"], value)]

    def reference(self, attrs, x):
        x = np.asarray(x)
        if (x.dtype.kind == "O") != (attrs["DstT"] == dtypes.string):  # TF1 has no such cast
            from graphflow.framework import errors

            raise errors.UnimplementedError(None, None, f"Cast {dtypes.as_dtype(x.dtype).name} "
                                            f"to {attrs['DstT'].name} is not supported")
        return x.astype(attrs["DstT"].np)

    def grad(self, op, dy):
        src, dst = op.inputs[0].dtype, op.outputs[0].dtype
        if src.is_floating and dst.is_floating:
            from graphflow.api import math

            return [math.cast(dy, src)]
        return [None]

    def samples(self, rng):
        x = rng.normal(size=(2, 3)) * 3
        return [Sample([x], {"DstT": dtypes.float64}), Sample([x], {"DstT": dtypes.int32}),
                Sample([np.array([-2, 0, 5], np.int64)], {"DstT": dtypes.bool_})]


class _FillLike(OpDef):
    fill = 0

    def infer(self, inputs, attrs):
        x = inputs[0]
        if x.dtype == dtypes.string and self.fill:  # strings have a zero (b""), no one
            raise TypeError(f"{self.type} does not support dtype string")
        size = x.shape.num_elements()
        if size is None or size > MAX_PROPAGATED_ELEMENTS or x.dtype.np.kind not in "biufc":
            return [Spec(x.shape, x.dtype)]
        # the value is known once the shape is: the compiler folds it, and what is computed
        # from it (the loss gradient's seed and its broadcasts), into constants
        return [Spec(x.shape, x.dtype, np.full(x.shape.as_list(), self.fill, x.dtype.np))]

    def reference(self, attrs, x):
        dtype = np.asarray(x).dtype
        return np.full(np.shape(x), b"" if dtype.kind == "O" else self.fill, dtype=dtype)

    def grad(self, op, dy):
        return [None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))], check_grad=False),
                Sample([np.array([1, 2], np.int64)], check_grad=False)]


@register
class ZerosLike(_FillLike):
    """Zeros with the shape and dtype of x."""

    type = "ZerosLike"
    kernels = {"cuda": "graphflow.cuda.convert:build_fill_like"}
    fill = 0


@register
class OnesLike(_FillLike):
    """Ones with the shape and dtype of x."""

    type = "OnesLike"
    kernels = {"cuda": "graphflow.cuda.convert:build_fill_like"}
    fill = 1


@register
class Fill(OpDef):
    """Fill(dims, value): a tensor of shape `dims` filled with scalar `value`."""

    type = "Fill"
    kernels = {"cuda": "graphflow.cuda.convert:build_fill"}
    host_arguments = (0,)

    def infer(self, inputs, attrs):
        dims, value = inputs
        if value.rank not in (None, 0):
            raise ValueError(f"value must be a scalar, got shape {format_dims(value.dims)}")
        if dims.value is None:
            return [Spec(unknown_dims_of(dims), value.dtype)]
        shape = [int(d) for d in dims.value.reshape(-1)]
        if any(d < 0 for d in shape):
            raise ValueError(f"Fill dimensions must be >= 0, got {shape}")
        known = None  # small fills only: a large one stays a scalar and a shape until it runs
        if value.value is not None and int(np.prod(shape, dtype=np.int64)) <= MAX_PROPAGATED_ELEMENTS:
            known = self.reference(attrs, dims.value, value.value)
        return [spec(shape, value.dtype, known)]

    def reference(self, attrs, dims, value):
        return np.full(tuple(int(d) for d in dims), value, dtype=np.asarray(value).dtype)

    def grad(self, op, dy):
        from graphflow.api import math

        return [None, math.reduce_sum(dy)]

    def samples(self, rng):
        return [Sample([np.array([2, 3], np.int32), rng.normal(size=())]),
                Sample([np.array([0], np.int32), np.array(7, np.int32)])]


@register
class BroadcastTo(OpDef):
    """BroadcastTo(x, shape) with numpy rules."""

    type = "BroadcastTo"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1,)
    aliases_input = True

    def infer(self, inputs, attrs):
        x, shape = inputs
        if shape.value is None:
            return [Spec(unknown_dims_of(shape), x.dtype)]
        target = TensorShape([int(d) for d in shape.value])
        if x.dims is None:  # x's rank is unknown: whether it fits is checked at run time
            return [Spec(target, x.dtype)]
        out = broadcast_dims(x.shape, target)
        if out.ndims != target.ndims or not out.is_compatible_with(target):
            raise ValueError(f"Cannot broadcast {format_dims(x.dims)} to {format_dims(target.dims)}")
        return [Spec(target, x.dtype)]

    def reference(self, attrs, x, shape):
        return np.broadcast_to(x, tuple(int(d) for d in shape))

    def grad(self, op, dy):
        from graphflow.api import math

        return [math.sum_to_shape(dy, op.inputs[0]), None]

    def samples(self, rng):
        i = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([rng.normal(size=(3, 1)), i(2, 3, 4)]),
                Sample([rng.normal(size=()), i(2,)])]


def sum_to(dy: np.ndarray, shape) -> np.ndarray:
    """Sums `dy` over the axes that broadcasting added or stretched to reach it from `shape`."""
    shape = tuple(int(d) for d in shape)
    dy = np.asarray(dy)
    if dy.shape == shape:
        return dy
    lead = dy.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(shape) if d == 1 and dy.shape[lead + i] != 1
    )
    return np.sum(dy, axis=axes, keepdims=False).reshape(shape) if axes else dy.reshape(shape)


@register
class SumToShape(OpDef):
    """SumToShape(dy, shape): reverse broadcasting (the gradient of any broadcasting op)."""

    type = "SumToShape"
    kernels = {"cuda": "graphflow.cuda.reduce:build_sum_to_shape"}
    host_arguments = (1,)

    def infer(self, inputs, attrs):
        dy, shape = inputs
        return [Spec(described_shape(shape), dy.dtype)]

    def reference(self, attrs, dy, shape):
        return sum_to(dy, shape)

    def cpu_kernel(self, node):
        """A sum over leading axes only (a bias gradient: [N, H, W, C] -> [C]) of float data
        runs a numba row sum, bit for bit numpy's; any other case numpy's sum."""
        if node.in_specs[0].dtype.np not in (np.dtype(np.float32), np.dtype(np.float64)):
            return None
        from ._sum_rows_numba import sum_rows

        def kernel(dy, shape):
            target = tuple(int(d) for d in shape)
            core = target
            while core and core[0] == 1:
                core = core[1:]
            dims = np.shape(dy)
            columns = int(np.prod(core, dtype=np.int64))
            if (not isinstance(dy, np.ndarray) or dims == target or not dy.flags.c_contiguous
                    or len(core) > len(dims) or dims[len(dims) - len(core):] != core
                    or not core or columns == 0 or dy.size == 0):  # a total: numpy's pairwise
                return sum_to(dy, target)
            out = np.empty(columns, dy.dtype)
            sum_rows(dy.reshape(-1, columns), out)
            return out.reshape(target)

        return kernel

    def grad(self, op, dz):
        from graphflow.api import array

        return [array.broadcast_to(dz, array.shape(op.inputs[0])), None]

    def samples(self, rng):
        i = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([rng.normal(size=(2, 3, 4)), i(3, 1)]),
                Sample([rng.normal(size=(2, 3)), i()]),
                Sample([rng.normal(size=(3,)), i(3)]),
                Sample([rng.normal(size=(5, 3)), i(3)]),  # bias gradients (sum_rows)
                Sample([rng.normal(size=(2, 2, 3, 4)), i(1, 1, 4)]),
                Sample([rng.normal(size=(2, 3, 2, 5)), i(5)]),
                Sample([rng.normal(size=(4, 3, 2)), i(1, 3, 2)])]
