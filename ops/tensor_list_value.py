"""The run-time value of a `tf.variant` list tensor (the flow of a `tf.TensorArray`).

A `TensorListValue` is an immutable host object: a tuple of element arrays (None for a slot not
written yet), the element dtype and the element shape known so far (a tuple whose entries may be
None, or None for an unknown rank). Every list op returns a new value; copying the tuple copies
references only, so values can be captured, carried through loops and differentiated without
one op ever seeing another's change. On the CUDA backend the elements are device arrays: the
container stays on the host, its elements on the device.

The one piece of mutable bookkeeping is the set of slots already read by an op with TF1's
`clear_after_read`, so that a second read of the same value raises TF1's error; it belongs to
one value object of one run (list values are never folded into plan constants).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework.dtypes import DType

ElementShape = tuple[int | None, ...] | None


class ListError(Exception):
    """A list op's failure on run-time data; `error_class` names the TF1 error to raise."""

    def __init__(self, message: str, error_class: str = "InvalidArgumentError") -> None:
        super().__init__(message)
        self.error_class = error_class


class TensorListValue:
    """An immutable list of tensors (see the module docstring).

    Attributes:
        items: one array per slot, or None for a slot nothing wrote.
        element_dtype: the DType of every element.
        element_shape: the element shape known so far (None entries: unknown dims; None: unknown
            rank).
    """

    __slots__ = ("_read", "element_dtype", "element_shape", "items", "name")

    def __init__(self, items: Sequence[Any], element_dtype: DType, element_shape: ElementShape,
                 name: str = "") -> None:
        self.items = tuple(items)
        self.element_dtype = element_dtype
        self.element_shape = element_shape
        self.name = name
        self._read: set[int] = set()

    def with_items(self, items: Sequence[Any], element_shape: ElementShape | bool = True
                   ) -> TensorListValue:
        """A new value holding `items` (same dtype and name; same element shape unless given)."""
        shape = self.element_shape if element_shape is True else element_shape
        return TensorListValue(items, self.element_dtype, shape, self.name)

    def mark_read(self, index: int, clear_after_read: bool) -> None:
        """Records a read of slot `index`; a second read with `clear_after_read` is TF1's error.

        Raises:
            ListError: the slot was cleared by an earlier read.
        """
        if not clear_after_read:
            return
        if index in self._read:
            raise ListError(f"TensorArray {self.name}: Could not read index {index} twice because it was "
                            "cleared after a previous read (perhaps try setting clear_after_read = "
                            "false?).")
        self._read.add(index)

    def take_written(self, index: int, clear_after_read: bool) -> Any:
        """Slot `index`'s element when it is in range, written and (with `clear_after_read`)
        not read before, its read recorded; None in every other case, which the caller leaves to
        `read_items` (bounds, cleared-slot and zeros handling, with their errors)."""
        items = self.items
        if not 0 <= index < len(items):
            return None
        item = items[index]
        if item is None or not clear_after_read:
            return item
        read = self._read
        if index in read:
            return None
        read.add(index)
        return item

    def __repr__(self) -> str:
        written = sum(item is not None for item in self.items)
        return (f"<TensorListValue {self.element_dtype.name} x{len(self.items)} ({written} written), "
                f"element shape {format_shape(self.element_shape)}>")


def as_list(value: Any) -> TensorListValue:
    """The TensorListValue a kernel received: itself, or wrapped in a 0-d object array (how a
    host backend's value conversion (`np.asarray`) hands over any Python object)."""
    if type(value) is TensorListValue:
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind == "O" and value.ndim == 0:
        value = value[()]
    if not isinstance(value, TensorListValue):
        raise ListError(f"expected a TensorList (variant) value, got {type(value).__name__}")
    return value


def format_shape(shape: ElementShape) -> str:
    """TF1's rendering of a partial shape: `[2,?]`, `<unknown>` for an unknown rank."""
    if shape is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def shape_from_tensor(value: Any) -> ElementShape:
    """An element shape given as TF2's list ops take it: an int vector with -1 for unknown dims,
    or the scalar -1 for an unknown rank."""
    array = np.asarray(value)
    if array.ndim == 0:
        if int(array) != -1:
            raise ListError(f"element_shape must be a vector or the scalar -1, got {int(array)}")
        return None
    return tuple(None if int(d) < 0 else int(d) for d in array.reshape(-1))


def merge_shapes(known: ElementShape, other: ElementShape) -> ElementShape | bool:
    """The most specific shape compatible with both, or False when they conflict."""
    if known is None:
        return other
    if other is None:
        return known
    if len(known) != len(other):
        return False
    merged = []
    for a, b in zip(known, other):
        if a is not None and b is not None and a != b:
            return False
        merged.append(a if a is not None else b)
    return tuple(merged)


def fully_defined(shape: ElementShape) -> bool:
    return shape is not None and all(d is not None for d in shape)


def check_index(index: int, size: int, verb: str = "read from") -> None:
    """TF1's error for an index past the array's size (reads)."""
    if index < 0 or index >= size:
        raise ListError(f"Tried to {verb} index {index} but array size is: {size}")


def _on_host(x: Any) -> Any:
    """An element as a host array: a list built on a device and read by an op pinned to the
    host (`tf.device("/cpu:0")`) holds device arrays."""
    return x.copy_to_host() if hasattr(x, "copy_to_host") else x


