"""`tf.constant` and `convert_to_tensor`: turning Python and numpy values into graph tensors."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from .dtypes import DType
from .graph import get_default_graph
from .string_values import bytes_array, has_string_leaf, is_string_leaf
from .tensor import Operation, Tensor

#: Packs a list of tensors into one (`tf.stack`), for `convert_to_tensor` of a list that holds
#: tensors. Installed by graphflow.api.indexing: api/ sits above framework/ in the import order.
_pack: list[Callable[[Sequence[Any], str], Tensor]] = []


def install_pack(pack: Callable[[Sequence[Any], str], Tensor]) -> None:
    """Sets the function that stacks a list of tensors (`pack(values, name)`)."""
    _pack[:] = [pack]


def _infer_dtype(value: Any) -> DType:
    """TF1's default dtypes: Python floats -> float32, ints -> int32 (int64 if too large), bools
    -> bool, str/bytes -> string; numpy arrays and scalars keep their dtype.

    Raises:
        ValueError: for None (TF1's "None values not supported.").
        TypeError: for values of no tensor type (complex, mixed strings and numbers, objects).
    """
    if value is None:
        raise ValueError("None values not supported.")
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind == "O" and not all(map(is_string_leaf, np.ravel(value))):
            raise _unconvertible(value)
        return dtypes.as_dtype(value.dtype)
    if is_string_leaf(value):
        return dtypes.string
    try:
        arr = np.asarray(value)
    except ValueError as e:  # ragged lists, or bytes numpy cannot decode beside str
        if has_string_leaf(value):
            return dtypes.string if not _mixes_strings(value) else _raise(_unconvertible(value))
        raise ValueError(f"Failed to convert {value!r} to a Tensor: {e}") from None
    kind = arr.dtype.kind
    if kind in "USO":
        if kind != "O" and not _mixes_strings(value):
            return dtypes.string
        raise _unconvertible(value)
    if kind == "f":
        return dtypes.float32
    if kind == "u":  # numpy chose uint64: a Python int beyond int64
        return dtypes.uint64
    if kind == "i":
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return dtypes.int64
        return dtypes.int32
    if kind == "b":
        return dtypes.bool_
    if kind == "c":
        raise TypeError(f"Failed to convert {value!r} to a Tensor: graphflow does not support "
                        "complex tensors.")
    raise _unconvertible(value)


def _raise(error: Exception) -> Any:
    raise error


def _mixes_strings(value: Any) -> bool:
    """Whether nested lists hold strings beside non-strings (numpy would stringify the numbers)."""
    if isinstance(value, (list, tuple)):
        return any(_mixes_strings(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "SU"
    return not is_string_leaf(value)


def _unconvertible(value: Any) -> TypeError:
    return TypeError(f"Failed to convert elements of {value!r} to Tensor. Consider casting "
                     "elements to a supported type.")


def _leaves(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def _fits(leaf: Any, dtype: DType) -> bool:
    """Whether one Python element may become a `dtype` element (TF1's compatibility check)."""
    if dtype == dtypes.string:
        return is_string_leaf(leaf)
    if dtype.is_bool:
        return isinstance(leaf, (bool, np.bool_))
    if dtype.is_integer:
        return isinstance(leaf, (int, np.integer, np.bool_))
    return isinstance(leaf, (int, float, np.integer, np.floating, np.bool_))


def _mismatch(dtype: DType, value: Any) -> TypeError:
    """TF1's error naming the first element that `dtype` cannot hold."""
    bad = next((v for v in _leaves(value) if not _fits(v, dtype)), value)
    return TypeError(f"Expected {dtype.name}, got {bad!r} of type '{type(bad).__name__}' "
                     "instead.")


def _to_numpy(value: Any, dtype: DType | None) -> np.ndarray:
    """Converts a non-Tensor value, checking that Python values are representable (TF1).

    numpy values are converted with `astype` as TF1 does (float arrays truncate to integers);
    Python values must fit: 1.5 is no int32, 1 no bool, "a" no float32, 1 no string.
    """
    if dtype is None:
        dtype = _infer_dtype(value)
    elif value is None:
        raise ValueError("None values not supported.")
    if dtype == dtypes.string:
        if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind not in "OSU":
            raise TypeError(f"Expected string, got an array of {value.dtype} instead.")
        try:
            return bytes_array(value)
        except TypeError:
            raise _mismatch(dtype, value) if not isinstance(value, np.ndarray) else \
                TypeError(f"Expected string, got an array of {value.dtype} instead.") from None
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind in "OSU":
            raise TypeError(f"Expected {dtype.name}, got an array of strings ({value.dtype}) "
                            "instead.")
        if value.dtype.kind == "c":
            raise TypeError(f"Expected {dtype.name}, got an array of {value.dtype} instead: "
                            "graphflow does not support complex tensors.")
        with np.errstate(invalid="ignore", over="ignore"):  # TF1 casts silently, as numpy
            return np.asarray(value).astype(dtype.np, copy=False)
    try:
        arr = np.asarray(value)
    except ValueError as e:
        raise ValueError(f"Failed to convert {value!r} to a Tensor: {e}") from None
    if arr.dtype.kind in "OSUc":
        raise _mismatch(dtype, value) if has_string_leaf(value) or arr.dtype.kind == "c" \
            else _unconvertible(value)
    # an empty list is float64 to numpy but holds no element that could fail to fit
    if arr.dtype.kind == "f" and arr.size and (dtype.is_integer or dtype.is_bool):
        raise _mismatch(dtype, value)
    if arr.dtype.kind in "iu" and dtype.is_bool:
        raise _mismatch(dtype, value)
    out = np.asarray(arr, dtype=dtype.np)
    if arr.dtype.kind in "iu" and dtype.is_integer and not np.array_equal(out, arr):
        raise TypeError(f"Value {value!r} does not fit in {dtype.name}.")
    return out


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const",
             verify_shape: bool = False) -> Tensor:
    """Creates a constant tensor.

    Args:
        value: a Python scalar, nested list or numpy array.
        dtype: element type; inferred from `value` when None (Python floats -> float32).
        shape: optional shape; a scalar is broadcast to it, an array of the same size reshaped.
        name: op name.
        verify_shape: require `value` to already have `shape`.

    Returns:
        A Tensor whose op is a `Const`.

    Raises:
        TypeError: if a Python value cannot be represented in `dtype`.
        ValueError: if `value` cannot be given `shape`.
    """
    arr = _to_numpy(value, None if dtype is None else dtypes.as_dtype(dtype))
    if shape is not None:
        shape = [int(d) for d in (shape if isinstance(shape, (list, tuple)) else list(shape))]
        if verify_shape and list(arr.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {arr.shape}.")
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        else:
            raise ValueError(
                f"Too many elements provided. Needed at most {int(np.prod(shape))}, but received {arr.size}"
            )
    arr = np.array(arr, order="C", copy=True)  # our own copy: the caller's array stays writable
    arr.setflags(write=False)  # constants are shared by every run: never mutate them
    op = get_default_graph().create_op(
        "Const", [], {"value": arr, "dtype": dtypes.from_numpy(arr.dtype)}, name=name
    )
    return op.outputs[0]


def convert_to_tensor(value: Any, dtype: Any = None, name: str | None = None,
                      preferred_dtype: Any = None) -> Tensor:
    """Converts Tensors, Variables, numpy arrays, Python values (and lists of tensors) to a Tensor.

    Raises:
        ValueError: if a Tensor's dtype differs from the requested `dtype`.
        TypeError: if a Python value cannot be represented in `dtype`.
    """
    want = None if dtype is None else dtypes.as_dtype(dtype)
    convert = getattr(value, "_as_graph_tensor", None)
    if convert is not None:
        value = convert()
    if isinstance(value, Tensor):
        if want is not None and value.dtype != want:
            raise ValueError(
                f"Tensor conversion requested dtype {want.name} for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return value
    if isinstance(value, Operation):
        raise TypeError(f"Can not convert a Operation into a Tensor: {value.name}")
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        if not _pack:  # pragma: no cover - graphflow/__init__ imports the api
            raise RuntimeError("graphflow.api is not imported: cannot pack a list of tensors")
        return _pack[0]([convert_to_tensor(v, want) for v in value], name or "packed")
    if want is None and preferred_dtype is not None:
        try:
            return constant(value, dtype=preferred_dtype, name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=want, name=name or "Const")


def _contains_tensor(value: Any) -> bool:
    for v in value:
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_tensor"):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False


def convert_like(value: Any, other: Tensor, name: str = "y") -> Tensor:
    """The second operand of a binary op: Python numbers take `other`'s dtype (TF1's rule).

    Raises:
        TypeError: "Expected int32, got 1.5 of type 'float' instead." when not representable.
    """
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_tensor"):
        return convert_to_tensor(value)
    if isinstance(value, (numbers.Number, list, tuple, np.ndarray, np.generic)):
        return constant(value, dtype=other.dtype, name=name)
    return convert_to_tensor(value)
