"""Indexing API: slicing (`Tensor.__getitem__`, `tf.slice`, `tf.strided_slice`), joining and
splitting (`tf.concat`, `tf.stack`, `tf.split`), gathering (`tf.gather`, `tf.gather_nd`,
`tf.boolean_mask`), layout (`tf.transpose`, `tf.expand_dims`, `tf.squeeze`, `tf.tile`, `tf.pad`,
`tf.reverse`) and index generators (`tf.range`, `tf.one_hot`, `tf.sequence_mask`)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor, install_pack
from graphflow.framework.tensor import Tensor

from ._build import op, op_scope, operands, out

#: `x[tf.newaxis]` inserts a dimension of size 1 (as numpy's None).
newaxis = None


def _int_tensor(value: Any, dtype: Any = dtypes.int32, name: str = "Const") -> Tensor:
    """A list/array/tensor of indices as an int tensor; lists may mix ints and scalar tensors."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return stack([_int_tensor(v, dtype) for v in value], name=name)
    return constant(np.asarray(value, dtypes.as_dtype(dtype).np), dtype, name=name)


def _static_int(value: Any, what: str) -> int:
    if isinstance(value, Tensor):
        if value._const_value is None:
            raise ValueError(f"{what} must be known when the graph is built, got {value.name}")
        return int(value._const_value)
    return int(value)


