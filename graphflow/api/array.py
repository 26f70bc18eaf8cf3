"""Array API: placeholders, shapes, reshaping, filling, identity (`tf.placeholder`, `tf.shape`,
`tf.reshape`, `tf.zeros`, ...). Slicing, joining and gathering live in `api/indexing.py`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor
from graphflow.framework.tensor_shape import TensorShape

from ._build import op_scope, out
from .static_shape import constant_value_as_shape


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
    dims = [int(d) for d in np.reshape(shape, -1)]
    # int64 only where a dimension needs it, as TF1's shape conversion
    dtype = np.int64 if any(abs(d) >= 2**31 for d in dims) else np.int32
    return constant(np.asarray(dims, dtype).reshape(np.shape(shape)), dtypes.as_dtype(dtype),
                    name=name)


def with_shape_of(result: Tensor, shape: Tensor) -> Tensor:
    """Refines `result`'s static shape by what the shape tensor `shape` is known to hold before
    running (`static_shape.constant_value_as_shape`: `tf.shape(t)` gives t's static shape,
    `tf.stack([tf.shape(x)[0], 128])` gives [?, 128]), as TF1's shape functions do."""
    known = constant_value_as_shape(shape)
    if known.ndims is not None and result.shape.is_compatible_with(known):
        result.set_shape(known)
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
    """A tensor of shape `dims` filled with the scalar `value`: the graph holds the scalar and
    the shape, never the filled tensor (TF1's Fill).

    Args:
        dims: the shape: a 1-D int tensor, or a list or tuple of ints (and int tensors).
        value: the scalar to repeat (a tensor or a Python or numpy value).
        name: op name (default "Fill"); converted arguments are named "<name>/dims" and
            "<name>/value", as in TF1.

    Returns:
        The Fill op's output, of `value`'s dtype.

    Raises:
        ValueError: when `value` is not a scalar or a dimension is negative.
    """
    with op_scope([dims, value], name, "Fill") as scope:
        known = _partial_dims(dims)
        dims = _shape_tensor(dims, name="dims")
        value = convert_to_tensor(value, name="value")
        result = with_shape_of(out("Fill", [dims, value], name=scope), dims)
        if known is not None and result.shape.is_compatible_with(known):
            result.set_shape(known)  # [n, 2] with a tensor n: [?, 2] (TF1's constant_value)
        return result


def _partial_dims(dims: Any) -> list[int | None] | None:
    """The static shape of a list of ints and scalar int tensors (None where a tensor is)."""
    if not isinstance(dims, (list, tuple)):
        return None
    return [None if isinstance(d, Tensor) or hasattr(d, "_as_graph_tensor") else int(d)
            for d in dims]


#: A filled tensor of fewer elements than this is a constant, a larger one Fill(shape, scalar)
#: (TF1's `_constant_if_small`): graphs, meta graphs and build-time memory stay small whatever
#: the shape (`tf.zeros([16000, 16000])` is a few hundred bytes of graph and allocates nothing).
SMALL_FILL_ELEMENTS = 1000


def _static_dims(shape: Any) -> list[int] | None:
    """The dims of a shape given without tensors, else None (then the shape is a tensor)."""
    if isinstance(shape, Tensor) or hasattr(shape, "_as_graph_tensor"):
        return None
    if isinstance(shape, (list, tuple)) and any(
            isinstance(d, Tensor) or hasattr(d, "_as_graph_tensor") for d in shape):
        return None
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    return [int(d) for d in np.reshape(np.asarray(shape, dtype=object), -1)]


def _filled(shape: Any, dtype: Any, one: bool, name: str | None, default: str) -> Tensor:
    """`tf.zeros` (one=False) or `tf.ones` (one=True) as TF1 builds them: a constant named
    `name` below SMALL_FILL_ELEMENTS elements, else `name` = Fill(`name`/shape_as_tensor,
    `name`/Const)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype == dtypes.string:
        if one:
            raise TypeError("Expected string, got 1 of type 'int' instead.")
        scalar: Any = ""
    else:
        scalar = bool(one) if dtype.is_bool else int(one)
    with op_scope([shape], name, default) as scope:
        dims = _static_dims(shape)
        if dims is not None:
            if math.prod(dims) < SMALL_FILL_ELEMENTS:
                return constant(scalar, dtype, shape=dims, name=scope)
            shape = _shape_tensor(dims, name="shape_as_tensor")
        elif isinstance(shape, (list, tuple)):  # ints and scalar tensors: packed, as TF1
            known = _partial_dims(shape)
            result = fill(_shape_tensor(shape, name="packed"), constant(scalar, dtype), name=scope)
            result.set_shape(known)
            return result
        else:  # a tensor; a scalar size is one dimension
            shape = convert_to_tensor(shape)
            if shape.shape.ndims == 0:
                shape = reshape(shape, [-1])
        return fill(shape, constant(scalar, dtype), name=scope)


def zeros(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """A tensor of zeros (b"" for strings, False for bools).

    Args:
        shape: a list or tuple of ints, a TensorShape, or a 1-D int tensor.
        dtype: the element type.
        name: op name (default "zeros").

    Returns:
        A constant below 1000 elements, else a Fill of a scalar zero (TF1's graph).
    """
    return _filled(shape, dtype, False, name, "zeros")


def ones(shape: Any, dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """A tensor of ones (True for bools).

    Args:
        shape: a list or tuple of ints, a TensorShape, or a 1-D int tensor.
        dtype: the element type.
        name: op name (default "ones").

    Returns:
        A constant below 1000 elements, else a Fill of a scalar one (TF1's graph).

    Raises:
        TypeError: for dtype string (a string has no one).
    """
    return _filled(shape, dtype, True, name, "ones")


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
