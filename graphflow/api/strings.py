"""String ops of the TF1 surface: `tf.as_string`, `tf.string_join`, `tf.reduce_join`,
`tf.substr`, `tf.regex_replace`, `tf.string_to_number`, `tf.string_strip` and the
`tf.strings` namespace (graphflow/strings.py). The ops are defined in ops/strings.py and
ops/string_parse.py; these wrappers convert arguments and create them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import op_scope, out


def _string(value: Any, what: str = "input") -> Tensor:
    """`value` as a string tensor (Python strings and lists become constants).

    Raises:
        TypeError: for a tensor of another dtype.
    """
    t = convert_to_tensor(value, preferred_dtype=dtypes.string)
    if t.dtype != dtypes.string:
        raise TypeError(f"Expected string passed to parameter '{what}', got {t.dtype.name} "
                        f"tensor {t.name}")
    return t


def _attr_string(value: Any) -> str | None:
    """A Python string as an attribute value, or None for a tensor (TF1 builds the Static* regex
    ops only for Python strings)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value if isinstance(value, str) else None


def as_string(input: Any, precision: int = -1, scientific: bool = False,  # noqa: A002 - TF1 name
              shortest: bool = False, width: int = -1, fill: str = "",
              name: str | None = None) -> Tensor:
    """Formats each number as a string, like C's printf.

    Args:
        input: a numeric or bool tensor.
        precision: digits after the point for floats (-1: printf's default, 6).
        scientific: "%e" notation for floats.
        shortest: "%g" notation for floats (the shorter of %e and %f).
        width: pad to this many characters (-1: no padding).
        fill: one printf flag character: " ", "+", "-" (left-align), "0" or "#".
        name: op name.

    Returns:
        A string tensor of the same shape (bools become b"true"/b"false").

    Raises:
        TypeError: for a dtype that cannot be formatted.
        InvalidArgumentError (when run): for attribute combinations TF1 rejects (a fill other
            than those flags, scientific with shortest, precision for integers).
    """
    attrs = {"precision": int(precision), "scientific": bool(scientific),
             "shortest": bool(shortest), "width": int(width), "fill": fill}
    return out("AsString", [convert_to_tensor(input)], attrs, name=name)


def string_join(inputs: Sequence[Any], separator: str = "", name: str | None = None) -> Tensor:
    """Joins string tensors elementwise: `"a" + separator + "b"`.

    Args:
        inputs: string tensors of one shape, or scalars (repeated for every element).
        separator: the string between the joined parts.
        name: op name.

    Returns:
        A string tensor of the inputs' common shape.

    Raises:
        ValueError: if two non-scalar inputs differ in shape.
        TypeError: if an input is not a string tensor.
    """
    with op_scope(list(inputs), name, "StringJoin") as scope:
        tensors = [_string(x, "inputs") for x in inputs]
        return out("StringJoin", tensors, {"separator": separator}, name=scope)


def join(inputs: Sequence[Any], separator: str = "", name: str | None = None) -> Tensor:
    """`tf.strings.join`: the same as `string_join`."""
    return string_join(inputs, separator=separator, name=name)


def reduce_join(inputs: Any, axis: Any = None, keep_dims: bool | None = None,
                separator: str = "", name: str | None = None, reduction_indices: Any = None,
                keepdims: bool | None = None) -> Tensor:
    """Joins the strings along `axis`.

    Args:
        inputs: a string tensor.
        axis: an axis or list of axes (negative counts from the end); None joins all. With
            several axes, the first listed varies fastest in the joined string (TF1's order).
        keep_dims / keepdims: keep reduced axes with size 1.
        separator: the string between joined elements.
        name: op name.
        reduction_indices: the deprecated name of `axis`.

    Returns:
        The joined string tensor.

    Raises:
        ValueError: for an axis outside the input's rank, or both `axis` and
            `reduction_indices`.
    """
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
    axis = reduction_indices if axis is None else axis
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    keep = bool(keepdims if keepdims is not None else keep_dims)
    if hasattr(axis, "op"):  # a constant tensor of axes
        axis = axis.op.get_attr("value").tolist()
    if axis is not None and not isinstance(axis, int):
        axis = [int(a) for a in axis]
    with op_scope([inputs], None, "ReduceJoin"):  # TF1 names it "ReduceJoin/ReduceJoin"
        return out("ReduceJoin", [_string(inputs, "inputs")],
                   {"axis": axis, "keep_dims": keep, "separator": separator},
                   name=name or "ReduceJoin")


def strings_reduce_join(inputs: Any, axis: Any = None, keepdims: bool = False, separator: str = "",
                        name: str | None = None) -> Tensor:
    """`tf.strings.reduce_join` (TF2's argument names): see `reduce_join`."""
    return reduce_join(inputs, axis=axis, keepdims=keepdims, separator=separator, name=name)


def length(input: Any, name: str | None = None, unit: str = "BYTE") -> Tensor:  # noqa: A002
    """The length of each string, in bytes (`unit="BYTE"`) or UTF-8 characters ("UTF8_CHAR").

    Returns:
        An int32 tensor of the input's shape.

    Raises:
        ValueError: for another unit.
    """
    return out("StringLength", [_string(input)], {"unit": unit}, name=name)


