"""TensorList ops that write and read elements: TensorListSetItem, TensorListGetItem,
TensorListStack, TensorListGather, TensorListScatter, TensorListConcat and TensorListSplit.

Writing ops take TF1's TensorArray flags as attributes (`write_mode` "once" / "overwrite" /
"aggregate", `resize` for dynamic_size, `infer_shape`); reading ops take `clear_after_read` and
the static `element_shape` their output has (the list's shape lives in the value, not in its
variant spec). Gradients follow TF2's list ops: SetItem <-> GetItem, Stack <-> FromTensor,
Gather <-> Scatter, Concat <-> Split; gradient lists are written with "overwrite" or
"aggregate" (TF1's gradient TensorArrays add up repeated writes).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from .registry import Spec, register
from .tensor_list import LIST_OPS, ListOp, element_dims, list_spec
from .tensor_list_value import (
    ListError,
    TensorListValue,
    as_list,
    format_shape,
    fully_defined,
    merge_shapes,
    read_items,
    write_items,
)

_WRITE_DEFAULTS = {"write_mode": "once", "resize": False, "infer_shape": True}
_READ_DEFAULTS = {"clear_after_read": False, "element_shape": None, "read_name": ""}


def _list_op(cls):
    LIST_OPS.add(cls.type)
    return register(cls)


def _element_spec(attrs, leading=()) -> Spec:
    dims = element_dims(attrs.get("element_shape"))
    shape = TensorShape(None) if dims is None else TensorShape(list(leading) + dims)
    return Spec(shape, dtypes.as_dtype(attrs["element_dtype"]))


def _int(x) -> int:
    return int(x)  # a 0-d integer array or a Python int


def _static_dims(tensor, drop: int = 0):
    """A tensor's static dims from position `drop` on (None for an unknown rank)."""
    return None if tensor.shape.ndims is None else tensor.shape.as_list()[drop:]


@_list_op
class TensorListSetItem(ListOp):
    """The list with slot `index` set to `item`."""

    type = "TensorListSetItem"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = _WRITE_DEFAULTS

    def infer(self, inputs, attrs):
        return [list_spec()]

    def compute(self, attrs, arrays, handle, index, item):
        return write_items(as_list(handle), [(_int(arrays.ints(index)), arrays.asarray(item))], attrs,
                           arrays)

    def grad(self, op, dlist):
        from graphflow.api import list_ops
        from graphflow.api.math import zeros_like

        _, index, item = op.inputs
        cleared = list_ops.set_item(dlist, index, zeros_like(item), write_mode="overwrite",
                                    infer_shape=False, resize=True)
        ditem = list_ops.get_item(dlist, index, item.dtype, _static_dims(item))
        return [cleared, None, ditem]


@_list_op
class TensorListGetItem(ListOp):
    """Element `index` (zeros of the element shape when unwritten and that shape is known)."""

    type = "TensorListGetItem"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    aliases_input = True  # the element array itself: a fetch of it is copied
    defaults = _READ_DEFAULTS

    def infer(self, inputs, attrs):
        return [_element_spec(attrs)]

    def compute(self, attrs, arrays, handle, index):
        return read_items(as_list(handle), [_int(arrays.ints(index))], attrs, arrays)[0]

    def cpu_kernel(self, node):
        # A loop reads one element per iteration (dynamic_rnn's input, a TensorArray read with
        # clear_after_read=True, TF1's default): a written slot of a list value not read before
        # is returned at once, its read recorded (0.21 us a call against the general path's 0.84);
        # every other case takes that path: bounds, cleared slots, zeros.
        general = super().cpu_kernel(node)
        clear = bool(node.attrs.get("clear_after_read", False))

        def get_item(handle, index):
            if type(handle) is TensorListValue:
                item = handle.take_written(int(index), clear)
                if item is not None:
                    return item
            return general(handle, index)

        return get_item

    def grad(self, op, ditem):
        from graphflow.api import list_ops

        handle, index = op.inputs
        fresh = list_ops.reserve_like(handle, ditem.dtype)
        return [list_ops.set_item(fresh, index, ditem, write_mode="overwrite", infer_shape=False),
                None]


