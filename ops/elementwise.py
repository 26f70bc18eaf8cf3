"""Elementwise ops as rows of one table: scalar expression, numpy implementation, dtype rule and
gradient. The fuser (`graphflow.compiler.fuse`) builds one CPU loop (numba) or one CUDA kernel
from the `expr` strings of a group of rows; `numpy` is the reference and the unfused kernel.

In `expr`, the operands are `x`, `y`, `z`; `math` is the Python math module (numba- and
CUDA-compilable). Rows marked `transcendental` stay numpy ufunc calls on the CPU, where numpy's
vectorized libm beats numba's scalar one by far (see PERFORMANCE.md), except where a row has a
`float32_cpu_expr`: a call of a vectorizable function of `graphflow.ops._fast_math` (Tanh,
Sigmoid and Exp, within 2 ulp of the exact values), which the CPU fuser inlines into its
generated loops for float32 operands. Their numpy reference and unfused kernel stay numpy's,
float64 keeps the exact libm, and the CUDA kernels keep the device's math functions (`expr`).

Gradients are compositions of other rows (never special "XxxGrad" kernels), so that second
derivatives exist and the fuser can merge backward chains like forward ones. Where TF's fused
gradient kernels (SqrtGrad, RsqrtGrad, ReciprocalGrad) return 0 for a zero incoming gradient,
even at an infinite or NaN local derivative, the gradient is a `MulNoNan` row, so that
`tf.where(x > 0, tf.sqrt(x), 0)` trains at x <= 0 as in TF instead of going NaN.

Integer division by zero (FloorDiv, FloorMod and what is built from them: `//`, `%`, `tf.div`,
`truncatediv`, `truncatemod` on integers) is TF1's InvalidArgumentError "Integer division by
zero" on the host: the numpy implementation checks integer divisors (floats pay nothing), and
these rows never enter a generated CPU loop (`cpu_fusable=False`), so every CPU path raises. On
the CUDA backend, as in TF1's GPU kernels, it does not raise: the device computes numba's
integer division, whose result for a zero divisor is 0 (TF1's GPU gives an unspecified value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from ._rules import broadcast_dims
from .registry import MAX_PROPAGATED_ELEMENTS, REGISTRY, OpDef, Sample, Spec


def _scipy_special(name: str) -> Callable[..., Any]:
    """scipy.special's ufunc `name`, imported on first call: scipy.special takes about 0.2 s
    to import, more than the rest of `import graphflow`."""

    def call(*args: Any, **kwargs: Any) -> Any:
        import scipy.special

        return getattr(scipy.special, name)(*args, **kwargs)

    call.__name__ = name
    return call


class IntegerDivisionByZero(ZeroDivisionError):
    """An integer FloorDiv/FloorMod met a zero divisor; a plan reports it as TF1's
    InvalidArgumentError naming the op."""


def _integer_checked(divide: Callable[..., Any]) -> Callable[..., Any]:
    """`divide(x, y)` raising IntegerDivisionByZero("Integer division by zero") for a zero
    integer divisor (numpy returns 0 there, with a warning), as TF1's CPU kernels do. Only
    integer divisors are scanned: a float divisor costs one dtype test."""

    def checked(x: Any, y: Any) -> Any:
        dtype = y.dtype if isinstance(y, (np.ndarray, np.generic)) else np.asarray(y).dtype
        if dtype.kind in "iu" and not np.all(y):
            raise IntegerDivisionByZero("Integer division by zero")
        return divide(x, y)

    checked.__name__ = divide.__name__
    return checked


_expit = _scipy_special("expit")


def _sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x)) in four in-place numpy passes on float32/float64 arrays (numpy's SIMD
    exp): 2.5x faster than scipy.special.expit's scalar loop on an LSTM gate (128x128 float32:
    106 us against 264 us), with expit's accuracy. exp(-x) overflows to inf below -88 (float32),
    whose reciprocal is the correct limit 0. Half floats are computed in float32 and keep their
    dtype (expit returns float64 there); scalars use expit."""
    if not (isinstance(x, np.ndarray) and x.ndim):
        return _expit(x)
    if x.dtype == np.float16:
        return _sigmoid(x.astype(np.float32)).astype(np.float16)
    if x.dtype not in (np.float32, np.float64):
        return _expit(x)
    t = np.negative(x)
    with np.errstate(over="ignore"):
        np.exp(t, out=t)
    t += 1.0
    return np.reciprocal(t, out=t)


