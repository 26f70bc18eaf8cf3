"""Math API: elementwise arithmetic, comparisons, reductions, matmul, cast (`tf.add`, `tf.exp`,
`tf.reduce_sum`, `tf.matmul`, ...), and the Python operator overloads of `Tensor`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import op_scope, operands, out


def _binary(op_type: str, x: Any, y: Any, name: str | None) -> Tensor:
    if type(x) is Tensor and type(y) is Tensor:
        return out(op_type, [x, y], name=name)
    with op_scope((x, y), name, op_type) as scope:
        return out(op_type, operands(x, y), name=scope)


def _unary(op_type: str, x: Any, name: str | None) -> Tensor:
    return out(op_type, [convert_to_tensor(x)], name=name)


def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x + y elementwise, with numpy broadcasting. Both operands must share a dtype."""
    return _binary("Add", x, y, name)


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x - y elementwise, with broadcasting."""
    return _binary("Sub", x, y, name)


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y elementwise, with broadcasting."""
    return _binary("Mul", x, y, name)


def multiply_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y, and 0 where y == 0 even if x is infinite or NaN (TF's `tf.math.multiply_no_nan`)."""
    return _binary("MulNoNan", x, y, name)


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y; integer operands are first cast to float (int8/16 -> float32, else float64)."""
    with op_scope((x, y), name, "truediv") as scope:
        x, y = operands(x, y)
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return out("RealDiv", [x, y], name=scope)


divide = truediv


def realdiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y for floating operands."""
    return _binary("RealDiv", x, y, name)


def div(x: Any, y: Any, name: str | None = None) -> Tensor:
    """TF1's `tf.div`: floor division for integers, true division for floats."""
    with op_scope((x, y), name, "div") as scope:
        x, y = operands(x, y)
        return out("FloorDiv" if x.dtype.is_integer else "RealDiv", [x, y], name=scope)


def floordiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Floor division (`//`): floor(x / y) for floats too."""
    with op_scope((x, y), name, "floordiv") as scope:
        x, y = operands(x, y)
        if x.dtype.is_floating:
            return floor(out("RealDiv", [x, y]), name=scope)
        return out("FloorDiv", [x, y], name=scope)


floor_div = floordiv


def floormod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x mod y with the sign of y (`%`)."""
    return _binary("FloorMod", x, y, name)


mod = floormod


def div_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, and 0 where y == 0 (no NaN or Inf from a zero denominator)."""
    x, y = operands(x, y)
    is_zero = equal(y, zeros_like(y))
    q = x / where(is_zero, ones_like(y), y)
    return where(is_zero, zeros_like(q), q, name=name)


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF1 name
    """x ** y elementwise."""
    return _binary("Pow", x, y, name)


def maximum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise max; the gradient goes to x where x >= y."""
    return _binary("Maximum", x, y, name)


def minimum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise min; the gradient goes to x where x <= y."""
    return _binary("Minimum", x, y, name)


def squared_difference(x: Any, y: Any, name: str | None = None) -> Tensor:
    """(x - y)**2 elementwise."""
    return _binary("SquaredDifference", x, y, name)


def negative(x: Any, name: str | None = None) -> Tensor:
    """-x."""
    return _unary("Neg", x, name)


def _make_unary(op_type: str, doc: str):
    def fn(x: Any, name: str | None = None) -> Tensor:
        return _unary(op_type, x, name)

    fn.__doc__ = doc
    return fn


abs = _make_unary("Abs", "|x| elementwise.")  # noqa: A001
sign = _make_unary("Sign", "-1, 0 or 1 elementwise.")
square = _make_unary("Square", "x * x elementwise.")
sqrt = _make_unary("Sqrt", "Square root elementwise.")
rsqrt = _make_unary("Rsqrt", "1 / sqrt(x) elementwise.")
exp = _make_unary("Exp", "e**x elementwise.")
expm1 = _make_unary("Expm1", "e**x - 1 elementwise, accurate near 0.")
log = _make_unary("Log", "Natural logarithm elementwise.")
log1p = _make_unary("Log1p", "log(1 + x) elementwise, accurate near 0.")
floor = _make_unary("Floor", "Largest integer <= x, elementwise.")
ceil = _make_unary("Ceil", "Smallest integer >= x, elementwise.")
round = _make_unary("Round", "Round half to even, elementwise (as TF).")  # noqa: A001
sigmoid = _make_unary("Sigmoid", "1 / (1 + exp(-x)), numerically stable.")
tanh = _make_unary("Tanh", "Hyperbolic tangent elementwise.")
sin = _make_unary("Sin", "Sine elementwise.")
cos = _make_unary("Cos", "Cosine elementwise.")
erf = _make_unary("Erf", "The error function elementwise.")
reciprocal = _make_unary("Reciprocal", "1 / x elementwise.")
is_nan = _make_unary("IsNan", "True where x is NaN.")
is_finite = _make_unary("IsFinite", "True where x is finite.")
logical_not = _make_unary("LogicalNot", "Elementwise not of a bool tensor.")


def _make_compare(op_type: str, doc: str):
    def fn(x: Any, y: Any, name: str | None = None) -> Tensor:
        return _binary(op_type, x, y, name)

    fn.__doc__ = doc
    return fn


equal = _make_compare("Equal", "x == y elementwise (bool result).")
not_equal = _make_compare("NotEqual", "x != y elementwise (bool result).")
less = _make_compare("Less", "x < y elementwise (bool result).")
less_equal = _make_compare("LessEqual", "x <= y elementwise (bool result).")
greater = _make_compare("Greater", "x > y elementwise (bool result).")
greater_equal = _make_compare("GreaterEqual", "x >= y elementwise (bool result).")
logical_and = _make_compare("LogicalAnd", "Elementwise and of bool tensors.")
logical_or = _make_compare("LogicalOr", "Elementwise or of bool tensors.")


def logical_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise exclusive or of bool tensors."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """Selects from x where `condition` is true, else from y (numpy broadcasting).

    With only `condition`, returns the int64 coordinates of its true elements. A condition of
    unknown rank (a bool placeholder declared without a shape, e.g. a `training` flag) gives
    the shape of x and y, as TF1's Select: its condition is a scalar, a vector over the first
    dimension, or x's shape, never larger.
    """
    result = where_v2(condition, x, y, name)
    if x is None and y is None:
        return result
    select = result.op
    condition, x, y = select.inputs
    if condition.shape.ndims is None and x.shape.is_compatible_with(y.shape):
        result.set_shape(x.shape.merge_with(y.shape))
    return result


def where_v2(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """Selects from x where `condition` is true, else from y, all three broadcast together.

    With only `condition`, returns the int64 coordinates of its true elements.
    """
    condition = convert_to_tensor(condition)
    if x is None and y is None:
        return out("Where", [condition], name=name)
    x, y = operands(x, y)
    return out("Select", [condition, x, y], name=name)


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """Converts x to `dtype` (floats to ints truncate toward zero)."""
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    return out("Cast", [x], {"DstT": dtype, "SrcT": x.dtype}, name=name)


def to_float(x: Any, name: str = "ToFloat") -> Tensor:
    return cast(x, dtypes.float32, name)


def to_int32(x: Any, name: str = "ToInt32") -> Tensor:
    return cast(x, dtypes.int32, name)


def to_int64(x: Any, name: str = "ToInt64") -> Tensor:
    return cast(x, dtypes.int64, name)


def zeros_like(x: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Zeros of x's shape (and dtype unless given)."""
    x = convert_to_tensor(x)
    if x.dtype == dtypes.variant:  # a list whose slots read as zeros (gradients of lists)
        from . import list_ops

        return list_ops.zeros_like(x, name=name)
    z = out("ZerosLike", [x], name=name)
    return z if dtype is None else cast(z, dtype)


def ones_like(x: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Ones of x's shape (and dtype unless given)."""
    x = convert_to_tensor(x)
    o = out("OnesLike", [x], name=name)
    return o if dtype is None else cast(o, dtype)


def add_n(inputs: Sequence[Any], name: str | None = None) -> Tensor:
    """Sums a list of same-shape, same-dtype tensors.

    Raises:
        ValueError: for an empty list.
    """
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("inputs must be a non-empty list of tensors")
    if inputs[0].dtype == dtypes.variant and len(inputs) > 1:  # gradient lists, elementwise
        from . import list_ops

        return list_ops.add_n(inputs, name=name)
    if len(inputs) == 1:
        from .array import identity

        return identity(inputs[0], name=name)
    return out("AddN", inputs, name=name)


def sum_to_shape(dy: Tensor, like: Tensor) -> Tensor:
    """Reduces a broadcast gradient `dy` to the shape of `like` (identity when shapes match)."""
    if like.shape.is_fully_defined() and dy.shape == like.shape:
        return dy
    from .array import shape, with_shape_of

    target = shape(like)
    return with_shape_of(out("SumToShape", [dy, target]), target)


# ---- reductions ---------------------------------------------------------------------------------
def _axis(axis: Any, reduction_indices: Any) -> Any:
    if axis is None:
        axis = reduction_indices
    if isinstance(axis, Tensor):
        if axis._const_value is None:
            raise ValueError(f"reduction axis must be a constant, got {axis.name}")
        axis = axis._const_value.tolist()
    if isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, tuple):
        axis = list(axis)
    return axis


def _make_reduce(op_type: str, doc: str):
    def fn(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
           name: str | None = None, reduction_indices: Any = None, keep_dims: bool | None = None
           ) -> Tensor:
        keep = bool(keepdims if keepdims is not None else keep_dims)
        x = convert_to_tensor(input_tensor)
        return out(op_type, [x], {"axis": _axis(axis, reduction_indices), "keepdims": keep}, name)

    fn.__doc__ = doc + (
        "\n\nArgs:\n    input_tensor: the tensor to reduce.\n    axis: None (all), an int or a"
        " list of ints; negative values count from the end.\n    keepdims: keep reduced axes "
        "with size 1.\n    name: op name.\n\nReturns:\n    The reduced tensor."
    )
    return fn


reduce_sum = _make_reduce("Sum", "Sum of elements across axes.")
reduce_mean = _make_reduce("Mean", "Mean of elements across axes (integer mean truncates).")
reduce_max = _make_reduce("Max", "Maximum across axes.")
reduce_min = _make_reduce("Min", "Minimum across axes.")
reduce_prod = _make_reduce("Prod", "Product across axes.")
reduce_any = _make_reduce("Any", "Logical or across axes.")
reduce_all = _make_reduce("All", "Logical and across axes.")


def _make_arg(op_type: str, doc: str):
    def fn(input: Any, axis: Any = None, name: str | None = None, dimension: Any = None,
           output_type: Any = dtypes.int64) -> Tensor:  # noqa: A002 - TF1 name
        axis = _axis(axis if axis is not None else dimension, None)
        return out(op_type, [convert_to_tensor(input)],
                   {"axis": 0 if axis is None else int(axis),
                    "output_type": dtypes.as_dtype(output_type)}, name)

    fn.__doc__ = doc
    return fn


argmax = _make_arg("ArgMax", "Index of the largest value along `axis` (default 0), int64.")
argmin = _make_arg("ArgMin", "Index of the smallest value along `axis` (default 0), int64.")


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, name: str | None = None) -> Tensor:
    """Matrix product of rank-2 (or batched, rank > 2) tensors.

    Raises:
        ValueError: when inner dimensions differ ("Dimensions must be equal, but are 3 and 4").
    """
    a, b = operands(a, b)
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if a.shape.ndims == 2 and b.shape.ndims == 2:
        return out("MatMul", [a, b], {"transpose_a": ta, "transpose_b": tb}, name)
    return out("BatchMatMulV2", [a, b], {"adj_x": ta, "adj_y": tb}, name)


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor:
    """scalar * x."""
    return multiply(scalar, x, name=name)


