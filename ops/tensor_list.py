"""TensorList ops that make, measure and add list values (`tf.variant` scalars holding a
`TensorListValue`): EmptyTensorList, TensorListReserve, TensorListFromTensor, TensorListLength,
TensorListElementShape, and the two gradient aggregations TensorListZerosLike and TensorListAddN.
The ops that read and write elements are in tensor_list_access.py.

These ops run on host objects, so they are not covered by the sample-driven conformance suite
(it feeds numpy arrays): tests/ops/test_tensor_list.py checks their kernels, errors and
gradients. Their CUDA builders (graphflow.cuda.tensor_list) keep the elements on the device.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework import dtypes, errors
from graphflow.framework.tensor_shape import TensorShape

from .registry import OpDef, Spec, register
from .tensor_list_value import (
    HOST,
    ListError,
    TensorListValue,
    add_lists,
    as_list,
    shape_from_tensor,
)

#: The type names of every TensorList op (the conformance suite's sample walk skips them).
LIST_OPS: set[str] = set()


def list_spec() -> Spec:
    """The spec of a list value: a variant scalar."""
    return Spec(TensorShape([]), dtypes.variant)


def element_dims(shape: Any) -> list[int | None] | None:
    """An element-shape attribute (tuple with None entries, or None) as TensorShape dims."""
    return None if shape is None else list(shape)


class ListOp(OpDef):
    """Base of the list ops: the CPU kernel is the reference, its `ListError`s raised as the
    TF1 error class they name, with the op attached (the session stays usable)."""

    def compute(self, attrs: Any, arrays: Any, *xs: Any) -> Any:
        """The op on element arrays that `arrays` handles (numpy's HOST, or device arrays)."""
        raise NotImplementedError(f"{self.type} has no implementation")

    def reference(self, attrs, *xs):
        return self.compute(attrs, HOST, *xs)

    def cpu_kernel(self, node):
        return error_mapping(node, self.reference)

    def samples(self, rng):  # run on host objects: see tests/ops/test_tensor_list.py
        return []


def error_mapping(node: Any, compute: Any) -> Any:
    """`compute(attrs, *xs)` for `node`, its ListErrors raised as TF1 errors naming the op."""
    attrs = node.attrs

    def run(*xs):
        try:
            return compute(attrs, *xs)
        except ListError as e:
            raise getattr(errors, e.error_class)(None, node.op, f"{node.type}: {e}") from None

    return run


def register_list_op(cls: type[OpDef]) -> type[OpDef]:
    """`register`, recording the op as a TensorList op."""
    LIST_OPS.add(cls.type)
    return register(cls)


def _element_dtype(attrs: Any) -> dtypes.DType:
    return dtypes.as_dtype(attrs["element_dtype"])


@register_list_op
class EmptyTensorList(ListOp):
    """A list of no elements: inputs element_shape (int vector, -1 unknown dims, or the scalar
    -1) and max_num_elements (kept for TF2's signature; -1 unbounded); attrs element_dtype and
    name (the TensorArray's, for messages)."""

    type = "EmptyTensorList"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    differentiable = False
    defaults = {"array_name": ""}

    def infer(self, inputs, attrs):
        return [list_spec()]

    def compute(self, attrs, arrays, element_shape, max_num_elements):
        return TensorListValue((), _element_dtype(attrs), shape_from_tensor(arrays.ints(element_shape)),
                               attrs.get("array_name", ""))


@register_list_op
class TensorListReserve(ListOp):
    """A list of `num_elements` unwritten slots (they read as zeros of a fully known element
    shape): inputs element_shape, num_elements; attrs element_dtype, array_name (for
    messages) and handle_name (a TensorArray's unique op name: distinct arrays never merge)."""

    type = "TensorListReserve"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    differentiable = False
    defaults = {"array_name": "", "handle_name": ""}

    def infer(self, inputs, attrs):
        return [list_spec()]

    def compute(self, attrs, arrays, element_shape, num_elements):
        n = int(arrays.ints(num_elements))
        if n < 0:
            raise ListError(f"Size should be >= 0, got {n}")
        return TensorListValue((None,) * n, _element_dtype(attrs),
                               shape_from_tensor(arrays.ints(element_shape)),
                               attrs.get("array_name", ""))


@register_list_op
class TensorListFromTensor(ListOp):
    """The list of `tensor`'s rows (TensorListStack's inverse); input element_shape is the
    shape rows must be compatible with."""

    type = "TensorListFromTensor"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}

    def infer(self, inputs, attrs):
        if inputs[0].rank == 0:
            raise ValueError("TensorListFromTensor: tensor must be at least a vector, but saw "
                             "shape: []")
        return [list_spec()]

    def compute(self, attrs, arrays, tensor, element_shape):
        tensor = arrays.asarray(tensor)
        rows = tuple(arrays.row(tensor, i) for i in range(tensor.shape[0]))
        return TensorListValue(rows, dtypes.from_numpy(np.dtype(tensor.dtype)), tuple(tensor.shape[1:]))

    def grad(self, op, dlist):
        from graphflow.api import list_ops

        tensor = op.inputs[0]
        rows = tensor.shape[1:].as_list() if tensor.shape.ndims is not None else None
        dtensor = list_ops.stack(dlist, tensor.dtype, rows)
        dtensor.set_shape(tensor.shape)
        return [dtensor, None]


@register_list_op
class TensorListLength(ListOp):
    """The number of slots (int32 scalar); kept in host memory as TF1's TensorArray size."""

    type = "TensorListLength"
    host_memory = True
    differentiable = False

    def infer(self, inputs, attrs):
        return [Spec(TensorShape([]), dtypes.int32)]

    def compute(self, attrs, arrays, handle):
        return np.array(len(as_list(handle).items), np.int32)


@register_list_op
class TensorListElementShape(ListOp):
    """The element shape known at run time, as TF2's list ops take it (int32 vector, -1 for an
    unknown dim; the scalar -1 for an unknown rank)."""

    type = "TensorListElementShape"
    host_memory = True
    differentiable = False

    def infer(self, inputs, attrs):
        return [Spec(TensorShape(None), dtypes.int32)]

    def compute(self, attrs, arrays, handle):
        shape = as_list(handle).element_shape
        if shape is None:
            return np.array(-1, np.int32)
        return np.array([-1 if d is None else d for d in shape], np.int32).reshape(len(shape))


@register_list_op
class TensorListZerosLike(ListOp):
    """A list of the same size, element dtype and shape with every slot unwritten (reading as
    zeros): zeros_like of a list value, what gradients start unused list outputs from."""

    type = "TensorListZerosLike"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}
    differentiable = False

    def infer(self, inputs, attrs):
        return [list_spec()]

    def compute(self, attrs, arrays, handle):
        lst = as_list(handle)
        return lst.with_items((None,) * len(lst.items))


@register_list_op
class TensorListAddN(ListOp):
    """Elementwise sum of gradient lists: a slot written in one list only keeps its element
    (AddN of variants, how tf.gradients aggregates list gradients)."""

    type = "TensorListAddN"
    kernels = {"cuda": "graphflow.cuda.tensor_list:build_list_op"}

    def infer(self, inputs, attrs):
        return [list_spec()]

    def compute(self, attrs, arrays, *handles):
        total = as_list(handles[0])
        for handle in handles[1:]:
            total = add_lists(total, as_list(handle), arrays)
        return total

    def grad(self, op, dlist):
        return [dlist] * len(op.inputs)