def _mul_no_nan(x: Any, y: Any) -> Any:
    """numpy's x * y, and 0 where y == 0 even if x is infinite or NaN (TF's MulNoNan)."""
    product = np.multiply(x, y)
    return np.where(np.equal(y, 0), product.dtype.type(0), product)


def _no_nan(x: Any, dy: Any) -> Any:
    """The graph op x * dy that is 0 where dy == 0: the rule of TF's SqrtGrad, RsqrtGrad and
    ReciprocalGrad kernels (a branch a where() masked off gets no NaN from inf * 0)."""
    from graphflow.api._build import out

    return out("MulNoNan", [x, dy])


def _m():  # the graph-building math API, imported lazily (it imports this module)
    from graphflow.api import math

    return math


def _unb(dy: Any, x: Any) -> Any:
    """Sums a broadcast gradient back to the shape of operand `x`."""
    return _m().sum_to_shape(dy, x)


@dataclass(frozen=True)
class Row:
    """One elementwise op."""

    type: str
    arity: int
    expr: str
    numpy: Callable[..., Any]
    grad: Callable[..., Any] | None  # (op, dy) -> list of input grads; None = not differentiable
    kinds: str = "fiu"  # numpy dtype kinds accepted ("f" float, "i"/"u" int, "b" bool, "O" string)
    bool_out: bool = False
    transcendental: bool = False
    #: Whether the CPU fuser may inline `expr` into a generated loop. False for transcendental
    #: rows (numpy's vectorized libm is far faster) and for rows whose Python scalar semantics
    #: differ from numpy's at edge cases (floor/round return ints, pow/floordiv of ints).
    cpu_fusable: bool = True
    #: numpy needs several passes over memory for this row (e.g. a comparison then a
    #: select), so one generated loop beats it even for the op alone.
    multipass: bool = False
    #: The row's expression in a generated CPU loop over float32 operands, calling a
    #: vectorizable function of `graphflow.ops._fast_math` (None: `expr`, if it fuses at all).
    float32_cpu_expr: str | None = None

    @property
    def fuses_on_cpu(self) -> bool:
        return self.cpu_fusable and not self.transcendental

    def fuses_on_cpu_in(self, dtype: Any) -> bool:
        """Whether the CPU fuser may inline this row over operands of numpy dtype `dtype`."""
        return self.fuses_on_cpu or (self.float32_cpu_expr is not None and np.dtype(dtype) == np.float32)