def _operator(fn, scope: str):
    """A Python operator: TF1 names its ops in lower case ("mul", "add") unlike the functions."""
    return lambda self, other: fn(self, other, name=scope)


def _roperator(fn, scope: str):
    return lambda self, other: fn(other, self, name=scope)


def _getitem(self: Tensor, key: Any) -> Tensor:
    from .array import _slice_helper

    return _slice_helper(self, key)


Tensor._OPERATORS.update({
    "__add__": _operator(add, "add"), "__radd__": _roperator(add, "add"),
    "__sub__": _operator(subtract, "sub"), "__rsub__": _roperator(subtract, "sub"),
    "__mul__": _operator(multiply, "mul"), "__rmul__": _roperator(multiply, "mul"),
    "__truediv__": _operator(truediv, "truediv"), "__rtruediv__": _roperator(truediv, "truediv"),
    "__floordiv__": _operator(floordiv, "floordiv"),
    "__rfloordiv__": _roperator(floordiv, "floordiv"),
    "__mod__": _operator(floormod, "mod"), "__rmod__": _roperator(floormod, "mod"),
    "__pow__": _operator(pow, "pow"), "__rpow__": _roperator(pow, "pow"),
    "__matmul__": _operator(matmul, "matmul"), "__rmatmul__": _roperator(matmul, "matmul"),
    "__neg__": negative, "__abs__": abs, "__invert__": logical_not,
    "__and__": _operator(logical_and, "and"), "__rand__": _roperator(logical_and, "and"),
    "__or__": _operator(logical_or, "or"), "__ror__": _roperator(logical_or, "or"),
    "__xor__": _operator(logical_xor, "xor"), "__rxor__": _roperator(logical_xor, "xor"),
    "__lt__": less, "__le__": less_equal, "__gt__": greater, "__ge__": greater_equal,
    "__getitem__": _getitem,
})


# ---- TF1 names composed of the ops above ---------------------------------------------------------
def to_double(x: Any, name: str = "ToDouble") -> Tensor:
    """Casts to float64 (TF1's deprecated `tf.to_double`)."""
    return cast(x, dtypes.float64, name)


def arg_max(input: Any, dimension: Any, output_type: Any = dtypes.int64,  # noqa: A002 - TF1
            name: str | None = None) -> Tensor:
    """TF1's `tf.arg_max(input, dimension, output_type, name)`: `argmax` along `dimension`."""
    return argmax(input, dimension, name=name, output_type=output_type)


def arg_min(input: Any, dimension: Any, output_type: Any = dtypes.int64,  # noqa: A002 - TF1
            name: str | None = None) -> Tensor:
    """TF1's `tf.arg_min(input, dimension, output_type, name)`: `argmin` along `dimension`."""
    return argmin(input, dimension, name=name, output_type=output_type)
