"""Builders of the TensorList ops (ops/tensor_list*.py): what `tf.TensorArray` and the list
gradients create. A list is a `tf.variant` scalar tensor; element shapes are given as static
dims (a list with None entries, or None for an unknown rank)."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import op, out


def _dims(shape: Any) -> tuple[int | None, ...] | None:
    """Static element dims as the ops' `element_shape` attribute (a tuple or None)."""
    if shape is None or getattr(shape, "ndims", 0) is None:
        return None
    dims = shape.as_list() if hasattr(shape, "as_list") else list(shape)
    return tuple(None if d is None else int(d) for d in dims)


def shape_tensor(shape: Any) -> Tensor:
    """An element shape as the list ops' input: int32 vector, -1 unknown dims, scalar -1 for an
    unknown rank; a Tensor passes through."""
    if isinstance(shape, Tensor):
        return shape
    dims = _dims(shape)
    if dims is None:
        return constant(np.array(-1, np.int32), name="element_shape")
    return constant(np.array([-1 if d is None else d for d in dims], np.int32).reshape(len(dims)),
                    name="element_shape")


def reserve(element_shape: Any, num_elements: Any, element_dtype: Any, array_name: str = "",
            name: str | None = None, handle_name: str = "") -> Tensor:
    """A list of `num_elements` unwritten slots (`array_name`: shown in errors; `handle_name`:
    a TensorArray's unique op name, which keeps two arrays from being merged)."""
    n = convert_to_tensor(num_elements, dtype=dtypes.int32)
    return out("TensorListReserve", [shape_tensor(element_shape), n],
               {"element_dtype": dtypes.as_dtype(element_dtype), "array_name": array_name,
                "handle_name": handle_name}, name)


def reserve_like(handle: Tensor, element_dtype: Any) -> Tensor:
    """An unwritten list of `handle`'s length and run-time element shape (gradient lists)."""
    return reserve(out("TensorListElementShape", [handle]), length(handle), element_dtype)


def from_tensor(tensor: Any, name: str | None = None) -> Tensor:
    """The list of `tensor`'s rows."""
    tensor = convert_to_tensor(tensor)
    element_shape = None if tensor.shape.ndims is None else tensor.shape.as_list()[1:]
    return out("TensorListFromTensor", [tensor, shape_tensor(element_shape)], name=name)


def length(handle: Tensor, name: str | None = None) -> Tensor:
    """The list's number of slots (int32 scalar)."""
    return out("TensorListLength", [handle], name=name)


def set_item(handle: Tensor, index: Any, item: Any, name: str | None = None, **flags: Any) -> Tensor:
    """The list with slot `index` set to `item` (flags: write_mode, resize, infer_shape)."""
    return out("TensorListSetItem", [handle, convert_to_tensor(index, dtype=dtypes.int32),
                                     convert_to_tensor(item)], flags, name)


def get_item(handle: Tensor, index: Any, element_dtype: Any, element_shape: Any,
             clear_after_read: bool = False, name: str | None = None) -> Tensor:
    """Element `index` of the list."""
    return out("TensorListGetItem", [handle, convert_to_tensor(index, dtype=dtypes.int32)],
               _read_attrs(element_dtype, element_shape, clear_after_read, handle, name), name)


def stack(handle: Tensor, element_dtype: Any, element_shape: Any, num_elements: int = -1,
          clear_after_read: bool = False, name: str | None = None) -> Tensor:
    """All elements stacked along a new first dimension."""
    attrs = _read_attrs(element_dtype, element_shape, clear_after_read, handle, name)
    attrs["num_elements"] = -1 if num_elements is None else int(num_elements)
    return out("TensorListStack", [handle], attrs, name)


def gather(handle: Tensor, indices: Any, element_dtype: Any, element_shape: Any,
           clear_after_read: bool = False, name: str | None = None) -> Tensor:
    """The elements at `indices` stacked."""
    return out("TensorListGather", [handle, convert_to_tensor(indices, dtype=dtypes.int32)],
               _read_attrs(element_dtype, element_shape, clear_after_read, handle, name), name)


def scatter(handle: Tensor, tensor: Any, indices: Any, name: str | None = None,
            **flags: Any) -> Tensor:
    """The list with `tensor[k]` written at `indices[k]`."""
    return out("TensorListScatter", [handle, convert_to_tensor(tensor),
                                     convert_to_tensor(indices, dtype=dtypes.int32)], flags, name)


def concat(handle: Tensor, element_dtype: Any, element_shape: Any, leading_dims: Any = None,
           clear_after_read: bool = False, name: str | None = None) -> tuple[Tensor, Tensor]:
    """(elements concatenated along their first dimension, their lengths as int64)."""
    if leading_dims is None:
        leading_dims = constant(np.zeros([0], np.int64), name="leading_dims")
    created = op("TensorListConcat", [handle, convert_to_tensor(leading_dims)],
                 _read_attrs(element_dtype, element_shape, clear_after_read, handle, name), name)
    return created.outputs[0], created.outputs[1]


def split(handle: Tensor, tensor: Any, lengths: Any, name: str | None = None, **flags: Any) -> Tensor:
    """The list with `tensor`'s pieces of `lengths` rows written at 0, 1, ..."""
    return out("TensorListSplit", [handle, convert_to_tensor(tensor), convert_to_tensor(lengths)],
               flags, name)


def zeros_like(handle: Tensor, name: str | None = None) -> Tensor:
    """A list like `handle` with every slot unwritten (they read as zeros)."""
    return out("TensorListZerosLike", [handle], name=name)


def add_n(handles: list[Tensor], name: str | None = None) -> Tensor:
    """The elementwise sum of gradient lists."""
    return out("TensorListAddN", list(handles), name=name)


def _read_attrs(element_dtype: Any, element_shape: Any, clear_after_read: bool, handle: Tensor,
                name: str | None) -> dict[str, Any]:
    attrs = {"element_dtype": dtypes.as_dtype(element_dtype), "element_shape": _dims(element_shape),
             "clear_after_read": bool(clear_after_read)}
    if clear_after_read and name:
        # the op's own (unique) name: two reads that clear are two reads, never merged into one
        attrs["read_name"] = handle.graph.unique_name(name, mark_as_used=False)
    return attrs
