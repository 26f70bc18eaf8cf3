"""Array API: placeholders, shapes, reshaping, filling, identity (`tf.placeholder`, `tf.shape`,
`tf.reshape`, `tf.zeros`, ...). Slicing, joining and gathering live in `api/indexing.py`."""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor
from graphflow.framework.tensor_shape import TensorShape

from ._build import op_scope, out


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> Tensor:
    """A tensor whose value must be fed at run time (`feed_dict`).

    Args:
        dtype: element type.
        shape: static shape; `None` dims (or `shape=None`) accept any size there.
        name: op name (default "Placeholder").
    """
    shape = TensorShape(shape)
    return get_default_graph().create_op(
        "Placeholder", [], {"dtype": dtypes.as_dtype(dtype), "shape": shape.dims},
        name or "Placeholder",
    ).outputs[0]


def placeholder_with_default(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Like `input` unless fed; `shape` may be less specific than the default's."""
    x = convert_to_tensor(input)
    return out("PlaceholderWithDefault", [x], {"shape": TensorShape(shape).dims}, name)


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF1 name
    """Returns a tensor with the same value (a new op, e.g. to name a value)."""
    return out("Identity", [convert_to_tensor(input)], name=name)


def stop_gradient(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Identity whose gradient is zero (treated as a constant by `tf.gradients`)."""
    return out("StopGradient", [convert_to_tensor(input)], name=name)


def check_numerics(tensor: Any, message: str, name: str | None = None) -> Tensor:
    """Identity that fails with InvalidArgumentError("<message> : Tensor had NaN values")."""
    return out("CheckNumerics", [convert_to_tensor(tensor)], {"message": message}, name)


def shape(input: Any, name: str | None = None, out_type: Any = dtypes.int32) -> Tensor:  # noqa: A002
    """The shape of `input` as a 1-D int32 tensor."""
    return out("Shape", [convert_to_tensor(input)], {"out_type": dtypes.as_dtype(out_type)}, name)


def size(input: Any, name: str | None = None, out_type: Any = dtypes.int32) -> Tensor:  # noqa: A002
    """The number of elements of `input` as a scalar."""
    return out("Size", [convert_to_tensor(input)], {"out_type": dtypes.as_dtype(out_type)}, name)


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The rank of `input` as a scalar int32."""
    return out("Rank", [convert_to_tensor(input)], name=name)


def _shape_tensor(shape: Any, name: str = "Const") -> Tensor:
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, Tensor):
        return shape
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        from .indexing import stack

        return stack([convert_to_tensor(d, dtypes.int32) if isinstance(d, Tensor)
                      else constant(int(d), dtypes.int32) for d in shape], name=name)
    return constant(np.asarray([int(d) for d in np.reshape(shape, -1)], np.int32)
                    .reshape(np.shape(shape)), dtypes.int32, name=name)


def with_shape_of(result: Tensor, shape: Tensor) -> Tensor:
    """Refines `result`'s static shape when `shape` is `tf.shape(t)`: the result then has t's
    static shape, even where t's shape is only partly known (TF's constant_value_as_shape)."""
    if shape.op.type == "Shape":
        source = shape.op.inputs[0].shape
        if source.ndims is not None and result.shape.is_compatible_with(source):
            result.set_shape(source)
    return result


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """Reshapes to `shape` (one entry may be -1).

    Raises:
        ValueError: when the element counts are known and differ.
    """
    with op_scope([tensor], name, "Reshape") as scope:
        shape = _shape_tensor(shape, name="shape")
        return with_shape_of(out("Reshape", [convert_to_tensor(tensor), shape], name=scope),
                             shape)


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Broadcasts `input` to `shape` with numpy rules."""
    with op_scope([input], name, "BroadcastTo") as scope:
        shape = _shape_tensor(shape, name="shape")
        return with_shape_of(out("BroadcastTo", [convert_to_tensor(input), shape], name=scope),
                             shape)


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value`."""
    dims = _shape_tensor(dims)
    return with_shape_of(out("Fill", [dims, convert_to_tensor(value)], name=name), dims)


def _filled(shape: Any, dtype: Any, fill_value: int, name: str) -> Tensor:
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, Tensor) or (isinstance(shape, (list, tuple))
                                     and any(isinstance(d, Tensor) for d in shape)):
        return fill(shape, constant(fill_value, dtype), name=name)
    dims = TensorShape(shape).as_list() if isinstance(shape, TensorShape) else shape
    return constant(np.full([int(d) for d in np.reshape(dims, -1)], fill_value, dtype.np),
                    dtype, name=name)


def zeros(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """A tensor of zeros."""
    return _filled(shape, dtype, 0, name or "zeros")


def ones(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """A tensor of ones."""
    return _filled(shape, dtype, 1, name or "ones")


def _slice_helper(tensor: Tensor, key: Any) -> Tensor:
    from .indexing import slice_helper

    return slice_helper(tensor, key)


# ---- TF1 names composed of the functions above ---------------------------------------------------
def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """Swaps the last two dimensions (`tf.linalg.matrix_transpose`, `tf.linalg.transpose`).

    Raises:
        ValueError: for a tensor of rank below 2 or of unknown rank.
    """
    from .indexing import transpose

    with op_scope([a], name, "matrix_transpose") as scope:
        a = convert_to_tensor(a)
        ndims = a.shape.ndims
        if ndims is None or ndims < 2:
            raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2. Found: "
                             f"{a.shape}")
        return transpose(a, [*range(ndims - 2), ndims - 1, ndims - 2], name=scope)



def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """An identity matrix [num_rows, num_columns] (ones on the main diagonal), repeated over
    `batch_shape` (`tf.eye`, `tf.linalg.eye`).

    Raises:
        TypeError: when a size is a tensor (graphflow builds the matrix as a constant).
    """
    sizes = [num_rows, num_columns, *(batch_shape if batch_shape is not None else [])]
    if any(isinstance(s, Tensor) or hasattr(s, "_as_graph_tensor") for s in sizes):
        raise TypeError("eye: num_rows, num_columns and batch_shape must be Python ints here, "
                        "not tensors")
    matrix = np.eye(int(num_rows), None if num_columns is None else int(num_columns),
                    dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    if batch_shape is not None:
        matrix = np.broadcast_to(matrix, [*map(int, batch_shape), *matrix.shape]).copy()
    return constant(matrix, name=name or "eye")
