"""String ops (TF1's `tf.as_string`, `tf.string_join`, `tf.strings.*`, `tf.reduce_join`).

String tensors are numpy object arrays of `bytes` (see graphflow/framework/string_values.py).
TF1 keeps them in host memory, so every op here runs on the host on every backend
(`host_memory = True`); the numpy/Python reference is the kernel, none is differentiable.
Parsing and regular-expression ops live in `string_parse.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from ._rules import broadcast_dims
from .reduce import reduced_shape
from .registry import OpDef, Sample, Spec, register

WORDS = [b"hello", b"World", b"  padded\t", b"", "h\xe9llo w\xf6rld".encode(), b"a-b_c"]


def strings_of(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A sample object array of bytes drawn from `WORDS` (ASCII, UTF-8, empty, whitespace)."""
    out = np.empty(shape, dtype=object)
    flat = out.reshape(-1)
    for k in range(flat.size):
        flat[k] = WORDS[int(rng.integers(len(WORDS)))]
    return out


def map_strings(fn: Callable[[bytes], Any], x: Any, out_dtype: Any = object) -> np.ndarray:
    """`fn` applied to every element of `x`, as an array of `out_dtype` (0-d stays 0-d)."""
    x = np.asarray(x, dtype=object)
    out = np.empty(x.shape, dtype=out_dtype)
    flat, src = out.reshape(-1), x.reshape(-1)
    for k in range(src.size):
        flat[k] = fn(src[k])
    return out


def require_string(spec: Spec, op_type: str, what: str = "input") -> None:
    """Raises TypeError unless `spec` is a string tensor (TF1's message shape)."""
    if spec.dtype != dtypes.string:
        raise TypeError(f"Input '{what}' of '{op_type}' Op has type {spec.dtype.name} that does "
                        "not match expected type of string.")


def utf8_char_starts(s: bytes) -> list[int]:
    """Byte offsets where UTF-8 characters start (every byte that is not a continuation byte,
    as TF1's UTF8_CHAR unit counts them: invalid bytes count as one character each)."""
    return [k for k, b in enumerate(s) if (b & 0xC0) != 0x80]


class StringOp(OpDef):
    """Common parts of the string ops: host memory, no gradient."""

    host_memory = True
    differentiable = False


class _Unary(StringOp):
    """A string -> string elementwise op given by `apply(attrs) -> (bytes -> bytes)`; bad
    attributes fail when the op runs, as TF1's kernels check them (InvalidArgumentError)."""

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        return [Spec(inputs[0].shape, dtypes.string)]

    def apply(self, attrs) -> Callable[[bytes], bytes]:
        raise NotImplementedError

    def reference(self, attrs, x):
        return map_strings(self.apply(attrs), x)

    def samples(self, rng):
        return [Sample([strings_of(rng, (2, 3))], check_grad=False),
                Sample([strings_of(rng, ())], check_grad=False)]


