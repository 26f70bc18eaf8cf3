"""TF1 data types (`tf.float32`, ...) and their numpy equivalents.

TF1 never promotes implicitly: `float32 + float64` is an error. The helpers here only name and
convert types; the rule itself lives in each op's shape/dtype inference.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type, e.g. `tf.float32`.

    Attributes:
        name: TF1 name (`"float32"`).
        as_numpy_dtype: the numpy scalar type (`np.float32`).
    """

    __slots__ = ("_np", "name")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self._np = np.dtype(np_dtype)

    @property
    def as_numpy_dtype(self) -> type:
        return self._np.type

    @property
    def np(self) -> np.dtype:
        """The numpy `dtype` object (internal shorthand)."""
        return self._np

    @property
    def base_dtype(self) -> DType:
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
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self) -> Any:
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self) -> Any:
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self._np == other._np
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self._np)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool_ = DType("bool", np.bool_)
string = DType("string", np.object_)
half = float16
double = float64

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool_,
       string)
_BY_NUMPY = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL} | {"half": float16, "double": float64, "bool_": bool_}


def as_dtype(value: Any) -> DType:
    """Converts a DType, numpy dtype/type or name (`"float32"`) to a `DType`.

    Raises:
        TypeError: if `value` names no supported type.
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if value is bool:
        return bool_
    if value is float:
        return float32
    if value is int:
        return int32
    try:
        return _BY_NUMPY[np.dtype(value)]
    except (TypeError, KeyError):
        raise TypeError(f"Cannot convert {value!r} to a graphflow DType.") from None


def from_numpy(dtype: np.dtype) -> DType:
    """The DType of a numpy dtype (fast path for kernels and feeds)."""
    return _BY_NUMPY[dtype]
