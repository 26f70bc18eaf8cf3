"""Joining and splitting: Pack (stack), Unpack (unstack), ConcatV2, Split, SplitV."""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import same_dtype
from .registry import OpDef, Sample, Spec, register


def _axis(axis: int, rank: int, what: str) -> int:
    if not -rank <= axis < rank:
        raise ValueError(f"{what}: axis {axis} is out of bounds for rank {rank}")
    return axis % rank


def _const(inputs: list[Spec]) -> list[np.ndarray] | None:
    values = [s.value for s in inputs]
    return None if any(v is None for v in values) else values


@register
class Pack(OpDef):
    """Stacks N same-shape tensors along a new `axis` (`tf.stack`)."""

    type = "Pack"
    kernels = {"cuda": "graphflow.cuda.layout:build_join"}
    defaults = {"axis": 0}

    def infer(self, inputs, attrs):
        same_dtype(inputs, "Pack")
        shape = inputs[0].shape
        for s in inputs[1:]:
            if not shape.is_compatible_with(s.shape):
                raise ValueError(f"Shapes {shape} and {s.shape} are not compatible")
            shape = shape.merge_with(s.shape)
        if shape.dims is None:
            return [Spec(TensorShape(None), inputs[0].dtype)]
        axis = _axis(attrs.get("axis", 0), shape.ndims + 1, "Pack")
        dims = list(shape.dims)
        dims.insert(axis, len(inputs))
        values = _const(inputs)
        value = None if values is None else np.stack(values, axis)
        return [Spec(TensorShape(dims), inputs[0].dtype, value)]

    def reference(self, attrs, *xs):
        return np.stack(xs, attrs.get("axis", 0))

    def grad(self, op, dy):
        from graphflow.api.indexing import unstack

        return unstack(dy, num=len(op.inputs), axis=op.get_attr("axis"))

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3)) for _ in range(3)], {"axis": 1}),
                Sample([rng.normal(size=(4,))], {"axis": -1}),
                Sample([rng.normal(size=())] * 2, {"axis": 0})]


@register
class Unpack(OpDef):
    """Splits along `axis` into `num` tensors, removing the axis (`tf.unstack`)."""

    type = "Unpack"
    kernels = {"cuda": "graphflow.cuda.layout:build_split"}
    list_output = True
    defaults = {"axis": 0}
    aliases_input = True

    def infer(self, inputs, attrs):
        x = inputs[0]
        num = attrs["num"]
        if x.dims is None:
            return [Spec(TensorShape(None), x.dtype)] * num
        axis = _axis(attrs.get("axis", 0), x.rank, "Unpack")
        if x.dims[axis] is not None and x.dims[axis] != num:
            raise ValueError(f"Dimension {axis} has size {x.dims[axis]}, not num={num}")
        dims = [d for i, d in enumerate(x.dims) if i != axis]
        return [Spec(TensorShape(dims), x.dtype)] * num

    def reference(self, attrs, x):
        axis = attrs.get("axis", 0)
        return tuple(np.moveaxis(x, axis, 0)[i] for i in range(attrs["num"]))

    def grad(self, op, *dys):
        from graphflow.api.indexing import stack

        return [stack(dys, axis=op.get_attr("axis"))]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 2))], {"num": 3, "axis": 0}),
                Sample([rng.normal(size=(2, 4, 1))], {"num": 4, "axis": -2})]


@register
class ConcatV2(OpDef):
    """Concatenates along an existing `axis` (`tf.concat`)."""

    type = "ConcatV2"
    kernels = {"cuda": "graphflow.cuda.layout:build_join"}

    def infer(self, inputs, attrs):
        same_dtype(inputs, "ConcatV2")
        known = [s for s in inputs if s.dims is not None]
        if not known:
            return [Spec(TensorShape(None), inputs[0].dtype)]
        rank = known[0].rank
        axis = _axis(attrs["axis"], rank, "ConcatV2")
        dims: list[int | None] = list(known[0].dims)
        dims[axis] = 0
        for s in inputs:
            if s.dims is None:
                dims[axis] = None
                continue
            if s.rank != rank:
                raise ValueError(f"Shape must be rank {rank} but is rank {s.rank}")
            for i, d in enumerate(s.dims):
                if i == axis:
                    dims[axis] = None if dims[axis] is None or d is None else dims[axis] + d
                elif dims[i] is None:
                    dims[i] = d
                elif d is not None and d != dims[i]:
                    raise ValueError(f"Dimension {i} in both shapes must be equal, but are "
                                     f"{dims[i]} and {d}")
        values = _const(inputs)
        value = None if values is None else np.concatenate(values, axis)
        return [Spec(TensorShape(dims), inputs[0].dtype, value)]

    def reference(self, attrs, *xs):
        return np.concatenate(xs, attrs["axis"])

    def grad(self, op, dy):
        from graphflow.api.array import shape
        from graphflow.api.indexing import stack

        sizes = [t.shape.dims[op.get_attr("axis")] if t.shape.dims else None for t in op.inputs]
        axis = op.get_attr("axis")
        if all(s is not None for s in sizes):
            return _split_v(dy, sizes, axis)
        # Run-time sizes: indexing the shape vector with `axis` itself counts a negative axis
        # from the end, so this holds when the inputs' rank is unknown too.
        dyn = stack([shape(t)[axis] for t in op.inputs])
        return _split_v(dy, dyn, axis, len(op.inputs))

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3)), rng.normal(size=(2, 1))], {"axis": 1}),
                Sample([rng.normal(size=(1, 2)), rng.normal(size=(3, 2)),
                        rng.normal(size=(2, 2))], {"axis": -2})]


