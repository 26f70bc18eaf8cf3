"""Gathering and scattering: GatherV2 (`tf.gather`), GatherNd, ScatterNd and UnsortedSegmentSum
(the densified gradient of a gather: TF1 returns IndexedSlices, graphflow sums them at once)."""

from __future__ import annotations

import numpy as np

from graphflow.framework.tensor_shape import TensorShape

from ._rules import described_shape
from .registry import MAX_PROPAGATED_ELEMENTS, OpDef, Sample, Spec, register


def _int_input(spec: Spec, what: str) -> None:
    if not spec.dtype.is_integer:
        raise TypeError(f"{what} must be int32 or int64, got {spec.dtype.name}")


def _check_bounds(indices: np.ndarray, limit: int, what: str) -> None:
    """The session maps this IndexError to InvalidArgumentError naming the op (as TF1)."""
    bad = (indices < 0) | (indices >= limit)
    if np.any(bad):
        first = int(np.asarray(indices)[bad].reshape(-1)[0])
        raise IndexError(f"{what}: index {first} is not in [0, {limit})")


@register
class GatherV2(OpDef):
    """Rows of `params` along attr `axis` at `indices`: out.shape = params.shape[:axis] +
    indices.shape + params.shape[axis+1:]. Out-of-range indices raise InvalidArgumentError."""

    type = "GatherV2"
    kernels = {"cuda": "graphflow.cuda.indexing:build_gather"}
    defaults = {"axis": 0}

    def infer(self, inputs, attrs):
        params, indices = inputs
        _int_input(indices, "GatherV2 indices")
        if params.dims is None or indices.dims is None:
            return [Spec(TensorShape(None), params.dtype)]
        axis = attrs.get("axis", 0)
        if not -params.rank <= axis < params.rank:
            raise ValueError(f"GatherV2: axis {axis} is out of bounds for params of rank "
                             f"{params.rank}")
        axis %= params.rank
        dims = list(params.dims[:axis]) + list(indices.dims) + list(params.dims[axis + 1:])
        value = None
        if (params.value is not None and indices.value is not None
                and (TensorShape(dims).num_elements() or 0) <= MAX_PROPAGATED_ELEMENTS):
            value = np.take(params.value, indices.value, axis=axis)
        return [Spec(TensorShape(dims), params.dtype, value)]

    def reference(self, attrs, params, indices):
        axis = attrs.get("axis", 0) % np.ndim(params)
        _check_bounds(np.asarray(indices), np.shape(params)[axis], "GatherV2")
        return np.take(params, indices, axis=axis)

    def grad(self, op, dy):
        from graphflow.api.array import shape
        from graphflow.api.indexing import transpose, unsorted_segment_sum

        params, indices = op.inputs
        if params.shape.ndims is None or indices.shape.ndims is None or dy.shape.ndims is None:
            return [_gather_grad_any_rank(params, indices, dy, op.get_attr("axis")), None]
        axis = op.get_attr("axis") % params.shape.ndims
        n = shape(params)[axis]
        if axis == 0:
            return [unsorted_segment_sum(dy, indices, n), None]
        # Bring the indexed dims to the front, sum segments, then move the axis back.
        ri, rank_dy = indices.shape.ndims, dy.shape.ndims
        front = list(range(axis, axis + ri)) + list(range(axis)) + list(range(axis + ri, rank_dy))
        summed = unsorted_segment_sum(transpose(dy, front), indices, n)
        back = list(range(1, axis + 1)) + [0] + list(range(axis + 1, params.shape.ndims))
        return [transpose(summed, back), None]

    def samples(self, rng):
        i = lambda *v: np.array(v, np.int32)  # noqa: E731
        return [Sample([rng.normal(size=(5, 3)), i(4, 0, 4, 2)]),
                Sample([rng.normal(size=(2, 4, 3)), np.array([[1, 3], [3, 0]], np.int64)],
                       {"axis": 1}),
                Sample([rng.normal(size=(3, 2)), np.array(2, np.int32)], {"axis": -2})]


def _gather_grad_any_rank(params, indices, dy, axis: int):
    """GatherV2's params gradient when a rank is only known at run time: dy viewed as
    [outer, indices, inner] (outer = the dims before `axis`, inner = those after), its segments
    summed along the middle, and the result viewed as params' shape. Only static slices of the
    shape vector are taken, so a negative `axis` counts from the end at run time."""
    from graphflow.api.array import reshape, shape, size
    from graphflow.api.indexing import stack, transpose, unsorted_segment_sum
    from graphflow.api.math import reduce_prod

    params_shape = shape(params)
    outer = reduce_prod(params_shape[:axis])
    inner = reduce_prod(params_shape[axis:][1:])
    rows = reshape(dy, stack([outer, size(indices), inner]))
    summed = unsorted_segment_sum(transpose(rows, [1, 0, 2]), reshape(indices, [-1]),
                                  params_shape[axis])
    return reshape(transpose(summed, [1, 0, 2]), params_shape)


