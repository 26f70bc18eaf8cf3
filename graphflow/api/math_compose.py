"""TF1 math functions composed of the elementwise and reduction ops of `api/math.py`:
`log_sigmoid`, `truncatediv` / `truncatemod`, `reduce_logsumexp`, `reduce_variance` /
`reduce_std`, `count_nonzero`, `is_inf`, `zero_fraction`."""

from __future__ import annotations

from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import op_scope, operands
from .math import (
    _axis,
    add,
    cast,
    exp,
    floordiv,
    floormod,
    is_finite,
    is_nan,
    less,
    log,
    logical_and,
    logical_not,
    negative,
    not_equal,
    reduce_max,
    reduce_mean,
    reduce_sum,
    sqrt,
    square,
    truediv,
    where,
    zeros_like,
)


def log_sigmoid(x: Any, name: str | None = None) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), finite for large |x|."""
    from .activations import softplus

    with op_scope([x], name, "LogSigmoid") as scope:
        x = convert_to_tensor(x)
        return negative(softplus(negative(x)), name=scope)


def truncatemod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The remainder of division rounded toward zero (C's `%`, `fmod` for floats): it has
    the sign of x, unlike `floormod`."""
    with op_scope((x, y), name, "TruncateMod") as scope:
        x, y = operands(x, y)
        remainder = floormod(x, y)
        # floormod takes y's sign; where it differs from x's, step back by y.
        flip = logical_and(not_equal(remainder, zeros_like(remainder)),
                           not_equal(less(x, zeros_like(x)), less(y, zeros_like(y))))
        return where(flip, remainder - y, remainder, name=scope)


def truncatediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Integer division rounded toward zero (C's `/`), for integer tensors.

    Raises:
        TypeError: for floating operands (TF registers TruncateDiv for integers only).
    """
    with op_scope((x, y), name, "TruncateDiv") as scope:
        x, y = operands(x, y)
        if not x.dtype.is_integer:
            raise TypeError(f"truncatediv: expected integer operands, got {x.dtype.name}")
        quotient = floordiv(x, y)
        remainder = floormod(x, y)
        flip = logical_and(not_equal(remainder, zeros_like(remainder)),
                           not_equal(less(x, zeros_like(x)), less(y, zeros_like(y))))
        return where(flip, quotient + 1, quotient, name=scope)


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
                     name: str | None = None, reduction_indices: Any = None,
                     keep_dims: bool | None = None) -> Tensor:
    """log(sum(exp(x))) over `axis`, computed around the maximum so it does not overflow.

    Returns:
        The reduced tensor (-inf for an all -inf slice, as TF).
    """
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axis = _axis(axis, reduction_indices)
    with op_scope([input_tensor], name, "ReduceLogSumExp") as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis, keepdims=True)
        from .array import reshape, shape, stop_gradient

        # A non-finite maximum (all -inf) is replaced by 0 so the shift stays finite.
        shift = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(x - shift), axis, keepdims=keep))
        if not keep:
            shift = reshape(shift, shape(result))
        return add(result, shift, name=scope)


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                    name: str | None = None) -> Tensor:
    """The (biased) variance over `axis`: mean((x - mean(x))^2)."""
    with op_scope([input_tensor], name, "reduce_variance"):
        x = convert_to_tensor(input_tensor)
        means = reduce_mean(x, axis, keepdims=True)
        return reduce_mean(square(x - means), axis, keepdims=keepdims)


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False,
               name: str | None = None) -> Tensor:
    """The (biased) standard deviation over `axis`: sqrt(reduce_variance)."""
    with op_scope([input_tensor], name, "reduce_std"):
        return sqrt(reduce_variance(input_tensor, axis, keepdims))


def count_nonzero(input_tensor: Any = None, axis: Any = None, keepdims: bool | None = None,
                  dtype: Any = dtypes.int64, name: str | None = None,
                  reduction_indices: Any = None, keep_dims: bool | None = None,
                  input: Any = None) -> Tensor:  # noqa: A002 - TF1 name
    """The number of non-zero elements over `axis`, as `dtype` (int64 by default)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with op_scope([input_tensor], name, "count_nonzero"):
        x = convert_to_tensor(input_tensor if input_tensor is not None else input)
        nonzero = cast(not_equal(x, zeros_like(x)), dtypes.int64)
        return cast(reduce_sum(nonzero, _axis(axis, reduction_indices), keepdims=keep), dtype)


def is_inf(x: Any, name: str | None = None) -> Tensor:
    """True where x is +inf or -inf."""
    with op_scope([x], name, "IsInf") as scope:
        x = convert_to_tensor(x)
        return logical_and(logical_not(is_finite(x)), logical_not(is_nan(x)), name=scope)


def zero_fraction(value: Any, name: str | None = None) -> Tensor:
    """The fraction of zeros in `value`, as a float32 scalar (`tf.nn.zero_fraction`)."""
    from .array import identity, size

    with op_scope([value], name, "zero_fraction"):
        value = convert_to_tensor(value)
        total = size(value, out_type=dtypes.int64)
        zeros = total - count_nonzero(value)
        fraction = truediv(cast(zeros, dtypes.float32), cast(total, dtypes.float32))
        return identity(fraction, name="fraction")
