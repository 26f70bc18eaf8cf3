"""TF1 data types (`tf.float32`, ..., `tf.string`) and their numpy equivalents.

TF1 never promotes implicitly: `float32 + float64` is an error. The helpers here only name and
convert types (TF1's `tf.as_dtype` rules); the promotion rule itself lives in each op's
shape/dtype inference, and the conversion of values in `constant.py`.

`tf.string` tensors hold numpy object arrays whose elements are `bytes`, as TF1 returns them.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type, e.g. `tf.float32`.

    Attributes:
        name: TF1 name (`"float32"`).
        as_numpy_dtype: the numpy scalar type (`np.float32`; `object` for `tf.string`).
        as_datatype_enum: TF1's `DataType` protobuf number (`1` for float32).
    """

    __slots__ = ("_enum", "_np", "name")

    def __init__(self, name: str, np_dtype: Any, enum: int) -> None:
        self.name = name
        self._np = np.dtype(np_dtype)
        self._enum = enum

    @property
    def as_numpy_dtype(self) -> type:
        return object if self._np.kind == "O" else self._np.type

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def np(self) -> np.dtype:
        """The numpy `dtype` object (internal shorthand)."""
        return self._np

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def real_dtype(self) -> DType:
        """The type of the real part: the type itself (graphflow has no complex types)."""
        return self

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_numeric(self) -> bool:
        return self._np.kind in "iuf"

    @property
    def is_complex(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def size(self) -> int:
        """Bytes per element (0 for `tf.string`, as TF1)."""
        return 0 if self._np.kind == "O" else self._np.itemsize

    @property
    def min(self) -> Any:
        """The smallest representable value.

        Raises:
            TypeError: for `bool` and `string` (TF1).
        """
        if self.is_floating:
            return np.finfo(self._np).min
        if self.is_integer:
            return np.iinfo(self._np).min
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self) -> Any:
        """The largest representable value.

        Raises:
            TypeError: for `bool` and `string` (TF1).
        """
        if self.is_floating:
            return np.finfo(self._np).max
        if self.is_integer:
            return np.iinfo(self._np).max
        raise TypeError(f"Cannot find maximum value of {self}.")

    @property
    def limits(self) -> tuple[Any, Any]:
        """TF1's intensity range with the negative part clipped: `(0, 1)` for float32/float64,
        `(0, max)` for integers, `(0, True)` for bool.

        Raises:
            ValueError: for float16 and string, which TF defines no range for.
        """
        if self._np in (np.float32, np.float64):
            return (0, 1)
        if self.is_integer:
            return (0, int(np.iinfo(self._np).max))
        if self.is_bool:
            return (0, True)
        raise ValueError(f"{self} does not have defined limits.")

    def is_compatible_with(self, other: Any) -> bool:
        """Whether a value of type `other` may be used where this type is expected.

        Raises:
            TypeError: if `other` names no type.
        """
        return self == as_dtype(other)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: {self.name!r}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self._enum == other._enum
        if other is None:
            return False
        try:
            return self._enum == as_dtype(other)._enum
        except TypeError:
            return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._enum

    def __reduce__(self) -> tuple[Any, ...]:
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16, 19)
float32 = DType("float32", np.float32, 1)
float64 = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
uint32 = DType("uint32", np.uint32, 22)
uint64 = DType("uint64", np.uint64, 23)
bool_ = DType("bool", np.bool_, 10)
string = DType("string", np.object_, 7)
#: Host Python objects (TensorList values: the flow of a `tf.TensorArray`), one per scalar.
variant = DType("variant", np.object_, 21)
half = float16
double = float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool_,
       string, variant)
# numpy's object dtype is tf.string's; variant values are only made by ops, never converted.
_BY_NUMPY = {d.np: d for d in ALL if d is not variant}
#: TF1's type names, with its aliases "half", "float" and "double".
_BY_NAME = {d.name: d for d in ALL} | {"half": float16, "float": float32, "double": float64}
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}
#: The Python types TF1 accepts: `float` is float32; `int` is *not* accepted (TypeError).
_BY_PYTHON: dict[Any, DType] = {float: float32, bool: bool_, object: string}
#: TF types graphflow does not implement: named in the error instead of "unknown type".
_UNSUPPORTED = {"complex64": 8, "complex128": 18, "bfloat16": 14, "qint8": 11, "quint8": 12,
                "qint32": 13, "qint16": 15, "quint16": 16, "resource": 20}


def as_dtype(value: Any) -> DType:
    """Converts a value to a `DType` by TF1's rules.

    Args:
        value: a `DType`; a TF type name (`"float"` is float32, `"double"` float64, `"half"`
            float16, `"string"`, ...); a `DataType` enum number; a numpy dtype or scalar type
            (`np.float32`; `np.object_`, `np.str_`, `np.bytes_` and `"U"`/`"S"` dtypes are
            `tf.string`); or the Python types `float` (float32), `bool` and `object` (string).

    Returns:
        The `DType`.

    Raises:
        TypeError: if `value` names no type (e.g. `"int"`, `int`, `"f4"`), or a TF type that
            graphflow does not support (complex, bfloat16, quantized types).
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        found = _BY_NAME.get(value)
        if found is not None:
            return found
        _raise_unsupported(value, value)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        found = _BY_ENUM.get(int(value))
        if found is not None:
            return found
        _raise_unsupported(value, next((n for n, e in _UNSUPPORTED.items() if e == value), None))
    elif isinstance(value, type) and value in _BY_PYTHON:
        return _BY_PYTHON[value]
    elif isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        numpy_dtype = np.dtype(value)
        if numpy_dtype.kind in "OSU":
            return string
        found = _BY_NUMPY.get(numpy_dtype.newbyteorder("="))  # ">f4" is float32 too
        if found is not None:
            return found
        _raise_unsupported(value, numpy_dtype.name)
    raise TypeError(f"Cannot convert value {value!r} to a TensorFlow DType.")


def _raise_unsupported(value: Any, tf_name: str | None) -> None:
    if tf_name in _UNSUPPORTED:
        raise TypeError(f"Cannot convert value {value!r} to a graphflow DType: graphflow does not "
                        f"support {tf_name} tensors.")
    raise TypeError(f"Cannot convert value {value!r} to a TensorFlow DType.")


def from_numpy(dtype: np.dtype) -> DType:
    """The DType of a numpy dtype (fast path for kernels and feeds)."""
    return _BY_NUMPY[dtype]
