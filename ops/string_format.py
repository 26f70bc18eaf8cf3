"""StringFormat (`tf.strings.format`): tensors summarized into a template, as TF1 prints them.

A tensor is written like TF's `SummarizeValue`: scalars bare, arrays in brackets with numpy's
nesting ("[[0 1]\\n [2 3]]"), at most `summarize` leading and trailing entries per dimension
around "..." (-1: everything); floats in the shortest form that reads back exactly (%.6g or
%.9g for float32, %.15g or %.17g for float64), bools as 1/0, strings quoted and C-escaped
(bytes of UTF-8 text kept).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from .registry import Sample, Spec, register
from .strings import StringOp

_ESCAPES = {ord("\n"): b"\\n", ord("\r"): b"\\r", ord("\t"): b"\\t", ord('"'): b'\\"',
            ord("'"): b"\\'", ord("\\"): b"\\\\"}


def c_escape(s: bytes) -> bytes:
    """C escapes for control characters, quotes and backslashes; other bytes unchanged."""
    out = bytearray()
    for b in s:
        if b in _ESCAPES:
            out += _ESCAPES[b]
        elif b < 0x20 or b == 0x7F:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out)


def shortest_float(value: Any, digits: tuple[int, int]) -> str:
    """`value` with the fewer of `digits` significant digits that still reads back exactly."""
    short = f"{value:.{digits[0]}g}"
    if np.isnan(value) or np.isinf(value) or type(value)(float(short)) == value:
        return short
    return f"{value:.{digits[1]}g}"


def format_element(value: Any, dtype: np.dtype) -> str:
    """One element as TF prints it inside a summary."""
    if dtype.kind == "O":
        return '"' + c_escape(bytes(value)).decode("utf-8", "surrogateescape") + '"'
    if dtype.kind == "b":
        return "1" if value else "0"
    if dtype.kind == "f":
        if dtype == np.float64:
            return shortest_float(np.float64(value), (15, 17))
        return shortest_float(np.float32(value), (6, 9))
    return str(int(value))


def summarize_tensor(x: np.ndarray, summarize: int) -> str:
    """The whole tensor as TF's `SummarizeValue(summarize, print_v2=true)` writes it."""
    if x.ndim == 0:
        return format_element(x[()], x.dtype)
    if x.size == 0:
        return "[]"

    def kept(n: int) -> list[int | None]:
        if summarize < 0 or n <= 2 * summarize:
            return list(range(n))
        return list(range(summarize)) + [None] + list(range(n - summarize, n))

    def dim(a: np.ndarray, depth: int) -> str:
        if a.ndim == 1:
            items = ["..." if k is None else format_element(a[k], a.dtype) for k in kept(len(a))]
        else:
            items = ["..." if k is None else dim(a[k], depth + 1) for k in kept(len(a))]
        separator = "\n" * (a.ndim - 1) + (" " * (depth + 1) if a.ndim > 1 else " ")
        return "[" + separator.join(items) + "]"

    return dim(x, 0)


@register
class StringFormat(StringOp):
    """A scalar string: `template` with each `placeholder` replaced by the next input's
    summary."""

    type = "StringFormat"
    defaults = {"template": "%s", "placeholder": "%s", "summarize": 3}

    def infer(self, inputs, attrs):
        expected = attrs.get("template", "%s").count(attrs.get("placeholder", "%s"))
        if expected != len(inputs):
            raise ValueError(f"The template expects {expected} tensors, but the inputs only has "
                             f"{len(inputs)}. Please ensure the number of placeholders in "
                             "template matches inputs length.")
        return [Spec(TensorShape([]), dtypes.string)]

    def reference(self, attrs, *xs):
        pieces = attrs.get("template", "%s").split(attrs.get("placeholder", "%s"))
        summarize = int(attrs.get("summarize", 3))
        text = pieces[0]
        for x, piece in zip(xs, pieces[1:]):
            text += summarize_tensor(np.asarray(x), summarize) + piece
        out = np.empty((), dtype=object)
        out[()] = text.encode("utf-8", "surrogateescape")
        return out

    def samples(self, rng):
        words = np.array([b"a", "\xe9\n".encode(), b'q"\x00'], dtype=object)
        floats = np.array([0.1, 1 / 3, 1e10, -0.0, np.nan, np.inf, 1e-7, 123456789.0])
        template = {"template": "x={} y={}", "placeholder": "{}"}
        return [Sample([np.int32(3), floats], template, check_grad=False),
                Sample([np.arange(100, dtype=np.int64).reshape(10, 10), words],
                       template | {"summarize": 2}, check_grad=False),
                Sample([np.arange(12, dtype=np.int32).reshape(2, 3, 2), np.array([True, False])],
                       {"template": "<> and <>", "placeholder": "<>", "summarize": -1},
                       check_grad=False)]
