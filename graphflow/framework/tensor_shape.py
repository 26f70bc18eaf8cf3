"""Static shapes: `TensorShape` and `Dimension`, with unknown dims (`None`) as in TF1."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class Dimension:
    """One static dimension; `value` is an int >= 0 or None (unknown). Compares equal to ints.

    Raises (from the constructor):
        ValueError: for a negative value (as TF1: an unknown dimension is None, never -1).
        TypeError: for a value that is not an integer.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        if isinstance(value, Dimension):
            value = value.value
        self.value = None if value is None else int(value)
        if self.value is not None and self.value < 0:
            raise ValueError(f"Dimension {self.value} must be >= 0")

    def __int__(self) -> int:
        if self.value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int.")
        return self.value

    __index__ = __int__

    def __eq__(self, other: object) -> bool:
        other_value = other.value if isinstance(other, Dimension) else other
        if self.value is None or other_value is None:
            return self.value is None and other_value is None
        return self.value == other_value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Dimension({self.value})"

    def __str__(self) -> str:
        return "?" if self.value is None else str(self.value)

    def _arith(self, other: Any, fn: Any) -> Dimension:
        o = other.value if isinstance(other, Dimension) else other
        return Dimension(None if self.value is None or o is None else fn(self.value, int(o)))

    def __add__(self, o: Any) -> Dimension:
        return self._arith(o, lambda a, b: a + b)

    def __mul__(self, o: Any) -> Dimension:
        return self._arith(o, lambda a, b: a * b)

    def __sub__(self, o: Any) -> Dimension:
        return self._arith(o, lambda a, b: a - b)

    def __floordiv__(self, o: Any) -> Dimension:
        return self._arith(o, lambda a, b: a // b)

    __radd__ = __add__
    __rmul__ = __mul__


class TensorShape:
    """A possibly partial static shape.

    `TensorShape(None)` has unknown rank; `TensorShape([None, 3])` has rank 2 and an unknown
    first dimension. `as_list()` gives Python ints and Nones.
    """

    __slots__ = ("_dims",)

    def __init__(self, dims: Any) -> None:
        if isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif dims is None:
            self._dims = None
        elif isinstance(dims, (int, Dimension)) and not isinstance(dims, bool):
            self._dims = (Dimension(dims).value,)
        else:
            self._dims = tuple(Dimension(d).value for d in dims)

    @property
    def dims(self) -> tuple[int | None, ...] | None:
        """The raw dims as a tuple of ints/None, or None for unknown rank."""
        return self._dims

    @property
    def ndims(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self) -> list[int | None]:
        """The dims as a list.

        Raises:
            ValueError: if the rank is unknown (as TF1).
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:  # type: ignore[union-attr]
            n *= d  # type: ignore[operator]
        return n

    def is_compatible_with(self, other: Any) -> bool:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def merge_with(self, other: Any) -> TensorShape:
        """The most specific shape compatible with both.

        Raises:
            ValueError: if the shapes are incompatible.
        """
        other = as_shape(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def with_rank(self, rank: int) -> TensorShape:
        return self.merge_with(unknown_shape(rank))

    def assert_is_compatible_with(self, other: Any) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def concatenate(self, other: Any) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self._dims)

    def __iter__(self) -> Iterator[Dimension]:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return (Dimension(d) for d in self._dims)

    def __getitem__(self, key: Any) -> Any:
        if self._dims is None:
            return TensorShape(None) if isinstance(key, slice) else Dimension(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __bool__(self) -> bool:
        return self._dims is not None

    def __eq__(self, other: object) -> bool:
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __hash__(self) -> int:
        return hash(self._dims)

    def __repr__(self) -> str:
        return f"TensorShape({None if self._dims is None else list(self._dims)})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("?" if d is None else str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"


def as_shape(shape: Any) -> TensorShape:
    """Converts a list/tuple/None/TensorShape to a `TensorShape`."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank: int | None = None) -> TensorShape:
    return TensorShape(None if rank is None else [None] * rank)


def format_dims(dims: Iterable[int | None] | None) -> str:
    """`[?,3]`-style text used in error messages, as TF1 prints shapes."""
    if dims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"
