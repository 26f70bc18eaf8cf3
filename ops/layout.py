"""Layout ops: Transpose, ExpandDims, Squeeze, Tile, Pad (constant/reflect/symmetric), ReverseV2."""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Sample, Spec, register


def _unknown_like(x: Spec) -> Spec:
    return Spec(TensorShape(None if x.dims is None else [None] * x.rank), x.dtype)


def _padded(x: Spec, paddings: Spec, sign: int) -> Spec:
    """x's spec with every dim grown (sign +1, Pad) or shrunk (-1, its gradient) by the
    [before, after] rows of `paddings`.

    Raises:
        ValueError: when `paddings` does not have one row per dimension.
    """
    if x.dims is None or paddings.value is None:
        return _unknown_like(x)
    p = np.asarray(paddings.value).reshape(-1, 2)
    if p.shape[0] != x.rank:
        raise ValueError(f"paddings must have {x.rank} rows, got {p.shape[0]}")
    dims = [None if d is None else d + sign * (int(a) + int(b)) for d, (a, b) in zip(x.dims, p)]
    return Spec(TensorShape(dims), x.dtype)


@register
class Transpose(OpDef):
    """Permutes dimensions: out.shape[i] = x.shape[perm[i]] (`tf.transpose`)."""

    type = "Transpose"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1,)
    aliases_input = True

    def infer(self, inputs, attrs):
        x, perm = inputs
        if x.dims is None or perm.value is None:
            return [_unknown_like(x)]
        p = [int(i) % x.rank for i in perm.value] if x.rank else []
        if sorted(p) != list(range(x.rank)):
            raise ValueError(f"perm {perm.value.tolist()} is not a permutation of {x.rank} dims")
        value = None if x.value is None else np.transpose(x.value, p)
        return [Spec(TensorShape([x.dims[i] for i in p]), x.dtype, value)]

    def reference(self, attrs, x, perm):
        return np.transpose(x, [int(i) for i in perm])

    def grad(self, op, dy):
        from graphflow.api._build import out
        from graphflow.api.indexing import invert_permutation

        return [out("Transpose", [dy, invert_permutation(op.inputs[1])]), None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3, 4)), np.array([2, 0, 1], np.int32)]),
                Sample([rng.normal(size=(3, 1)), np.array([1, 0], np.int32)])]


@register
class InvertPermutation(OpDef):
    """y[x[i]] = i."""

    type = "InvertPermutation"
    host_memory = True
    differentiable = False

    def infer(self, inputs, attrs):
        x = inputs[0]
        value = None if x.value is None else np.argsort(x.value).astype(x.value.dtype)
        return [Spec(x.shape, x.dtype, value)]

    def reference(self, attrs, x):
        return np.argsort(x).astype(np.asarray(x).dtype)

    def samples(self, rng):
        return [Sample([np.array([2, 0, 3, 1], np.int32)], check_grad=False)]


@register
class ExpandDims(OpDef):
    """Inserts a size-1 dimension at `axis` (attr; negative counts from the end)."""

    type = "ExpandDims"
    kernels = {"cuda": "graphflow.cuda.views:build_reshape"}
    aliases_input = True

    def infer(self, inputs, attrs):
        x = inputs[0]
        if x.dims is None:
            return [Spec(TensorShape(None), x.dtype)]
        axis = attrs["axis"]
        if not -x.rank - 1 <= axis <= x.rank:
            raise ValueError(f"axis {axis} out of range for rank {x.rank}")
        dims = list(x.dims)
        dims.insert(axis % (x.rank + 1), 1)
        value = None if x.value is None else x.value.reshape(dims)
        return [Spec(TensorShape(dims), x.dtype, value)]

    def reference(self, attrs, x):
        return np.expand_dims(x, attrs["axis"])

    def grad(self, op, dy):
        from graphflow.api.array import reshape, shape

        return [reshape(dy, shape(op.inputs[0]))]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3))], {"axis": 1}),
                Sample([rng.normal(size=(2,))], {"axis": -1})]


