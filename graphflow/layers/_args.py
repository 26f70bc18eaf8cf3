"""Argument forms shared by the `tf.layers` classes: data formats, int pairs, padding names."""

from __future__ import annotations

from typing import Any


def data_format_of(data_format: str) -> str:
    """'channels_last' -> 'NHWC', 'channels_first' -> 'NCHW'.

    Raises:
        ValueError: for another value.
    """
    formats = {"channels_last": "NHWC", "channels_first": "NCHW"}
    if data_format not in formats:
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got "
                         f"{data_format!r}")
    return formats[data_format]


def ints(value: Any, count: int, what: str) -> tuple[int, ...]:
    """An int or `count` ints as a tuple of `count` ints.

    Raises:
        ValueError: for another number of ints.
    """
    if isinstance(value, int):
        return (value,) * count
    values = tuple(int(v) for v in value)
    if len(values) != count:
        raise ValueError(f"{what} must be an int or {count} ints, got {value!r}")
    return values


def pair(value: Any, what: str) -> tuple[int, int]:
    """An int or a pair of ints as a pair.

    Raises:
        ValueError: for another number of ints.
    """
    return ints(value, 2, what)


def padding_of(padding: str) -> str:
    """'same'/'valid' in any case -> 'SAME'/'VALID'.

    Raises:
        ValueError: for another value.
    """
    if padding.lower() not in ("same", "valid"):
        raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
    return padding.upper()