def _case_function(op_type: str, encoding: str, ascii_fn: Callable[[bytes], bytes],
                   text_fn: Callable[[str], str]) -> Callable[[bytes], bytes]:
    if encoding == "":
        return ascii_fn  # bytes.lower/upper change ASCII letters only, as TF1 without encoding
    if encoding.lower() in ("utf-8", "utf8"):
        return lambda s: text_fn(s.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape")
    raise ValueError(f"only utf-8 or '' (no encoding) is supported, received {encoding}")


@register
class StringLower(_Unary):
    """Lower-cases ASCII letters (`encoding=""`) or all letters of UTF-8 text (`"utf-8"`)."""

    type = "StringLower"
    defaults = {"encoding": ""}

    def apply(self, attrs):
        return _case_function(self.type, attrs.get("encoding", ""), bytes.lower, str.lower)


@register
class StringUpper(_Unary):
    """Upper-cases ASCII letters (`encoding=""`) or all letters of UTF-8 text (`"utf-8"`)."""

    type = "StringUpper"
    defaults = {"encoding": ""}

    def apply(self, attrs):
        return _case_function(self.type, attrs.get("encoding", ""), bytes.upper, str.upper)


@register
class StringStrip(_Unary):
    """Removes leading and trailing ASCII whitespace (space, \\t, \\n, \\v, \\f, \\r)."""

    type = "StringStrip"

    def apply(self, attrs):
        return bytes.strip


@register
class StringLength(StringOp):
    """The length of each string in bytes (`unit="BYTE"`) or UTF-8 characters ("UTF8_CHAR")."""

    type = "StringLength"
    defaults = {"unit": "BYTE"}

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        unit = attrs.get("unit", "BYTE")
        if unit not in ("BYTE", "UTF8_CHAR"):
            raise ValueError(f"Attr 'unit' of 'StringLength' Op passed string '{unit}' not in: "
                             '"BYTE", "UTF8_CHAR".')
        return [Spec(inputs[0].shape, dtypes.int32)]

    def reference(self, attrs, x):
        if attrs.get("unit", "BYTE") == "BYTE":
            return map_strings(len, x, np.int32)
        return map_strings(lambda s: len(utf8_char_starts(s)), x, np.int32)

    def samples(self, rng):
        x = strings_of(rng, (2, 3))
        return [Sample([x], check_grad=False), Sample([x], {"unit": "UTF8_CHAR"}, check_grad=False)]


@register
class StringJoin(StringOp):
    """Joins same-shape string tensors elementwise with `separator`; scalars are repeated."""

    type = "StringJoin"
    defaults = {"separator": ""}

    def infer(self, inputs, attrs):
        shape = TensorShape([])
        for k, s in enumerate(inputs):
            require_string(s, self.type, f"inputs[{k}]")
            if s.rank == 0:
                continue
            if shape.rank == 0:
                shape = s.shape
            elif not shape.is_compatible_with(s.shape):
                raise ValueError(f"StringJoin: non-scalar inputs must have the same shape, got "
                                 f"{shape} and {s.shape}")
            else:
                shape = shape.merge_with(s.shape)
        return [Spec(shape, dtypes.string)]

    def reference(self, attrs, *xs):
        separator = _as_bytes(attrs.get("separator", ""))
        arrays = [np.asarray(x, dtype=object) for x in xs]
        shape = next((a.shape for a in arrays if a.ndim), ())
        for a in arrays:
            if a.ndim and a.shape != shape:
                raise ValueError(f"StringJoin: input shapes do not match: {shape} vs {a.shape}")
        if not arrays:
            return np.array(b"", dtype=object)
        columns = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
        out = np.empty(shape, dtype=object)
        flat = out.reshape(-1)
        for k in range(flat.size):
            flat[k] = separator.join(c[k] for c in columns)
        return out

    def samples(self, rng):
        return [Sample([strings_of(rng, (2, 3)), strings_of(rng, ()), strings_of(rng, (2, 3))],
                       {"separator": ", "}, check_grad=False),
                Sample([strings_of(rng, (4,))], check_grad=False)]


@register
class ReduceJoin(StringOp):
    """Joins strings across axes (`axis` in TF1's order: the first listed axis varies fastest
    in the joined string; None joins everything in row-major order)."""

    type = "ReduceJoin"
    defaults = {"axis": None, "keep_dims": False, "separator": ""}

    def axes(self, rank: int | None, attrs) -> tuple[int, ...] | None:
        """The reduced axes, non-negative, in the order given (None: rank unknown).

        Raises:
            ValueError: for an axis outside the input's rank (TF1's message).
        """
        axis = attrs.get("axis")
        if rank is None:
            return None
        if axis is None:
            return tuple(range(rank - 1, -1, -1))
        listed = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        for a in listed:
            if not -rank <= a < rank:
                raise ValueError(f"Invalid reduction dimension {a} for input with {rank} "
                                 "dimensions.")
        return tuple(dict.fromkeys(int(a) % rank for a in listed))

    def infer(self, inputs, attrs):
        x = inputs[0]
        require_string(x, self.type)
        axes = self.axes(x.rank, attrs)
        shape = reduced_shape(x.shape, None if axes is None else tuple(sorted(set(axes))),
                              attrs.get("keep_dims", False))
        return [Spec(shape, dtypes.string)]

    def reference(self, attrs, x):
        x = np.asarray(x, dtype=object)
        separator = _as_bytes(attrs.get("separator", ""))
        axes = list(self.axes(x.ndim, attrs))
        kept = [a for a in range(x.ndim) if a not in axes]
        # joined strings enumerate the last listed axis slowest and the first fastest
        moved = np.transpose(x, kept + axes[::-1]) if x.ndim else x
        joined = int(np.prod([x.shape[a] for a in axes]))
        out = np.empty([x.shape[a] for a in kept], dtype=object)
        flat_out, flat_rows = out.reshape(-1), moved.reshape(out.size, joined)
        for k in range(flat_out.size):
            flat_out[k] = separator.join(flat_rows[k])
        if attrs.get("keep_dims", False):
            out = out.reshape([1 if a in axes else d for a, d in enumerate(x.shape)])
        return out

    def samples(self, rng):
        x = strings_of(rng, (2, 3, 2))
        return [Sample([x], check_grad=False),
                Sample([x], {"axis": [2, 0], "separator": "|"}, check_grad=False),
                Sample([x], {"axis": -2, "keep_dims": True}, check_grad=False),
                Sample([strings_of(rng, (0,))], check_grad=False)]


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


@register
class Substr(StringOp):
    """`input[pos:pos+len]` per element, in bytes or UTF-8 characters (`unit`). `pos` and
    `len` have one shape (scalars apply to every string); a negative `pos` counts from the
    end; a `pos` beyond the string is an InvalidArgumentError."""

    type = "Substr"
    defaults = {"unit": "BYTE"}

    def infer(self, inputs, attrs):
        x, pos, length = inputs
        require_string(x, self.type)
        if attrs.get("unit", "BYTE") not in ("BYTE", "UTF8_CHAR"):
            raise ValueError(f"Attr 'unit' of 'Substr' Op passed string '{attrs['unit']}' not "
                             'in: "BYTE", "UTF8_CHAR".')
        for s, what in ((pos, "pos"), (length, "len")):
            if not s.dtype.is_integer:
                raise TypeError(f"Substr: '{what}' must be int32 or int64, got {s.dtype.name}")
        if pos.dtype != length.dtype:
            raise TypeError(f"Substr: 'pos' and 'len' must have one dtype, got {pos.dtype.name} "
                            f"and {length.dtype.name}")
        if not pos.shape.is_compatible_with(length.shape):
            raise ValueError(f"Substr: 'pos' and 'len' must have the same shape, got {pos.shape} "
                             f"and {length.shape}")
        return [Spec(broadcast_dims(x.shape, pos.shape.merge_with(length.shape)), dtypes.string)]

    def reference(self, attrs, x, pos, length):
        x, pos, length = np.broadcast_arrays(np.asarray(x, dtype=object), np.asarray(pos),
                                             np.asarray(length))
        chars = attrs.get("unit", "BYTE") == "UTF8_CHAR"
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        for k, (s, p, n) in enumerate(zip(x.reshape(-1), pos.reshape(-1), length.reshape(-1))):
            starts = utf8_char_starts(s) + [len(s)] if chars else None
            size = len(starts) - 1 if chars else len(s)
            p, n = int(p), int(n)
            if p > size or p < -size:
                raise ValueError(f"pos {p} out of range for string {s!r} at index {k}")
            p = p + size if p < 0 else p
            end = size if n < 0 else min(p + n, size)
            flat[k] = s[starts[p]:starts[end]] if chars else s[p:end]
        return out

    def samples(self, rng):
        x = np.array([b"hello", b"world", b"ab", "h\xe9llo".encode()], dtype=object)
        return [Sample([x, np.int32(1), np.int32(3)], check_grad=False),
                Sample([x, np.array([0, -2, 2, 1], np.int32), np.array([1, 5, 1, -1], np.int32)],
                       check_grad=False),
                Sample([x, np.int64(1), np.int64(2)], {"unit": "UTF8_CHAR"}, check_grad=False)]


def printf_spec(attrs: dict[str, Any], dtype: dtypes.DType) -> str:
    """The printf-style conversion TF1's AsString builds from its attributes ("%08.3f").

    Raises:
        ValueError: for the attribute combinations TF1 rejects (TF1's messages).
    """
    fill, width = attrs.get("fill", ""), int(attrs.get("width", -1))
    precision = int(attrs.get("precision", -1))
    scientific, shortest = bool(attrs.get("scientific", False)), bool(attrs.get("shortest", False))
    if len(fill) > 1:
        raise ValueError("Fill string must be one or fewer characters")
    if fill and fill not in " +-0#":
        raise ValueError(f'Fill argument not supported: "{fill}"')
    if scientific and shortest:
        raise ValueError("Cannot select both scientific and shortest notation")
    if not dtype.is_floating and (scientific or shortest) and dtype != dtypes.string:
        raise ValueError("scientific and shortest format not supported for datatype "
                         f"{dtype.name}")
    if not dtype.is_floating and precision > -1 and dtype != dtypes.string:
        raise ValueError(f"precision not supported for datatype {dtype.name}")
    spec = "%" + fill + (str(width) if width > -1 else "")
    if dtype.is_floating:
        spec += (f".{precision}" if precision > -1 else "") + ("g" if shortest else
                                                               "e" if scientific else "f")
    else:
        spec += "d"
    return spec


def format_number(spec: str, value: Any) -> str:
    """C printf of one number: Python's % except that inf/nan are padded with spaces, never
    zeros, and a negative nan keeps its sign ("-nan"), as glibc prints them."""
    if isinstance(value, float) and not np.isfinite(value):
        body = ("-" if np.signbit(value) else "") + ("nan" if np.isnan(value) else "inf")
        plus = "+" if "+" in spec[1:2] and body[0] != "-" else " " if spec[1:2] == " " and \
            body[0] != "-" else ""
        width = int("".join(c for c in spec.split(".")[0] if c.isdigit()) or 0)
        text = plus + body
        return text.ljust(width) if spec[1:2] == "-" else text.rjust(width)
    return spec % value


@register
class AsString(StringOp):
    """Formats numbers as strings like TF1 (printf "%f"/"%e"/"%g"/"%d" with `precision`,
    `width` and one `fill` flag character); bools become b"true"/b"false"."""

    type = "AsString"
    defaults = {"precision": -1, "scientific": False, "shortest": False, "width": -1, "fill": ""}

    def infer(self, inputs, attrs):
        x = inputs[0]
        if not (x.dtype.is_numeric or x.dtype.is_bool or x.dtype == dtypes.string):
            raise TypeError(f"AsString does not support dtype {x.dtype.name}")
        return [Spec(x.shape, dtypes.string)]

    def reference(self, attrs, x):
        x = np.asarray(x)
        dtype = dtypes.as_dtype(x.dtype)
        if dtype == dtypes.string:
            return map_strings(bytes, x)
        spec = printf_spec(attrs, dtype)  # validates the attributes for bools too (TF1)
        if dtype.is_bool:
            return map_strings(lambda b: b"true" if b else b"false", x)
        convert = float if dtype.is_floating else int
        return map_strings(lambda v: format_number(spec, convert(v)).encode("ascii"),
                           x.astype(object))

    def samples(self, rng):
        floats = np.array([1.5, -0.25, 1e10, 3.14159265, np.inf, -np.inf, np.nan, 0.0, 1e-7])
        ints = np.array([1, -42, 2**31 - 1, 0], np.int32)
        return [Sample([floats], check_grad=False),
                Sample([floats], {"precision": 2, "width": 12, "fill": "0"}, check_grad=False),
                Sample([floats], {"scientific": True, "precision": 3, "fill": "+"},
                       check_grad=False),
                Sample([floats], {"shortest": True, "width": 9, "fill": "-"}, check_grad=False),
                Sample([ints], {"width": 5, "fill": "0"}, check_grad=False),
                Sample([np.array([True, False])], check_grad=False)]