@register
class Squeeze(OpDef):
    """Removes size-1 dimensions (all, or those in attr `squeeze_dims`)."""

    type = "Squeeze"
    kernels = {"cuda": "graphflow.cuda.views:build_reshape"}
    defaults = {"squeeze_dims": []}
    aliases_input = True

    def infer(self, inputs, attrs):
        x = inputs[0]
        axes = attrs.get("squeeze_dims") or []
        if x.dims is None:
            return [Spec(TensorShape(None), x.dtype)]
        axes = [a % x.rank for a in axes]
        for a in axes:
            if x.dims[a] not in (1, None):
                raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got "
                                 f"{x.dims[a]}")
        if axes:
            dims = [d for i, d in enumerate(x.dims) if i not in axes]
        else:
            if any(d is None for d in x.dims):
                return [Spec(TensorShape(None), x.dtype)]
            dims = [d for d in x.dims if d != 1]
        value = None if x.value is None else x.value.reshape(dims)
        return [Spec(TensorShape(dims), x.dtype, value)]

    def reference(self, attrs, x):
        axes = attrs.get("squeeze_dims") or None
        return np.squeeze(x, axis=None if axes is None else tuple(axes))

    def grad(self, op, dy):
        from graphflow.api.array import reshape, shape

        return [reshape(dy, shape(op.inputs[0]))]

    def samples(self, rng):
        return [Sample([rng.normal(size=(1, 3, 1))]),
                Sample([rng.normal(size=(2, 1, 1))], {"squeeze_dims": [-1]})]


@register
class Tile(OpDef):
    """Repeats x `multiples[i]` times along dimension i."""

    type = "Tile"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1,)

    def infer(self, inputs, attrs):
        x, multiples = inputs
        if x.dims is None or multiples.value is None:
            return [_unknown_like(x)]
        m = [int(v) for v in multiples.value]
        if len(m) != x.rank:
            raise ValueError(f"Expected multiples argument to be a vector of length {x.rank}, "
                             f"got length {len(m)}")
        dims = [None if d is None else d * k for d, k in zip(x.dims, m)]
        return [Spec(TensorShape(dims), x.dtype)]

    def reference(self, attrs, x, multiples):
        return np.tile(x, [int(m) for m in multiples])

    def grad(self, op, dy):
        from graphflow.api.array import reshape, shape
        from graphflow.api.indexing import stack, transpose
        from graphflow.api.math import reduce_sum

        x, multiples = op.inputs
        rank = x.shape.ndims
        # dy viewed as [m0, d0, m1, d1, ...]; sum over the multiple axes
        interleaved = reshape(transpose(stack([multiples, shape(x, out_type=multiples.dtype)]),
                                        [1, 0]), [-1])
        split = reshape(dy, interleaved)
        if rank is not None:
            return [reduce_sum(split, axis=list(range(0, 2 * rank, 2))), None]
        return [_tile_grad_any_rank(x, multiples, split), None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(2, 3)), np.array([2, 1], np.int32)]),
                Sample([rng.normal(size=(1, 2)), np.array([3, 2], np.int32)])]


def _tile_grad_any_rank(x, multiples, split):
    """Tile's gradient when x's rank is only known at run time: `split` ([m0, d0, m1, d1, ...])
    has its multiple axes moved to the front by a run-time permutation, then is viewed as
    [prod(multiples), size(x)] and summed over the first axis (reduction axes must be static)."""
    from graphflow.api.array import reshape, shape, size
    from graphflow.api.indexing import concat, stack, transpose
    from graphflow.api.indexing import range as arange
    from graphflow.api.math import reduce_prod, reduce_sum

    twice_rank = size(shape(split))
    perm = concat([arange(0, twice_rank, 2), arange(1, twice_rank, 2)], 0)
    rows = reshape(transpose(split, perm),
                   stack([reduce_prod(multiples), size(x, out_type=multiples.dtype)]))
    return reshape(reduce_sum(rows, axis=0), shape(x))


