"""The host representation of `tf.string` values: numpy object arrays whose elements are `bytes`.

TF1 stores strings as bytes and returns them as bytes (`sess.run` of a string scalar is
`b"..."`); Python `str` values are encoded as UTF-8 when they enter a graph (constants, feeds,
variable loads). Every path that takes a user's strings goes through `bytes_array`.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def is_string_leaf(value: Any) -> bool:
    """Whether `value` is one string element (`str`, `bytes`, `np.str_`, `np.bytes_`)."""
    return isinstance(value, (str, bytes))


def to_bytes(value: Any) -> bytes:
    """One string element as bytes (str is encoded as UTF-8).

    Raises:
        TypeError: if `value` is not a string.
    """
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"Expected string, got {value!r} of type '{type(value).__name__}' instead.")


def bytes_array(value: Any) -> np.ndarray:
    """`value` (a string, nested lists of strings, or a numpy str/bytes/object array) as an
    object array of bytes.

    Raises:
        TypeError: naming the first element that is not a string.
        ValueError: if nested lists are ragged.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "SU":
        return _encode_all(value.astype(object))
    if is_string_leaf(value):
        out = np.empty((), dtype=object)
        out[()] = to_bytes(value)
        return out
    if isinstance(value, np.generic) and value.dtype.kind in "SU":
        return bytes_array(value.item())
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "O":
            raise TypeError(f"Expected string, got an array of {value.dtype} instead.")
        return _encode_all(value)
    shape = _nested_shape(value)
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    for k, leaf in enumerate(_leaves(value)):
        flat[k] = to_bytes(leaf)
    return out


def _encode_all(array: np.ndarray) -> np.ndarray:
    out = np.empty(array.shape, dtype=object)
    flat = out.reshape(-1)
    for k, leaf in enumerate(array.reshape(-1)):
        flat[k] = to_bytes(leaf)
    return out


def _nested_shape(value: Any) -> tuple[int, ...]:
    """The shape of regularly nested lists/tuples (the leaves are not inspected)."""
    shape: list[int] = []
    level = value
    while isinstance(level, (list, tuple, np.ndarray)):
        shape.append(len(level))
        if not len(level):
            break
        level = level[0]
    _check_regular(value, tuple(shape), value)
    return tuple(shape)


def _check_regular(value: Any, shape: tuple[int, ...], whole: Any) -> None:
    nested = isinstance(value, (list, tuple, np.ndarray))
    if not shape:
        if nested:
            raise ValueError(f"Argument must be a dense tensor: {whole!r} - got shape "
                             "of nested lists that is not rectangular.")
        return
    if not nested or len(value) != shape[0]:
        raise ValueError(f"Argument must be a dense tensor: {whole!r} - got shape of nested "
                         "lists that is not rectangular.")
    for item in value:
        _check_regular(item, shape[1:], whole)


def _leaves(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def has_string_leaf(value: Any) -> bool:
    """Whether nested lists/tuples contain any string element (cheap when they do not)."""
    if isinstance(value, (list, tuple)):
        return any(has_string_leaf(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "SU" or (value.dtype.kind == "O" and any(
            is_string_leaf(v) for v in value.reshape(-1)))
    return is_string_leaf(value)


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """`tf.compat.as_bytes`: str encoded with `encoding`; bytes (and bytearray) as bytes.

    Raises:
        TypeError: for anything else.
    """
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """`tf.compat.as_text` (and `as_str`): bytes decoded with `encoding`; str unchanged.

    Raises:
        TypeError: for anything else.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, (bytes, bytearray)):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_str_any(value: Any) -> str:
    """`tf.compat.as_str_any`: bytes decoded as UTF-8, anything else through `str`."""
    return as_text(value) if isinstance(value, (bytes, bytearray)) else str(value)