class HostArrays:
    """How list kernels touch element arrays on the host (numpy). The CUDA builders pass an
    object with the same methods over device arrays (graphflow.cuda.tensor_list), so each op's
    logic is written once."""

    ints = staticmethod(np.asarray)  # index-like inputs, read on the host

    @staticmethod
    def asarray(x: Any) -> Any:
        return np.asarray(_on_host(x))

    @staticmethod
    def stack(items: Sequence[Any]) -> Any:
        return np.stack([_on_host(x) for x in items])

    @staticmethod
    def concatenate(items: Sequence[Any]) -> Any:
        return np.concatenate([_on_host(x) for x in items])

    @staticmethod
    def add(a: Any, b: Any) -> Any:
        return np.add(_on_host(a), _on_host(b))

    @staticmethod
    def zeros(shape: Sequence[int], dtype: Any) -> Any:
        return np.zeros(tuple(shape), dtype)

    @staticmethod
    def row(tensor: Any, index: int) -> Any:
        return tensor[index]

    @staticmethod
    def rows(tensor: Any, start: int, stop: int) -> Any:
        return tensor[start:stop]


HOST = HostArrays()


def zeros_for(lst: TensorListValue, index: int, shape: ElementShape = None, arrays: Any = HOST) -> Any:
    """What an unwritten slot reads as: zeros of the element shape when it is fully known
    (TF1), merged with `shape` (a reading op's static element shape), made by `arrays`.

    Raises:
        ListError: the element shape is not fully known (TF1's message).
    """
    merged = merge_shapes(lst.element_shape, shape)
    known = lst.element_shape if merged is False else merged
    if not fully_defined(known):
        raise ListError(
            f"TensorArray {lst.name}: Could not read from TensorArray index {index}.  Furthermore, the "
            f"element shape is not fully defined: {format_shape(known)}.  It is "
            "possible you are working with a resizeable TensorArray and stop_gradients is not "
            "allowing the gradients to be written.  If you set the full element_shape property on "
            "the forward TensorArray, the proper all-zeros tensor will be returned instead of "
            "incurring this error.")
    return arrays.zeros(known, lst.element_dtype.np)


#: TF1's DataTypeString for the types whose proto name differs from the Python one.
_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def write_items(lst: TensorListValue, writes: Sequence[tuple[int, Any]], attrs: Any,
                arrays: Any = HOST) -> TensorListValue:
    """`lst` with `writes` ((index, array) pairs) applied by the writing op's attributes:
    `write_mode` "once" (TF1's TensorArray: a slot is written at most once), "overwrite" or
    "aggregate" (gradient lists: writes to one slot add up, with `arrays.add`); `resize` lets
    the list grow (dynamic_size); `infer_shape` checks each element's shape against the
    element shape known so far and merges it.

    Raises:
        ListError: TF1's messages for a dtype mismatch, a write past a fixed size, a second
            write, or an element shape conflict.
    """
    items = list(lst.items)
    shape = lst.element_shape
    mode, resize = attrs.get("write_mode", "once"), attrs.get("resize", False)
    infer = attrs.get("infer_shape", True)
    want_dtype = lst.element_dtype.np
    for index, value in writes:
        if value.dtype != want_dtype:
            found = _TF_TYPE_NAMES.get(np.dtype(value.dtype).name, np.dtype(value.dtype).name)
            want = _TF_TYPE_NAMES.get(lst.element_dtype.name, lst.element_dtype.name)
            raise ListError(f"TensorArray dtype is {want} but Op is trying to write dtype {found}.")
        if index < 0 or (index >= len(items) and not resize):
            raise ListError(f"TensorArray {lst.name}: Tried to write to index {index} but array is "
                            f"not resizeable and size is: {len(items)}")
        if index >= len(items):
            items.extend([None] * (index + 1 - len(items)))
        value_shape = tuple(value.shape)
        if infer and value_shape != shape:
            merged = merge_shapes(shape, value_shape)
            if merged is False:
                raise ListError(
                    f"TensorArray {lst.name}: Could not write to TensorArray index {index} because "
                    f"the value shape is {format_shape(value_shape)} which is incompatible "
                    f"with the TensorArray's inferred element shape: {format_shape(shape)} "
                    "(consider setting infer_shape=False).")
            shape = merged
        previous = items[index]
        if previous is not None and mode == "once":
            raise ListError(f"TensorArray {lst.name}: Could not write to TensorArray index {index} "
                            "because it has already been written to.")
        if previous is not None and mode == "aggregate":
            value = arrays.add(previous, value)
        items[index] = value
    return lst.with_items(items, shape)


def read_items(lst: TensorListValue, indices: Sequence[int], attrs: Any, arrays: Any = HOST) -> list[Any]:
    """The elements at `indices` (unwritten ones as zeros of the element shape), each read
    recorded for TF1's clear_after_read.

    Raises:
        ListError: an index past the size, a cleared slot read again, or an unwritten slot
            whose element shape is not fully known.
    """
    clear = attrs.get("clear_after_read", False)
    static = attrs.get("element_shape")
    items = lst.items
    size = len(items)
    out = []
    for index in indices:
        if index < 0 or index >= size:
            check_index(index, size)
        if clear:
            lst.mark_read(index, clear)
        item = items[index]
        out.append(zeros_for(lst, index, static, arrays) if item is None else item)
    return out


def add_lists(a: TensorListValue, b: TensorListValue, arrays: Any = HOST) -> TensorListValue:
    """Elementwise sum of two gradient lists: a slot written in one only keeps that element."""
    add = arrays.add
    n = max(len(a.items), len(b.items))
    pad = lambda items: list(items) + [None] * (n - len(items))  # noqa: E731
    items = [x if y is None else y if x is None else add(x, y)
             for x, y in zip(pad(a.items), pad(b.items))]
    shape = merge_shapes(a.element_shape, b.element_shape)
    return a.with_items(items, a.element_shape if shape is False else shape)