@register
class Pad(OpDef):
    """Pads with `paddings[i] = [before, after]` per dimension; attr `mode`: CONSTANT (with
    `constant_values`), REFLECT or SYMMETRIC."""

    type = "Pad"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1,)
    defaults = {"mode": "CONSTANT"}

    def infer(self, inputs, attrs):
        return [_padded(inputs[0], inputs[1], +1)]

    def reference(self, attrs, x, paddings, *constant):
        mode = attrs.get("mode", "CONSTANT").upper()
        pads = [(int(a), int(b)) for a, b in np.asarray(paddings).reshape(-1, 2)]
        if mode == "CONSTANT":
            value = constant[0] if constant else (b"" if np.asarray(x).dtype.kind == "O" else 0)
            return np.pad(x, pads, mode="constant", constant_values=value)
        return np.pad(x, pads, mode="reflect" if mode == "REFLECT" else "symmetric")

    def grad(self, op, dy):
        from graphflow.api._build import out
        from graphflow.api.array import reshape, shape

        x, paddings = op.inputs[0], op.inputs[1]
        mode = op.get_attr("mode").upper()
        rest = [None] * (len(op.inputs) - 2)  # the constant value gets no gradient
        if mode == "CONSTANT":  # dy sliced at the "before" paddings, to x's shape
            before = out("Slice", [paddings, _const([0, 0]), _const([-1, 1])])
            return [out("Slice", [dy, reshape(before, [-1]), shape(x)]), None, *rest]
        return [out("MirrorPadGrad", [dy, paddings], {"mode": mode}), None, *rest]

    def samples(self, rng):
        p = np.array([[1, 0], [2, 1]], np.int32)
        return [Sample([rng.normal(size=(2, 3)), p]),
                Sample([rng.normal(size=(3, 4)), p], {"mode": "REFLECT"}),
                Sample([rng.normal(size=(3, 4)), p], {"mode": "SYMMETRIC"})]


def _const(values):
    from graphflow.framework import dtypes
    from graphflow.framework.constant import constant

    return constant(np.asarray(values, np.int32), dtypes.int32)


@register
class MirrorPadGrad(OpDef):
    """The gradient of a REFLECT/SYMMETRIC pad: folds padded borders back onto the input."""

    type = "MirrorPadGrad"
    kernels = {"cuda": "graphflow.cuda.layout:build_mirror_pad_grad"}
    host_arguments = (1,)

    def infer(self, inputs, attrs):
        return [_padded(inputs[0], inputs[1], -1)]

    def reference(self, attrs, dy, paddings):
        # The pad is linear: its transpose applied to dy, computed through index maps.
        pads = [(int(a), int(b)) for a, b in np.asarray(paddings).reshape(-1, 2)]
        shape = tuple(d - a - b for d, (a, b) in zip(np.shape(dy), pads))
        mode = "reflect" if attrs["mode"] == "REFLECT" else "symmetric"
        index = np.pad(np.arange(int(np.prod(shape))).reshape(shape), pads, mode=mode)
        out = np.zeros(int(np.prod(shape)), np.asarray(dy).dtype)
        np.add.at(out, index.reshape(-1), np.asarray(dy).reshape(-1))
        return out.reshape(shape)

    def grad(self, op, ddx):
        from graphflow.api._build import out

        return [out("Pad", [ddx, op.inputs[1]], {"mode": op.get_attr("mode")}), None]

    def samples(self, rng):
        p = np.array([[1, 1], [0, 2]], np.int32)
        return [Sample([rng.normal(size=(5, 6)), p], {"mode": "REFLECT"}),
                Sample([rng.normal(size=(5, 6)), p], {"mode": "SYMMETRIC"})]


@register
class ReverseV2(OpDef):
    """Reverses the given axes (`tf.reverse`)."""

    type = "ReverseV2"
    kernels = {"cuda": "graphflow.cuda.layout:build_layout"}
    host_arguments = (1,)
    aliases_input = True

    def infer(self, inputs, attrs):
        return [Spec(inputs[0].shape, inputs[0].dtype)]

    def reference(self, attrs, x, axis):
        return np.flip(x, tuple(int(a) for a in np.reshape(axis, -1)))

    def grad(self, op, dy):
        from graphflow.api._build import out

        return [out("ReverseV2", [dy, op.inputs[1]]), None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 4)), np.array([1], np.int32)]),
                Sample([rng.normal(size=(2, 3, 2)), np.array([0, -1], np.int32)])]