def lower(input: Any, encoding: str = "", name: str | None = None) -> Tensor:  # noqa: A002
    """Lower-cases ASCII letters, or with `encoding="utf-8"` every letter of UTF-8 text."""
    return out("StringLower", [_string(input)], {"encoding": encoding}, name=name)


def upper(input: Any, encoding: str = "", name: str | None = None) -> Tensor:  # noqa: A002
    """Upper-cases ASCII letters, or with `encoding="utf-8"` every letter of UTF-8 text."""
    return out("StringUpper", [_string(input)], {"encoding": encoding}, name=name)


def strip(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Removes leading and trailing ASCII whitespace from each string."""
    return out("StringStrip", [_string(input)], name=name)


def string_strip(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`tf.string_strip`: the same as `tf.strings.strip`."""
    return strip(input, name=name)


def substr(input: Any, pos: Any, len: Any, name: str | None = None,  # noqa: A002
           unit: str = "BYTE") -> Tensor:
    """`input[pos:pos + len]` for each string.

    Args:
        input: a string tensor.
        pos: start offsets (int32/int64); negative counts from the end.
        len: lengths; past the end of a string means "to its end".
        name: op name.
        unit: "BYTE" or "UTF8_CHAR" (offsets and lengths in characters).

    Returns:
        A string tensor (the broadcast shape of input and pos).

    Raises:
        ValueError: if pos and len differ in shape.
        InvalidArgumentError (when run): for a pos beyond a string's length.
    """
    with op_scope([input, pos, len], name, "Substr") as scope:
        x = _string(input)
        p = convert_to_tensor(pos, name="pos")
        n = convert_to_tensor(len, dtype=p.dtype, name="len")
        return out("Substr", [x, p, n], {"unit": unit}, name=scope)


def regex_replace(input: Any, pattern: Any, rewrite: Any, replace_global: bool = True,  # noqa: A002
                  name: str | None = None) -> Tensor:
    """Replaces matches of an RE2 `pattern` by `rewrite` (`\\1` names a group, `\\0` the
    match) in each string.

    Args:
        input: a string tensor.
        pattern: an RE2 regular expression (a string or a scalar string tensor).
        rewrite: the replacement (a string or a scalar string tensor).
        replace_global: replace every match (True) or only the first.
        name: op name.

    Returns:
        A string tensor of the input's shape.

    Raises:
        InvalidArgumentError (when run): for an invalid pattern or rewrite.
    """
    static_pattern, static_rewrite = _attr_string(pattern), _attr_string(rewrite)
    attrs: dict[str, Any] = {"replace_global": bool(replace_global)}
    if static_pattern is not None and static_rewrite is not None:
        attrs.update(pattern=static_pattern, rewrite=static_rewrite)
        return out("StaticRegexReplace", [_string(input)], attrs, name=name)
    with op_scope([input, pattern, rewrite], name, "RegexReplace") as scope:
        inputs = [_string(input), _string(pattern, "pattern"), _string(rewrite, "rewrite")]
        return out("RegexReplace", inputs, attrs, name=scope)


def regex_full_match(input: Any, pattern: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Whether each whole string matches the RE2 `pattern`.

    Returns:
        A bool tensor of the input's shape.

    Raises:
        InvalidArgumentError (when run): for an invalid pattern.
    """
    static_pattern = _attr_string(pattern)
    if static_pattern is not None:
        return out("StaticRegexFullMatch", [_string(input)], {"pattern": static_pattern},
                   name=name)
    with op_scope([input, pattern], name, "RegexFullMatch") as scope:
        return out("RegexFullMatch", [_string(input), _string(pattern, "pattern")],
                   name=scope)


def to_number(string_tensor: Any, out_type: Any = dtypes.float32, name: str | None = None) -> Tensor:
    """Parses each string as a number.

    Args:
        string_tensor: a string tensor.
        out_type: float32, float64, int32 or int64.
        name: op name.

    Returns:
        A tensor of `out_type` and the input's shape.

    Raises:
        TypeError: for another out_type.
        InvalidArgumentError (when run): "StringToNumberOp could not correctly convert
            string: ..." for a string that is not a number of that type.
    """
    return out("StringToNumber", [_string(string_tensor, "string_tensor")],
               {"out_type": dtypes.as_dtype(out_type)}, name=name)


def string_to_number(string_tensor: Any, out_type: Any = dtypes.float32,
                     name: str | None = None) -> Tensor:
    """`tf.string_to_number`: the same as `tf.strings.to_number`."""
    return to_number(string_tensor, out_type=out_type, name=name)


def format(template: str, inputs: Any, placeholder: str = "{}", summarize: int = 3,  # noqa: A001
           name: str | None = None) -> Tensor:
    """`tf.strings.format`: `template` with each `placeholder` replaced by a tensor's summary.

    Args:
        template: the text, e.g. "loss={} step={}".
        inputs: one tensor or a list of tensors (one per placeholder, in order).
        placeholder: the marker replaced in `template`.
        summarize: entries kept at each end of every dimension (-1: all), as TF prints.
        name: op name.

    Returns:
        A scalar string tensor.

    Raises:
        ValueError: if the template's placeholders and the inputs differ in number.
    """
    values = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    with op_scope(values, name, "StringFormat") as scope:
        tensors = [convert_to_tensor(v) for v in values]
        attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize)}
        return out("StringFormat", tensors, attrs, name=scope)