def _stack(lst, items, attrs, leading_zero_shape, arrays):
    """The elements stacked, or TF1's empty result (or error) for an empty list."""
    if items:
        try:
            return arrays.stack(items)
        except ValueError as e:
            raise ListError(f"elements have different shapes: {e}") from None
    shape = merge_shapes(lst.element_shape, attrs.get("element_shape"))
    shape = lst.element_shape if shape is False else shape
    if not fully_defined(shape):
        raise ListError(f"TensorArray has size zero, but element shape {format_shape(shape)} is not "
                        "fully defined. Currently only static shapes are supported when packing "
                        "zero-size TensorArrays.", "UnimplementedError")
    return arrays.zeros(leading_zero_shape + tuple(shape), lst.element_dtype.np)


@_list_op
class TensorListStack(ListOp):
    """All elements stacked along a new first dimension (TensorArray.stack)."""

    type = "TensorListStack"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = {**_READ_DEFAULTS, "num_elements": -1}

    def infer(self, inputs, attrs):
        n = attrs.get("num_elements", -1)
        return [_element_spec(attrs, [None if n is None or n < 0 else n])]

    def compute(self, attrs, arrays, handle):
        lst = as_list(handle)
        return _stack(lst, read_items(lst, range(len(lst.items)), attrs, arrays), attrs, (0,), arrays)

    def grad(self, op, dy):
        from graphflow.api import list_ops

        return [list_ops.from_tensor(dy)]


@_list_op
class TensorListGather(ListOp):
    """The elements at `indices` (int vector) stacked (TensorArray.gather)."""

    type = "TensorListGather"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = _READ_DEFAULTS

    def infer(self, inputs, attrs):
        indices = inputs[1]
        if indices.rank not in (None, 1):
            raise ValueError(f"TensorListGather: indices must be a vector, got shape {indices.shape}")
        return [_element_spec(attrs, [None])]  # TF1's TensorArrayGatherV3: leading dim unknown

    def compute(self, attrs, arrays, handle, indices):
        lst = as_list(handle)
        rows = read_items(lst, [int(i) for i in arrays.ints(indices).reshape(-1)], attrs, arrays)
        return _stack(lst, rows, attrs, (0,), arrays)

    def grad(self, op, dy):
        from graphflow.api import list_ops

        handle, indices = op.inputs
        fresh = list_ops.reserve_like(handle, dy.dtype)
        return [list_ops.scatter(fresh, dy, indices, write_mode="aggregate", infer_shape=False),
                None]


@_list_op
class TensorListScatter(ListOp):
    """The list with `tensor[k]` written at `indices[k]` (TensorArray.scatter / unstack); a
    fixed-size list refuses indices past its size (TF1's message)."""

    type = "TensorListScatter"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = _WRITE_DEFAULTS

    def infer(self, inputs, attrs):
        _, tensor, indices = inputs
        if indices.rank not in (None, 1):
            raise ValueError(f"TensorListScatter: indices must be a vector, got shape {indices.shape}")
        if tensor.rank == 0:
            raise ValueError("TensorListScatter: tensor must be at least a vector")
        return [list_spec()]

    def compute(self, attrs, arrays, handle, tensor, indices):
        lst, tensor = as_list(handle), arrays.asarray(tensor)
        indices = [int(i) for i in arrays.ints(indices).reshape(-1)]
        check_scatter(lst, tensor.shape, indices, attrs)
        writes = [(i, arrays.row(tensor, k)) for k, i in enumerate(indices)]
        return write_items(lst, writes, attrs, arrays)

    def grad(self, op, dlist):
        from graphflow.api import list_ops
        from graphflow.api.math import zeros_like

        _, tensor, indices = op.inputs
        cleared = list_ops.scatter(dlist, zeros_like(tensor), indices, write_mode="overwrite",
                                   infer_shape=False, resize=True)
        dtensor = list_ops.gather(dlist, indices, tensor.dtype, _static_dims(tensor, 1))
        dtensor.set_shape(tensor.shape)  # one row per index, as the scattered tensor
        return [cleared, dtensor, None]


def check_scatter(lst, tensor_shape, indices, attrs) -> None:
    """TF1's checks of a scatter: one row per index, indices within a fixed size."""
    if len(tensor_shape) == 0 or tensor_shape[0] != len(indices):
        raise ListError(f"Expected len(indices) == values.shape[0], but saw: {len(indices)} vs. "
                        f"{tensor_shape[0] if tensor_shape else 'a scalar'}")
    if indices and not attrs.get("resize", False) and max(indices) >= len(lst.items):
        raise ListError(f"Max scatter index must be < array size ({max(indices)} vs. "
                        f"{len(lst.items)})")


