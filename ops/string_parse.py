"""String ops that parse: regular expressions (`tf.strings.regex_replace`, `regex_full_match`)
and `tf.strings.to_number`.

Patterns follow RE2 as TF1 does, run by Python's `re` on the text decoded as UTF-8 (so `.`
matches one character, as RE2's UTF-8 mode; undecodable bytes stay single characters through
surrogate escapes), with RE2's ASCII-only classes (`\\w`, `\\d`, `\\s`, `\\b`). RE2's
rewrite syntax (`\\0`..`\\9` for groups, `\\\\` for a backslash) is translated, never passed
to `re` as a template. Invalid patterns, rewrites and unparsable
numbers fail when the op runs, as TF1's kernels do (InvalidArgumentError).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np

from graphflow.framework import dtypes

from .registry import Sample, Spec, register
from .strings import StringOp, map_strings, require_string, strings_of

_TEXT = ("utf-8", "surrogateescape")


def _text(value: bytes | str) -> str:
    return value if isinstance(value, str) else bytes(value).decode(*_TEXT)


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern (cached: graphs reuse a few patterns on every run).

    Raises:
        ValueError: TF1's "Invalid pattern: ..., error: ..." for a pattern that does not compile.
    """
    try:
        return re.compile(pattern, re.ASCII)  # RE2's \w, \d, \s and \b are ASCII-only
    except re.error as e:
        raise ValueError(f"Invalid pattern: {pattern}, error: {e}") from None


@functools.lru_cache(maxsize=256)
def compile_rewrite(rewrite: str) -> Callable[[re.Match[str]], str]:
    """An RE2 rewrite string as a function of a match.

    Raises:
        ValueError: for a backslash followed by anything but a digit or a backslash (RE2).
    """
    pieces: list[str | int] = []
    literal, k = [], 0
    while k < len(rewrite):
        c = rewrite[k]
        if c != "\\":
            literal.append(c)
            k += 1
            continue
        nxt = rewrite[k + 1] if k + 1 < len(rewrite) else ""
        if nxt == "\\":
            literal.append("\\")
        elif nxt.isdigit():
            pieces.append("".join(literal))
            literal = []
            pieces.append(int(nxt))
        else:
            raise ValueError(f"Invalid rewrite pattern: {rewrite}")
        k += 2
    pieces.append("".join(literal))

    def expand(match: re.Match[str]) -> str:
        return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in pieces)

    return expand


def regex_replace(x: np.ndarray, pattern: bytes | str, rewrite: bytes | str,
                  replace_global: bool) -> np.ndarray:
    """Every match (or the first) of `pattern` in each string replaced by `rewrite`.

    Raises:
        ValueError: for an invalid pattern or rewrite, or a group the pattern lacks.
    """
    compiled, expand = compile_pattern(_text(pattern)), compile_rewrite(_text(rewrite))
    groups = [int(g) for g in re.findall(r"\\(\d)", _text(rewrite).replace("\\\\", ""))]
    if groups and max(groups) > compiled.groups:
        raise ValueError(f"Invalid rewrite pattern: {_text(rewrite)} (the pattern has "
                         f"{compiled.groups} groups)")
    count = 0 if replace_global else 1
    return map_strings(lambda s: compiled.sub(expand, _text(s), count=count).encode(*_TEXT), x)


def regex_full_match(x: np.ndarray, pattern: bytes | str) -> np.ndarray:
    """Whether each whole string matches `pattern` (bool array)."""
    compiled = compile_pattern(_text(pattern))
    return map_strings(lambda s: compiled.fullmatch(_text(s)) is not None, x, np.bool_)


def _scalar_string(spec: Spec, op_type: str, what: str) -> None:
    require_string(spec, op_type, what)
    if spec.rank not in (None, 0):
        raise ValueError(f"{op_type}: '{what}' must be a scalar, got shape {spec.shape}")


_REGEX_SAMPLE = np.array([b"aaa bab", b"xyz", b"john smith", "h\xe9llo".encode(), b""],
                         dtype=object)


@register
class StaticRegexReplace(StringOp):
    """`regex_replace` with a pattern and rewrite known when the graph is built (attributes)."""

    type = "StaticRegexReplace"
    defaults = {"replace_global": True}

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        return [Spec(inputs[0].shape, dtypes.string)]

    def reference(self, attrs, x):
        return regex_replace(x, attrs["pattern"], attrs["rewrite"],
                             attrs.get("replace_global", True))

    def samples(self, rng):
        return [Sample([_REGEX_SAMPLE], {"pattern": "a+", "rewrite": "<\\0>"}, check_grad=False),
                Sample([_REGEX_SAMPLE], {"pattern": r"(\w+) (\w+)", "rewrite": r"\2, \1\\",
                                         "replace_global": False}, check_grad=False),
                Sample([_REGEX_SAMPLE], {"pattern": ".", "rewrite": "x"}, check_grad=False)]


