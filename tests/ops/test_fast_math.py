"""The vectorizable float32 exp, sigmoid and tanh of graphflow.ops._fast_math (the CPU fused
loops' Exp, Sigmoid and Tanh): error bounds in ulps against numpy's float64 functions over
every float32 in [-20, 20] (exp: its whole finite range), and numpy's float32 results at the
edges (NaN, infinities, signed zeros, overflow, underflow to subnormals and 0)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit

from graphflow.ops._fast_math import exp_f32, sigmoid_f32, tanh_f32

_TINY = 2.0 ** -12


def _loop(fn):
    @njit(error_model="numpy")
    def apply(x, out):
        for i in range(x.shape[0]):
            out[i] = fn(x[i])

    return apply


_APPLY = {name: _loop(fn) for name, fn in
          [("exp", exp_f32), ("sigmoid", sigmoid_f32), ("tanh", tanh_f32)]}


def _apply(name: str, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    _APPLY[name](x, out)
    return out


def _exact(name: str, x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    with np.errstate(over="ignore"):
        return {"exp": np.exp, "tanh": np.tanh,
                "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v))}[name](x)


def _ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got - want| in units of the float32 spacing at `want` (2^-149 in the subnormal range)."""
    _, exponent = np.frexp(want)
    ulp = np.ldexp(1.0, np.maximum(exponent - 24, -149))
    return np.abs(got.astype(np.float64) - want) / ulp


@njit
def _tanh_returns_x(lo_bits, hi_bits):
    """Whether tanh_f32(x) is x bit for bit (signed zeros too) for every float32 x with bits
    in [lo_bits, hi_bits) and for its negation: tanh(x) rounds to x in float32 below 2^-12."""
    for bits in range(lo_bits, hi_bits):
        for x in (np.int32(bits).view(np.float32), -np.int32(bits).view(np.float32)):
            y = tanh_f32(x)
            if y != x or np.signbit(y) != np.signbit(x):
                return False
    return True


@njit
def _tanh_is_odd(lo_bits, hi_bits):
    """Whether tanh_f32(-x) == -tanh_f32(x) for every float32 x with bits in [lo, hi)."""
    for bits in range(lo_bits, hi_bits):
        x = np.int32(bits).view(np.float32)
        if tanh_f32(-x) != -tanh_f32(x):
            return False
    return True


@njit
def _exact_tanh(x):
    return math.tanh(x)


@njit
def _exact_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@njit
def _exact_exp(x):
    return math.exp(x) if x < 709.0 else math.inf


_FUNCTIONS = {"tanh": (tanh_f32, _exact_tanh), "sigmoid": (sigmoid_f32, _exact_sigmoid),
              "exp": (exp_f32, _exact_exp)}


@njit
def _scan(fn, exact, lo_bits, hi_bits, sign):
    """(largest error in ulps, where) of fn against `exact` (float64 libm) over the float32
    values sign * x with bit patterns in [lo_bits, hi_bits); the ulp is float32's spacing at
    the exact value (2^-149 in the subnormal range)."""
    worst, where = 0.0, 0.0
    for bits in range(lo_bits, hi_bits):
        x = np.int32(bits).view(np.float32) * sign
        want = exact(np.float64(x))
        _, exponent = math.frexp(want)
        err = abs(np.float64(fn(x)) - want) / math.ldexp(1.0, max(exponent - 24, -149))
        if err > worst:
            worst, where = err, np.float64(x)
    return worst, where


def _worst(name: str, lo: float, hi: float, signs=(1, -1)) -> tuple[float, float]:
    """Largest error of the named function over every float32 x with lo <= |x| <= hi."""
    fn, exact = _FUNCTIONS[name]
    lo_bits = int(np.float32(lo).view(np.int32))
    hi_bits = int(np.float32(hi).view(np.int32)) + 1
    return max(_scan(fn, exact, lo_bits, hi_bits, np.float32(sign)) for sign in signs)


# Bounds from the exhaustive scans (measured: tanh 5.24 at 8.80, sigmoid 2.48, exp 1.02
# ulp); numpy's own float32 tanh is within 1.4 ulp, its exp 2.5, TensorFlow's tanh and
# sigmoid (Eigen's approximations) within 6.2 ulp on the same values.
@pytest.mark.slow
@pytest.mark.parametrize("name, bound", [("tanh", 5.5), ("sigmoid", 2.5)])
def test_every_float32_in_minus_20_to_20_is_within_the_bound(name, bound):
    signs = (1,) if name == "tanh" else (1, -1)  # tanh_f32 is exactly odd: checked below
    worst, where = _worst(name, _TINY, 20.0, signs)
    assert worst <= bound, f"{name}_f32 is {worst:.2f} ulp off at {where!r}"
    if name == "tanh":  # below 2^-12 every value (and its negation) comes back unchanged
        assert _tanh_returns_x(0, int(np.float32(_TINY).view(np.int32)))
        assert _tanh_is_odd(int(np.float32(_TINY).view(np.int32)),
                            int(np.float32(20.0).view(np.int32)) + 1)
    else:  # below 2^-12: every 16th float32 of each sign
        for sign in (1, -1):
            x = np.arange(0, int(np.float32(_TINY).view(np.int32)), 16,
                          dtype=np.int32).view(np.float32) * np.float32(sign)
            assert _ulps(_apply(name, x), _exact(name, x)).max() <= bound


@pytest.mark.slow
def test_exp_over_its_whole_range_is_within_one_and_a_half_ulp():
    # results from the subnormal range (below -87.3) to the largest float32 (88.72)
    worst, where = _worst("exp", _TINY, 88.72)
    assert worst <= 1.5, f"exp_f32 is {worst:.2f} ulp off at {where!r}"
    worst, where = _worst("exp", 88.0, 103.97, signs=(-1,))
    assert worst <= 1.5, f"exp_f32 is {worst:.2f} ulp off at {where!r}"
    x = np.arange(0, int(np.float32(_TINY).view(np.int32)), 16, dtype=np.int32).view(np.float32)
    assert _ulps(_apply("exp", x), _exact("exp", x)).max() <= 1.0
    assert _ulps(_apply("exp", -x), _exact("exp", -x)).max() <= 1.0


_EDGES = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-38, -1e-38,
                   3e38, -3e38, np.finfo(np.float32).max, -np.finfo(np.float32).max, 9.0, 9.1,
                   9.2, -9.2, 50.0, -50.0, 88.72, 88.73, 89.0, -87.0, -88.0, -100.0, -103.9,
                   -104.0, -105.0, -1000.0, 1000.0], np.float32)


@pytest.mark.parametrize("name, numpy_float32", [
    ("tanh", np.tanh), ("exp", np.exp),
    ("sigmoid", lambda x: np.reciprocal(np.float32(1) + np.exp(-x)))])
def test_edge_values_behave_as_numpy_float32(name, numpy_float32):
    with np.errstate(all="ignore"):
        want = numpy_float32(_EDGES)
    got = _apply(name, _EDGES)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    limits = np.isinf(want) | (want == 0)  # overflow, underflow, signed zeros
    np.testing.assert_array_equal(got[limits], want[limits])
    np.testing.assert_array_equal(np.signbit(got[limits]), np.signbit(want[limits]))
    finite = ~(limits | np.isnan(want))
    assert _ulps(got[finite], _exact(name, _EDGES[finite])).max() <= 5.5
    if name == "tanh":  # saturated: exactly +-1, as the float32 rounding of tanh
        big = np.abs(_EDGES) >= 9.2
        np.testing.assert_array_equal(got[big], np.sign(_EDGES[big]))