@_list_op
class TensorListConcat(ListOp):
    """The elements concatenated along their first dimension, and their lengths (int64).
    Input leading_dims gives the first dimension of unwritten elements (TF2's ConcatV2); an
    empty vector when unknown."""

    type = "TensorListConcat"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = _READ_DEFAULTS

    def infer(self, inputs, attrs):
        dims = element_dims(attrs.get("element_shape"))
        shape = TensorShape(None) if dims is None else TensorShape([None] + dims[1:])
        return [Spec(shape, dtypes.as_dtype(attrs["element_dtype"])),
                Spec(TensorShape([None]), dtypes.int64)]

    def compute(self, attrs, arrays, handle, leading_dims):
        lst = as_list(handle)
        leading = arrays.ints(leading_dims).reshape(-1)
        static = attrs.get("element_shape")
        rows = []
        for i, item in enumerate(lst.items):
            if item is None and i < leading.size and lst.element_shape is not None:
                shape = merge_shapes(lst.element_shape[1:], None if static is None else static[1:])
                shape = lst.element_shape[1:] if shape is False else shape
                if fully_defined(shape):
                    lst.mark_read(i, attrs.get("clear_after_read", False))
                    rows.append(arrays.zeros((int(leading[i]),) + tuple(shape), lst.element_dtype.np))
                    continue
            rows.append(read_items(lst, [i], attrs, arrays)[0])
        for i, row in enumerate(rows):
            if len(row.shape) == 0:
                raise ListError(f"Concat saw a scalar shape at index {i} but requires at least "
                                "vectors.")
        lengths = np.array([r.shape[0] for r in rows], np.int64)
        if not rows:
            return _stack(lst, [], attrs, (0,), arrays).reshape(_empty_concat_shape(lst, attrs)), lengths
        try:
            return arrays.concatenate(rows), lengths
        except ValueError as e:
            raise ListError(f"elements' shapes differ past the first dimension: {e}") from None

    def grad(self, op, dy, dlengths):
        from graphflow.api import list_ops

        handle = op.inputs[0]
        fresh = list_ops.reserve_like(handle, dy.dtype)
        return [list_ops.split(fresh, dy, op.outputs[1], write_mode="overwrite", infer_shape=False),
                None]


@_list_op
class TensorListSplit(ListOp):
    """The list with `tensor`'s consecutive pieces of `lengths` rows written at 0, 1, ...
    (TensorArray.split)."""

    type = "TensorListSplit"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    defaults = _WRITE_DEFAULTS

    def infer(self, inputs, attrs):
        if inputs[1].rank == 0:
            raise ValueError("TensorListSplit: tensor must be at least a vector")
        return [list_spec()]

    def compute(self, attrs, arrays, handle, tensor, lengths):
        lst, tensor = as_list(handle), arrays.asarray(tensor)
        lengths = [int(n) for n in arrays.ints(lengths).reshape(-1)]
        check_split(tensor.shape, lengths)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
        pieces = [(k, arrays.rows(tensor, offsets[k], offsets[k + 1])) for k in range(len(lengths))]
        return write_items(lst, pieces, attrs, arrays)

    def grad(self, op, dlist):
        from graphflow.api import list_ops
        from graphflow.api.math import zeros_like

        _, tensor, lengths = op.inputs
        cleared = list_ops.split(dlist, zeros_like(tensor), lengths, write_mode="overwrite",
                                 infer_shape=False, resize=True)
        dtensor, _ = list_ops.concat(dlist, tensor.dtype, _static_dims(tensor), leading_dims=lengths)
        dtensor.set_shape(tensor.shape)
        return [cleared, dtensor, None]


def _empty_concat_shape(lst, attrs):
    """The shape of the concatenation of no elements: [0] + the element shape past its first
    dimension (a stack of zero elements has [0] + the whole element shape)."""
    shape = merge_shapes(lst.element_shape, attrs.get("element_shape"))
    shape = lst.element_shape if shape is False else shape
    return (0,) + tuple(shape[1:])


def check_split(tensor_shape, lengths) -> None:
    """TF1's check that the lengths cover the tensor's first dimension exactly."""
    if len(tensor_shape) == 0 or sum(lengths) != tensor_shape[0] or min(lengths, default=0) < 0:
        raise ListError("Expected sum of lengths to be equal to values.shape[0], but sum of lengths "
                        f"is {sum(lengths)} and value's shape is: {format_shape(tuple(tensor_shape))}")