@register
class RegexReplace(StringOp):
    """`regex_replace` with the pattern and rewrite as scalar string tensors."""

    type = "RegexReplace"
    defaults = {"replace_global": True}

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        _scalar_string(inputs[1], self.type, "pattern")
        _scalar_string(inputs[2], self.type, "rewrite")
        return [Spec(inputs[0].shape, dtypes.string)]

    def reference(self, attrs, x, pattern, rewrite):
        return regex_replace(x, np.asarray(pattern)[()], np.asarray(rewrite)[()],
                             attrs.get("replace_global", True))

    def samples(self, rng):
        return [Sample([_REGEX_SAMPLE, np.array(b"[ay]", dtype=object),
                        np.array(b"-", dtype=object)], check_grad=False)]


@register
class StaticRegexFullMatch(StringOp):
    """`regex_full_match` with a pattern known when the graph is built (attribute)."""

    type = "StaticRegexFullMatch"

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        return [Spec(inputs[0].shape, dtypes.bool_)]

    def reference(self, attrs, x):
        return regex_full_match(x, attrs["pattern"])

    def samples(self, rng):
        return [Sample([_REGEX_SAMPLE], {"pattern": "a.*b"}, check_grad=False),
                Sample([_REGEX_SAMPLE], {"pattern": "h.llo"}, check_grad=False)]


@register
class RegexFullMatch(StringOp):
    """`regex_full_match` with the pattern as a scalar string tensor."""

    type = "RegexFullMatch"

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type)
        _scalar_string(inputs[1], self.type, "pattern")
        return [Spec(inputs[0].shape, dtypes.bool_)]

    def reference(self, attrs, x, pattern):
        return regex_full_match(x, np.asarray(pattern)[()])

    def samples(self, rng):
        return [Sample([_REGEX_SAMPLE, np.array(b"[a-z ]+", dtype=object)], check_grad=False)]


#: TF1's StringToNumber output types.
NUMBER_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
_WHITESPACE = b" \t\n\v\f\r"
_INTEGER = re.compile(rb"[+-]?[0-9]+")
_HEX = re.compile(rb"[+-]?0[xX][0-9a-fA-F.]+([pP][+-]?[0-9]+)?")


def parse_number(s: bytes, dtype: dtypes.DType) -> float | int:
    """One string as a number of `dtype`, with TF1's rules: surrounding ASCII whitespace is
    allowed; floats accept exponents, inf/nan and hexadecimal; integers only decimal digits
    and must fit `dtype`.

    Raises:
        ValueError: "StringToNumberOp could not correctly convert string: ...".
    """
    text = bytes(s).strip(_WHITESPACE)
    try:
        if dtype.is_integer:
            if _INTEGER.fullmatch(text):
                value = int(text)
                info = np.iinfo(dtype.np)
                if info.min <= value <= info.max:
                    return value
        elif text and b"_" not in text:
            if _HEX.fullmatch(text):  # strtod reads C99 hexadecimal floats
                return float.fromhex(text.decode("ascii"))
            return float(text)
    except (ValueError, UnicodeDecodeError, OverflowError):
        pass
    raise ValueError("StringToNumberOp could not correctly convert string: "
                     f"{bytes(s).decode(*_TEXT)}")


@register
class StringToNumber(StringOp):
    """Parses each string as a number of `out_type` (float32, float64, int32 or int64)."""

    type = "StringToNumber"
    defaults = {"out_type": dtypes.float32}

    def infer(self, inputs, attrs):
        require_string(inputs[0], self.type, "string_tensor")
        out_type = dtypes.as_dtype(attrs.get("out_type", dtypes.float32))
        if out_type not in NUMBER_TYPES:
            raise TypeError(f"Value passed to parameter 'out_type' has DataType {out_type.name} "
                            "not in list of allowed values: float32, float64, int32, int64")
        return [Spec(inputs[0].shape, out_type)]

    def reference(self, attrs, x):
        out_type = dtypes.as_dtype(attrs.get("out_type", dtypes.float32))
        parsed = map_strings(lambda s: parse_number(s, out_type), x)
        return parsed.astype(out_type.np)

    def samples(self, rng):
        floats = np.array([b"1.5", b" 2", b"-3e2", b"inf", b"-Infinity", b"0x10", b"+4 ",
                           b"1e400", b"0.1"], dtype=object)
        ints = np.array([[b"12", b"-7"], [b" 3\t", b"+2147483647"]], dtype=object)
        return [Sample([floats], check_grad=False),
                Sample([floats], {"out_type": dtypes.float64}, check_grad=False),
                Sample([ints], {"out_type": dtypes.int32}, check_grad=False),
                Sample([ints], {"out_type": dtypes.int64}, check_grad=False),
                Sample([strings_of(rng, (0,))], check_grad=False)]