def _split_v(value, sizes, axis, num=None):
    from graphflow.api.indexing import split

    return split(value, sizes, axis=axis, num=num)


@register
class Split(OpDef):
    """Splits along `axis` into `num_split` equal parts."""

    type = "Split"
    kernels = {"cuda": "graphflow.cuda.layout:build_split"}
    list_output = True
    aliases_input = True

    def infer(self, inputs, attrs):
        x, n = inputs[0], attrs["num_split"]
        if x.dims is None:
            return [Spec(TensorShape(None), x.dtype)] * n
        axis = _axis(attrs["axis"], x.rank, "Split")
        d = x.dims[axis]
        if d is not None and d % n:
            raise ValueError(f"Dimension {axis} of size {d} is not divisible by num_split={n}")
        dims = list(x.dims)
        dims[axis] = None if d is None else d // n
        return [Spec(TensorShape(dims), x.dtype)] * n

    def reference(self, attrs, x):
        return tuple(np.split(x, attrs["num_split"], attrs["axis"]))

    def cpu_kernel(self, node):
        n, axis = node.attrs["num_split"], node.attrs["axis"]
        cached: dict[tuple[int, ...], tuple[tuple[slice, ...], ...]] = {}

        def split(x):  # basic slices, made once per shape: np.split's Python costs 10x more
            x = np.asarray(x)
            pieces = cached.get(x.shape)
            if pieces is None:
                if not -x.ndim <= axis < x.ndim or x.shape[axis] % n:
                    return self.reference(node.attrs, x)  # numpy's error names the problem
                a, step = axis % x.ndim, x.shape[axis] // n
                pieces = cached[x.shape] = tuple((slice(None),) * a + (slice(i * step, (i + 1) * step),)
                                                 for i in range(n))
            return tuple(x[p] for p in pieces)

        return split

    def grad(self, op, *dys):
        from graphflow.api.indexing import concat

        return [concat(dys, op.get_attr("axis"))]

    def samples(self, rng):
        return [Sample([rng.normal(size=(4, 6))], {"num_split": 3, "axis": 1}),
                Sample([rng.normal(size=(2, 3))], {"num_split": 2, "axis": -2})]


@register
class SplitV(OpDef):
    """Splits along `axis` into pieces of `size_splits` (input 1; one entry may be -1)."""

    type = "SplitV"
    kernels = {"cuda": "graphflow.cuda.layout:build_split"}
    host_arguments = (1,)
    list_output = True
    aliases_input = True

    def infer(self, inputs, attrs):
        x, sizes = inputs
        n = attrs["num_split"]
        if x.dims is None:
            return [Spec(TensorShape(None), x.dtype)] * n
        axis = _axis(attrs["axis"], x.rank, "SplitV")
        dims = list(x.dims)
        if sizes.value is None:
            return [Spec(TensorShape(dims[:axis] + [None] + dims[axis + 1:]), x.dtype)] * n
        parts = [int(s) for s in sizes.value]
        if parts.count(-1) > 1:
            raise ValueError("Only one size in size_splits may be -1")
        if -1 in parts and dims[axis] is not None:
            parts[parts.index(-1)] = dims[axis] - sum(p for p in parts if p != -1)
        if dims[axis] is not None and -1 not in parts and sum(parts) != dims[axis]:
            raise ValueError(f"Determined shape must either match input shape along split_dim "
                             f"exactly if fully specified, or be less than the size of the input "
                             f"along split_dim: sizes {parts} sum to {sum(parts)}, not {dims[axis]}")
        out = []
        for p in parts:
            d = list(dims)
            d[axis] = None if p == -1 else p
            out.append(Spec(TensorShape(d), x.dtype))
        return out

    def reference(self, attrs, x, sizes):
        axis = attrs["axis"]
        parts = [int(s) for s in sizes]
        if -1 in parts:
            parts[parts.index(-1)] = x.shape[axis] - sum(p for p in parts if p != -1)
        return tuple(np.split(x, np.cumsum(parts)[:-1], axis))

    def cpu_kernel(self, node):
        axis = node.attrs["axis"]

        def split_v(x, sizes):  # np.split's pieces as basic slices, without its Python overhead
            x = np.asarray(x)
            if not -x.ndim <= axis < x.ndim:
                return self.reference(node.attrs, x, sizes)  # numpy's error names the axis
            parts = [int(s) for s in sizes]
            if -1 in parts:
                parts[parts.index(-1)] = x.shape[axis] - sum(p for p in parts if p != -1)
            lead, start, pieces = (slice(None),) * (axis % x.ndim), 0, []
            for i, size in enumerate(parts):
                stop = start + size if i < len(parts) - 1 else None
                pieces.append(x[lead + (slice(start, stop),)])
                start += size
            return tuple(pieces)

        return split_v

    def grad(self, op, *dys):
        from graphflow.api.indexing import concat

        return [concat(dys, op.get_attr("axis")), None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(5, 2)), np.array([1, -1, 2], np.int32)],
                       {"num_split": 3, "axis": 0})]