@register
class UnsortedSegmentSum(OpDef):
    """out[s] = sum of data[i...] over the leading index positions where segment_ids == s;
    out.shape = [num_segments] + data.shape[segment_ids.ndim:]."""

    type = "UnsortedSegmentSum"
    kernels = {"cuda": "graphflow.cuda.indexing:build_unsorted_segment_sum"}
    host_arguments = (2,)

    def infer(self, inputs, attrs):
        data, ids, num = inputs
        _int_input(ids, "UnsortedSegmentSum segment_ids")
        n = None if num.value is None else int(num.value)
        if data.dims is None or ids.dims is None:
            return [Spec(TensorShape(None), data.dtype)]
        if not TensorShape(data.dims[:ids.rank]).is_compatible_with(ids.shape):
            raise ValueError(f"UnsortedSegmentSum: data shape {data.shape} does not start with "
                             f"segment_ids shape {ids.shape}")
        return [Spec(TensorShape([n] + list(data.dims[ids.rank:])), data.dtype)]

    def reference(self, attrs, data, ids, num):
        data, ids = np.asarray(data), np.asarray(ids)
        n = int(num)
        _check_bounds(ids, n, "UnsortedSegmentSum")
        out = np.zeros((n,) + data.shape[ids.ndim:], data.dtype)
        np.add.at(out, ids.reshape(-1), data.reshape((-1,) + data.shape[ids.ndim:]))
        return out

    def grad(self, op, dy):
        from graphflow.api.indexing import gather

        return [gather(dy, op.inputs[1]), None, None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(4, 2)), np.array([2, 0, 2, 1], np.int32),
                        np.array(4, np.int32)]),
                Sample([rng.normal(size=(2, 3)), np.array([[0, 1, 1], [0, 0, 2]], np.int32),
                        np.array(3, np.int32)])]


def _nd_index(indices: np.ndarray) -> tuple:
    return tuple(np.moveaxis(np.asarray(indices), -1, 0))


@register
class GatherNd(OpDef):
    """out[i...] = params[indices[i..., :]]: the last dim of `indices` indexes the leading dims
    of `params`; out.shape = indices.shape[:-1] + params.shape[indices.shape[-1]:]."""

    type = "GatherNd"
    kernels = {"cuda": "graphflow.cuda.indexing:build_gather_nd"}

    def infer(self, inputs, attrs):
        params, indices = inputs
        _int_input(indices, "GatherNd indices")
        if params.dims is None or indices.dims is None or indices.dims[-1] is None:
            return [Spec(TensorShape(None), params.dtype)]
        k = indices.dims[-1]
        if k > params.rank:
            raise ValueError(f"GatherNd: index depth {k} is larger than params rank "
                             f"{params.rank}")
        return [Spec(TensorShape(list(indices.dims[:-1]) + list(params.dims[k:])), params.dtype)]

    def reference(self, attrs, params, indices):
        params, indices = np.asarray(params), np.asarray(indices)
        for j in range(indices.shape[-1]):
            _check_bounds(indices[..., j], params.shape[j], "GatherNd")
        return params[_nd_index(indices)]

    def grad(self, op, dy):
        from graphflow.api.array import shape
        from graphflow.api.indexing import scatter_nd

        params, indices = op.inputs
        return [scatter_nd(indices, dy, shape(params, out_type=indices.dtype)), None]

    def samples(self, rng):
        return [Sample([rng.normal(size=(3, 4, 2)), np.array([[0, 1], [2, 3], [0, 1]], np.int32)]),
                Sample([rng.normal(size=(3, 2)), np.array([[[2], [0]]], np.int64)])]


@register
class ScatterNd(OpDef):
    """Zeros of `shape` with `updates` added at `indices` (duplicates sum): GatherNd's transpose."""

    type = "ScatterNd"
    kernels = {"cuda": "graphflow.cuda.indexing:build_scatter_nd"}
    host_arguments = (2,)

    def infer(self, inputs, attrs):
        indices, updates, shape = inputs
        _int_input(indices, "ScatterNd indices")
        return [Spec(described_shape(shape), updates.dtype)]

    def reference(self, attrs, indices, updates, shape):
        indices = np.asarray(indices)
        out = np.zeros(tuple(int(d) for d in shape), np.asarray(updates).dtype)
        for j in range(indices.shape[-1]):
            _check_bounds(indices[..., j], out.shape[j], "ScatterNd")
        np.add.at(out, _nd_index(indices), updates)
        return out

    def grad(self, op, dy):
        from graphflow.api.indexing import gather_nd

        return [None, gather_nd(dy, op.inputs[0]), None]

    def samples(self, rng):
        return [Sample([np.array([[1], [0], [1]], np.int32), rng.normal(size=(3, 2)),
                        np.array([3, 2], np.int32)])]