# ---- joining and splitting ----------------------------------------------------------------------
def stack(values: Sequence[Any], axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks same-shape tensors along a new dimension `axis`."""
    values = operands(*values)
    return out("Pack", values, {"axis": int(axis), "N": len(values)}, name)


install_pack(lambda values, name: stack(values, name=name))


def unstack(value: Any, num: int | None = None, axis: int = 0,
            name: str = "unstack") -> list[Tensor]:
    """Splits along `axis` into a list of tensors with that dimension removed.

    Raises:
        ValueError: when `num` is not given and the dimension is unknown.
    """
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.dims
        num = None if dims is None else dims[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    return list(op("Unpack", [value], {"num": int(num), "axis": int(axis)}, name).outputs)


def concat(values: Sequence[Any], axis: Any, name: str = "concat") -> Tensor:
    """Concatenates along an existing dimension `axis`."""
    values = operands(*values)
    axis = _static_int(axis, "concat axis")
    if len(values) == 1:
        from .array import identity

        return identity(values[0], name=name)
    return out("ConcatV2", values, {"axis": axis, "N": len(values)}, name)


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: int | None = None,
          name: str = "split") -> list[Tensor]:
    """Splits `value` along `axis` into `num_or_size_splits` equal parts (an int) or pieces of
    the given sizes (a list or 1-D tensor; one entry may be -1).

    Raises:
        ValueError: when the sizes cannot split the dimension.
    """
    value = convert_to_tensor(value)
    axis = _static_int(axis, "split axis")
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        return list(op("Split", [value], {"num_split": n, "axis": axis}, name).outputs)
    sizes = _int_tensor(num_or_size_splits)
    if num is None:
        num = sizes.shape.dims[0] if sizes.shape.dims else None
        if num is None:
            raise ValueError(f"Cannot infer num from shape {sizes.shape}")
    return list(op("SplitV", [value, sizes], {"num_split": int(num), "axis": axis}, name).outputs)


# ---- slicing ------------------------------------------------------------------------------------
def slice(input_: Any, begin: Any, size: Any, name: str | None = None) -> Tensor:  # noqa: A001
    """input_[begin[i] : begin[i] + size[i]] per dimension (size -1 = to the end)."""
    with op_scope([input_], name, "Slice") as scope:
        return out("Slice", [convert_to_tensor(input_), _int_tensor(begin, name="begin"),
                             _int_tensor(size, name="size")], name=scope)


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None, name: str | None = None) -> Tensor:
    """TF1's strided slice: python slicing with explicit begin/end/strides and bit masks."""
    attrs = {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
             "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask}
    with op_scope([input_], name, "strided_slice") as scope:
        # named as TF1's slicing names them: strided_slice/stack, stack_1, stack_2
        begin, end = _int_tensor(begin, name="stack"), _int_tensor(end, name="stack")
        if strides is None:
            strides = [1] * (begin.shape.dims or [0])[0]
        strides = _int_tensor(strides, name="stack")
        return out("StridedSlice", [convert_to_tensor(input_), begin, end, strides], attrs, scope)


def slice_helper(tensor: Tensor, key: Any) -> Tensor:
    """`tensor[key]` as TF1: ints (or scalar tensors) drop a dimension, slices keep it, `...`
    fills the middle, `None`/`tf.newaxis` inserts a dimension.

    Raises:
        TypeError: for index kinds TF1 does not accept (lists, float or bool indices).
    """
    if not isinstance(key, tuple):
        key = (key,)
    begin: list[Any] = []
    end: list[Any] = []
    strides: list[Any] = []
    masks = dict.fromkeys(("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                           "shrink_axis_mask"), 0)
    for i, item in enumerate(key):
        bit = 1 << i
        if isinstance(item, builtins.slice):
            for part in (item.start, item.stop, item.step):
                if part is not None and not _is_index(part):
                    raise TypeError(f"slice indices must be integers or None, got {part!r}")
            begin.append(0 if item.start is None else item.start)
            end.append(0 if item.stop is None else item.stop)
            strides.append(1 if item.step is None else item.step)
            masks["begin_mask"] |= bit if item.start is None else 0
            masks["end_mask"] |= bit if item.stop is None else 0
            continue
        if item is Ellipsis or item is None:
            begin.append(0)
            end.append(0)
            masks["ellipsis_mask" if item is Ellipsis else "new_axis_mask"] |= bit
        elif _is_index(item):
            begin.append(item)
            end.append(item + 1)
            masks["shrink_axis_mask"] |= bit
        else:
            raise TypeError(
                "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                f"tf.int32/tf.int64 tensors are valid indices, got {item!r}")
        strides.append(1)
    return strided_slice(tensor, begin, end, strides, **masks)


def _is_index(item: Any) -> bool:
    if isinstance(item, Tensor):
        return item.dtype.is_integer and item.shape.ndims == 0
    return isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_))


# ---- gathering ----------------------------------------------------------------------------------
def gather(params: Any, indices: Any, validate_indices: Any = None, name: str | None = None,
           axis: Any = 0, batch_dims: int = 0) -> Tensor:
    """Slices of `params` along `axis` at `indices` (out-of-range indices fail at run time)."""
    if batch_dims:
        raise NotImplementedError("gather with batch_dims != 0 is not supported yet")
    params = convert_to_tensor(params)
    return out("GatherV2", [params, _int_tensor(indices)],
               {"axis": _static_int(axis, "gather axis")}, name)


def gather_nd(params: Any, indices: Any, name: str | None = None) -> Tensor:
    """params[indices[..., :]]: the last dimension of `indices` indexes params' leading dims."""
    return out("GatherNd", [convert_to_tensor(params), _int_tensor(indices)], name=name)


def scatter_nd(indices: Any, updates: Any, shape: Any, name: str | None = None) -> Tensor:
    """Zeros of `shape` with `updates` summed in at `indices`."""
    indices = _int_tensor(indices)
    return out("ScatterNd", [indices, convert_to_tensor(updates), _int_tensor(shape, indices.dtype)],
               name=name)


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any,
                         name: str | None = None) -> Tensor:
    """Sums the rows of `data` that share a segment id into `num_segments` rows."""
    ids = _int_tensor(segment_ids)
    n = num_segments if isinstance(num_segments, Tensor) else constant(int(num_segments),
                                                                       dtypes.int32)
    return out("UnsortedSegmentSum", [convert_to_tensor(data), ids, n], name=name)


def boolean_mask(tensor: Any, mask: Any, name: str = "boolean_mask", axis: int | None = None
                 ) -> Tensor:
    """The elements (or slices) of `tensor` where the bool `mask` is true, flattened over the
    mask's dimensions, which start at `axis` (default 0)."""
    from .array import reshape, shape

    tensor, mask = convert_to_tensor(tensor), convert_to_tensor(mask)
    axis = axis or 0
    k = mask.shape.ndims
    if k is None:
        raise ValueError("boolean_mask needs a mask of known rank")
    dims = shape(tensor)
    leading = [dims[axis + j] for j in builtins.range(k)]
    flat_n = leading[0]
    for d in leading[1:]:
        flat_n = flat_n * d
    flat_shape = concat([dims[:axis], stack([flat_n]), dims[axis + k:]], 0)
    flat = reshape(tensor, flat_shape)
    keep = reshape(out("Where", [reshape(mask, [-1])]), [-1])
    return gather(flat, keep, axis=axis, name=name)


# ---- layout -------------------------------------------------------------------------------------
def transpose(a: Any, perm: Any = None, name: str = "transpose", conjugate: bool = False
              ) -> Tensor:
    """Permutes dimensions; the default `perm` reverses them."""
    a = convert_to_tensor(a)
    if perm is None:
        if a.shape.ndims is None:
            from .array import rank

            r = rank(a)
            perm = range(r - 1, -1, -1)
        else:
            perm = list(reversed(builtins.range(a.shape.ndims)))
    with op_scope([a], name, "transpose") as scope:
        return out("Transpose", [a, _int_tensor(perm, name="perm")], name=scope)


def invert_permutation(x: Any, name: str | None = None) -> Tensor:
    """y[x[i]] = i."""
    return out("InvertPermutation", [_int_tensor(x)], name=name)


def expand_dims(input: Any, axis: Any = None, name: str | None = None, dim: Any = None  # noqa: A002
                ) -> Tensor:
    """Inserts a dimension of size 1 at `axis`."""
    axis = _static_int(axis if axis is not None else dim, "expand_dims axis")
    return out("ExpandDims", [convert_to_tensor(input)], {"axis": axis}, name)


def squeeze(input: Any, axis: Any = None, name: str | None = None,  # noqa: A002
            squeeze_dims: Any = None) -> Tensor:
    """Removes dimensions of size 1 (all of them, or those in `axis`)."""
    axis = axis if axis is not None else squeeze_dims
    axes = [] if axis is None else [int(a) for a in np.reshape(axis, -1)]
    return out("Squeeze", [convert_to_tensor(input)], {"squeeze_dims": axes}, name)


def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Repeats `input` multiples[i] times along dimension i."""
    with op_scope([input], name, "Tile") as scope:
        return out("Tile", [convert_to_tensor(input), _int_tensor(multiples, name="multiples")],
                   name=scope)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", name: str | None = None,
        constant_values: Any = 0) -> Tensor:
    """Pads each dimension by paddings[i] = [before, after]; `mode` is CONSTANT (with
    `constant_values`), REFLECT or SYMMETRIC (case-insensitive).

    Raises:
        ValueError: for an unknown mode.
    """
    mode = mode.upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    with op_scope([tensor], name, "Pad") as scope:
        tensor = convert_to_tensor(tensor)
        inputs = [tensor, _int_tensor(paddings, name="paddings")]
        if mode == "CONSTANT" and not (np.isscalar(constant_values) and constant_values == 0):
            inputs.append(operands(tensor, constant_values)[1])
        return out("Pad", inputs, {"mode": mode}, scope)


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    """Reverses the given dimensions."""
    with op_scope([tensor], name, "ReverseV2") as scope:
        return out("ReverseV2", [convert_to_tensor(tensor), _int_tensor(axis, name="axis")],
                   name=scope)


reverse_v2 = reverse


# ---- index generators ---------------------------------------------------------------------------
def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: str = "range") -> Tensor:
    """[start, start + delta, ...) below `limit`; `tf.range(n)` counts from 0. The dtype is
    int32 for integer arguments, float32 when any is a float, unless given."""
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    if dtype is None:
        kinds = [a.dtype if isinstance(a, Tensor) else convert_to_tensor(a).dtype for a in args]
        dtype = max(kinds, key=lambda d: (d.is_floating, d.size))
    dtype = dtypes.as_dtype(dtype)
    from .math import cast

    with op_scope(args, name, "range") as scope:
        tensors = [cast(a, dtype) if isinstance(a, Tensor) else constant(a, dtype, name=part)
                   for a, part in zip(args, ("start", "limit", "delta"))]
        return out("Range", tensors, name=scope)


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None,
            axis: int | None = None, dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot vectors of length `depth` along a new `axis` (default last): `on_value` (1) at
    the index, `off_value` (0) elsewhere; out-of-range indices give all-off vectors."""
    given = next((v for v in (on_value, off_value) if isinstance(v, Tensor)), None)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else (
        given.dtype if given is not None else dtypes.float32)
    on = convert_to_tensor(1 if on_value is None else on_value, dtype)
    off = convert_to_tensor(0 if off_value is None else off_value, dtype)
    depth = depth if isinstance(depth, Tensor) else constant(int(depth), dtypes.int32)
    return out("OneHot", [_int_tensor(indices), depth, on, off],
               {"axis": -1 if axis is None else int(axis)}, name)


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = dtypes.bool_,
                  name: str | None = None) -> Tensor:
    """mask[..., j] = j < lengths[...]; `maxlen` defaults to max(lengths)."""
    from .math import cast, less, reduce_max

    lengths = _int_tensor(lengths)
    if maxlen is None:
        maxlen = reduce_max(lengths)
    positions = range(0, maxlen, 1, dtype=lengths.dtype)
    mask = less(positions, expand_dims(lengths, -1))
    dtype = dtypes.as_dtype(dtype)
    return mask if dtype == dtypes.bool_ else cast(mask, dtype, name=name)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None
                  ) -> Tensor:
    """min(max(t, clip_value_min), clip_value_max) elementwise; the gradient flows where t is
    inside the range."""
    from .math import maximum, minimum

    t = convert_to_tensor(t)
    return minimum(maximum(t, clip_value_min), clip_value_max, name=name)