def _g(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps a gradient written in terms of (m, dy, *inputs, out) with m = the math API."""

    def grad(op: Any, dy: Any) -> Any:
        return fn(_m(), dy, *op.inputs, op.outputs[0])

    return grad


ROWS: list[Row] = [
    # ---- arithmetic ------------------------------------------------------------------------
    Row("Add", 2, "x + y", np.add, _g(lambda m, dy, x, y, z: [_unb(dy, x), _unb(dy, y)]),
        kinds="fiuO"),  # strings concatenate (TF1's Add); numpy's object add calls bytes +
    Row("Sub", 2, "x - y", np.subtract, _g(lambda m, dy, x, y, z: [_unb(dy, x), _unb(-dy, y)])),
    Row("Mul", 2, "x * y", np.multiply,
        _g(lambda m, dy, x, y, z: [_unb(dy * y, x), _unb(x * dy, y)])),
    Row("RealDiv", 2, "x / y", np.divide,
        _g(lambda m, dy, x, y, z: [_unb(dy / y, x), _unb(dy * (-x / y) / y, y)]), kinds="f"),
    # never in a generated CPU loop: numba returns 0 for an integer division by zero, where
    # the numpy implementation raises TF1's error (and float // and % differ at the edges)
    Row("FloorDiv", 2, "x // y", _integer_checked(np.floor_divide), None, cpu_fusable=False),
    Row("FloorMod", 2, "x % y", _integer_checked(np.mod),
        _g(lambda m, dy, x, y, z: [_unb(dy, x), _unb(-dy * m.floor_div(x, y), y)]),
        cpu_fusable=False),
    Row("Pow", 2, "x ** y", np.power, _g(lambda m, dy, x, y, z: [
        _unb(dy * y * m.pow(x, y - m.ones_like(y)), x),
        _unb(dy * z * m.where(x > m.zeros_like(x), m.log(m.where(
            x > m.zeros_like(x), x, m.ones_like(x))), m.zeros_like(x)), y)]), cpu_fusable=False),
    Row("Maximum", 2, "x if (x >= y or x != x) else y", np.maximum, _g(lambda m, dy, x, y, z: [
        _unb(m.where(x >= y, dy, m.zeros_like(dy)), x),
        _unb(m.where(x >= y, m.zeros_like(dy), dy), y)])),
    Row("Minimum", 2, "x if (x <= y or x != x) else y", np.minimum, _g(lambda m, dy, x, y, z: [
        _unb(m.where(x <= y, dy, m.zeros_like(dy)), x),
        _unb(m.where(x <= y, m.zeros_like(dy), dy), y)])),
    Row("SquaredDifference", 2, "(x - y) * (x - y)", lambda x, y: np.square(x - y),
        _g(lambda m, dy, x, y, z: [_unb(2.0 * dy * (x - y), x), _unb(-2.0 * dy * (x - y), y)]),
        kinds="fi"),
    Row("Neg", 1, "-x", np.negative, _g(lambda m, dy, x, z: [-dy]), kinds="fi"),
    Row("Abs", 1, "abs(x)", np.abs, _g(lambda m, dy, x, z: [dy * m.sign(x)]), kinds="fi"),
    Row("Sign", 1, "int(x > 0) - int(x < 0)", np.sign, _g(lambda m, dy, x, z: [m.zeros_like(x)]),
        kinds="fi", cpu_fusable=False),
    Row("Square", 1, "x * x", np.square, _g(lambda m, dy, x, z: [dy * (2.0 * x)]), kinds="fi"),
    Row("Reciprocal", 1, "1.0 / x", np.reciprocal, _g(lambda m, dy, x, z: [_no_nan(-z * z, dy)]),
        kinds="f"),
    Row("MulNoNan", 2, "x * y if y != 0 else y - y", _mul_no_nan, _g(lambda m, dy, x, y, z: [
        _unb(_no_nan(dy, y), x), _unb(_no_nan(x, dy), y)]), kinds="f", multipass=True),
    Row("Floor", 1, "math.floor(x)", np.floor, None, kinds="f", cpu_fusable=False),
    Row("Ceil", 1, "math.ceil(x)", np.ceil, None, kinds="f", cpu_fusable=False),
    Row("Round", 1, "round(x)", np.round, None, kinds="f", cpu_fusable=False),
    # ---- transcendental (numpy ufuncs on the CPU) ---------------------------------------------
    Row("Sqrt", 1, "math.sqrt(x)", np.sqrt, _g(lambda m, dy, x, z: [_no_nan(0.5 / z, dy)]),
        kinds="f", transcendental=True),
    Row("Rsqrt", 1, "1.0 / math.sqrt(x)", lambda x: np.reciprocal(np.sqrt(x)),
        _g(lambda m, dy, x, z: [_no_nan(-0.5 * z * z * z, dy)]), kinds="f", transcendental=True),
    Row("Exp", 1, "math.exp(x)", np.exp, _g(lambda m, dy, x, z: [dy * z]), kinds="f",
        transcendental=True, float32_cpu_expr="exp_f32(np.float32(x))"),
    Row("Expm1", 1, "math.expm1(x)", np.expm1, _g(lambda m, dy, x, z: [dy * (z + 1.0)]),
        kinds="f", transcendental=True),
    Row("Log", 1, "math.log(x)", np.log, _g(lambda m, dy, x, z: [dy / x]), kinds="f",
        transcendental=True),
    Row("Log1p", 1, "math.log1p(x)", np.log1p, _g(lambda m, dy, x, z: [dy / (x + 1.0)]),
        kinds="f", transcendental=True),
    # alone, float32 Sigmoid is one generated loop rather than _sigmoid's four numpy passes
    Row("Sigmoid", 1, "1.0 / (1.0 + math.exp(-x))", _sigmoid,
        _g(lambda m, dy, x, z: [dy * z * (1.0 - z)]), kinds="f", transcendental=True,
        multipass=True, float32_cpu_expr="sigmoid_f32(np.float32(x))"),
    Row("Tanh", 1, "math.tanh(x)", np.tanh, _g(lambda m, dy, x, z: [dy * (1.0 - z * z)]),
        kinds="f", transcendental=True, float32_cpu_expr="tanh_f32(np.float32(x))"),
    Row("Sin", 1, "math.sin(x)", np.sin, _g(lambda m, dy, x, z: [dy * m.cos(x)]), kinds="f",
        transcendental=True),
    Row("Cos", 1, "math.cos(x)", np.cos, _g(lambda m, dy, x, z: [-dy * m.sin(x)]), kinds="f",
        transcendental=True),
    Row("Erf", 1, "math.erf(x)", _scipy_special("erf"),
        _g(lambda m, dy, x, z: [dy * (2.0 / np.sqrt(np.pi)) * m.exp(-m.square(x))]), kinds="f",
        transcendental=True),
    # ---- comparisons and logic (not differentiable) --------------------------------------
    Row("Equal", 2, "x == y", np.equal, None, kinds="fiubO", bool_out=True),
    Row("NotEqual", 2, "x != y", np.not_equal, None, kinds="fiubO", bool_out=True),
    Row("Less", 2, "x < y", np.less, None, bool_out=True),
    Row("LessEqual", 2, "x <= y", np.less_equal, None, bool_out=True),
    Row("Greater", 2, "x > y", np.greater, None, bool_out=True),
    Row("GreaterEqual", 2, "x >= y", np.greater_equal, None, bool_out=True),
    Row("LogicalAnd", 2, "x and y", np.logical_and, None, kinds="b", bool_out=True),
    Row("LogicalOr", 2, "x or y", np.logical_or, None, kinds="b", bool_out=True),
    Row("LogicalNot", 1, "not x", np.logical_not, None, kinds="b", bool_out=True),
    Row("IsNan", 1, "math.isnan(x)", np.isnan, None, kinds="f", bool_out=True),
    Row("IsFinite", 1, "math.isfinite(x)", np.isfinite, None, kinds="f", bool_out=True),
    # ---- selection: z = x if cond else y (cond is operand x here) ----------------------------
    Row("Select", 3, "y if x else z", np.where, _g(lambda m, dy, c, x, y, z: [
        None, _unb(m.where(c, dy, m.zeros_like(dy)), x),
        _unb(m.where(c, m.zeros_like(dy), dy), y)]), kinds="fiubO"),
]


class Elementwise(OpDef):
    """The OpDef of one table row: broadcasting shape rule, same-dtype rule, numpy reference."""

    kernels = {"cuda": "graphflow.cuda.elementwise:build_row"}

    def __init__(self, row: Row) -> None:
        self.row = row
        self.type = row.type  # type: ignore[misc]
        self.differentiable = row.grad is not None  # type: ignore[misc]

    def infer(self, inputs: Any, attrs: Any) -> list[Spec]:
        row = self.row
        operands = inputs[1:] if row.type == "Select" else inputs
        if row.type == "Select" and not inputs[0].dtype.is_bool:
            raise TypeError(f"condition of Select must be bool, got {inputs[0].dtype.name}")
        first = operands[0].dtype
        for s in operands[1:]:
            if s.dtype != first:
                raise TypeError(
                    f"Input dtypes must match: {first.name} vs {s.dtype.name}; TF1 does not "
                    "promote implicitly, use tf.cast"
                )
        if first.np.kind not in row.kinds:
            raise TypeError(f"{row.type} does not support dtype {first.name}")
        shape = inputs[0].shape
        for s in inputs[1:]:
            shape = broadcast_dims(shape, s.shape)
        dtype = dtypes.bool_ if row.bool_out else first
        value = None
        if all(s.value is not None for s in inputs) and (shape.num_elements() or 0) <= MAX_PROPAGATED_ELEMENTS:
            try:
                with np.errstate(all="ignore"):
                    value = np.asarray(row.numpy(*[s.value for s in inputs]), dtype=dtype.np)
            except IntegerDivisionByZero:  # TF1 raises when the op runs, not when it is built
                value = None
        return [Spec(TensorShape(shape), dtype, value)]

    def reference(self, attrs: Any, *xs: Any) -> Any:
        return self.row.numpy(*xs)

    def cpu_kernel(self, node: Any) -> Callable[..., Any]:
        # the numpy function itself: no wrappers per call (about 0.6 us of a loop iteration)
        return self.row.numpy

    def samples(self, rng: np.random.Generator) -> list[Sample]:
        """Same-shape, broadcast and scalar cases, with values in each row's safe domain."""
        row = self.row
        shapes = {1: [[(3, 4)], [(1,)], [()]],
                  2: [[(3, 4), (3, 4)], [(2, 3, 4), (4,)], [(3, 1), (1, 5)], [(), (2, 3)]],
                  3: [[(3, 4), (3, 4), (3, 4)], [(4,), (3, 4), (1, 4)]]}[row.arity]
        return [Sample([self._values(rng, shape, k) for k, shape in enumerate(case)],
                       check_grad=row.grad is not None) for case in shapes]

    def _values(self, rng: np.random.Generator, shape: tuple[int, ...], position: int) -> Any:
        row = self.row
        if row.type == "Select" and position == 0:
            return rng.random(shape) > 0.5
        if "f" not in row.kinds and "b" in row.kinds:
            return rng.random(shape) > 0.5
        if row.kinds in ("fi", "fiu", "fiub") and row.type in ("FloorDiv", "FloorMod"):
            x = rng.uniform(0.5, 3.0, shape) * rng.choice([-1.0, 1.0], shape)
            return x
        if row.type in ("Sqrt", "Rsqrt", "Log", "Pow") or (row.type == "RealDiv" and position):
            return rng.uniform(0.5, 2.0, shape)
        if row.type == "Log1p":
            return rng.uniform(-0.5, 2.0, shape)
        if row.type in ("Reciprocal",):
            return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        # keep away from 0 so |x|, sign and max/min ties stay differentiable
        return rng.uniform(0.2, 2.0, shape) * rng.choice([-1.0, 1.0], shape) + 0.01 * position

    def grad(self, op: Any, *dys: Any) -> Any:
        if self.row.grad is None:
            return [None] * len(op.inputs)
        return self.row.grad(op, dys[0])


ELEMENTWISE: dict[str, Row] = {}


def add_row(row: Row) -> None:
    """Registers one more elementwise row (used by the nn activations module too).

    Raises:
        ValueError: if the op type is already registered.
    """
    if row.type in REGISTRY:
        raise ValueError(f"op type {row.type!r} is registered twice")
    ELEMENTWISE[row.type] = row
    REGISTRY[row.type] = Elementwise(row)


for _row in ROWS:
    add_row(_row)
