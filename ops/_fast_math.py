"""Vectorizable float32 exp, sigmoid and tanh for the CPU's generated fused loops.

numba's `math.exp` / `math.tanh` are scalar libm calls: LLVM cannot vectorize a loop around
them, and a fused loop with a `tanh` ran about 40x slower than numpy's SIMD ufunc. These
versions use only arithmetic, comparisons and one integer-to-float bit cast, so a loop that
inlines them runs 16 float32 lanes at a time with AVX-512 (8 with AVX2).

Accuracy, measured over every float32 in [-20, 20] (exp: its whole range) against numpy's
float64 functions (tests/ops/test_fast_math.py keeps the bounds): exp_f32 within 1.02 ulp,
sigmoid_f32 within 2.5 ulp, tanh_f32 within 5.3 ulp (99.4% of values within 1.5 ulp; the
largest errors are near saturation, x in [7, 9.1], where the result's ulp is 2^-24). For
comparison, numpy's own float32 tanh is within 1.4 ulp and its exp within 2.5, TensorFlow's
float32 tanh and sigmoid (Eigen's approximations) within 6.2 ulp. NaN, +-inf, -0.0,
overflow to inf and underflow to 0 (and subnormal results) behave as numpy's float32 ufuncs.

Method (our own coefficients, fitted by iteratively reweighted least squares for minimal
relative error):
  * exp: x = k ln2 + r with k the nearest integer to x/ln2 and |r| <= ln2/2 (ln2 split in a
    high part exact in float32 and a low part), exp(r) = 1 + r + r^2 P(r) with P of degree 4
    (Estrin's scheme), and 2^k applied as two exact powers of two built from the exponent
    bits, so that results down to the subnormal range and up to overflow round once.
  * sigmoid: 1 / (1 + exp(-x)).
  * tanh: x P(x^2) / Q(x^2) with P and Q of degree 4 (P(0) = Q(0) = 1), x clamped to
    [-9.1, 9.1], past which tanh rounds to +-1 in float32: the method of Eigen's (and so
    TensorFlow's) float tanh. An exp-based tanh (1 - 2 / (exp(2|x|) + 1) above 0.56) was within
    1.42 ulp but 1.8x slower in chained loops such as 50 x tanh(h * 0.9 + 0.1), whose per-
    element dependency chain makes the latency of each tanh count.

This file is also pasted at the top of every generated kernel that uses it (see
`graphflow.backends.cpu_fused`), so that a kernel's cached machine code is keyed by the text of
the functions it inlines: it imports only numpy and numba, and defines nothing else.
"""

import numpy as np
from numba import njit

_FLAGS = {"error_model": "numpy", "fastmath": {"contract"}}


@njit(**_FLAGS)
def _pow2_f32(k):
    """2.0**k as a float32 for an integer -126 <= k <= 127 (the exponent bits set directly)."""
    return np.int32((k + 127) << 23).view(np.float32)


@njit(**_FLAGS)
def _exp_parts_f32(x):
    """(k, exp(r)) with x = k ln2 + r, k an integer-valued float32 and |r| <= ln2 / 2, for a
    float32 x in [-104, 89] or NaN (then k is 0 and exp(r) NaN)."""
    # k = round(x / ln 2) by the 1.5 * 2^23 rounding trick; a NaN x takes k = 0 (and stays NaN
    # through r) so that no NaN is ever converted to an integer.
    safe = x if x == x else np.float32(0.0)
    k = (safe * np.float32(1.44269504) + np.float32(12582912.0)) - np.float32(12582912.0)
    r = x - k * np.float32(0.693145752)  # ln 2's high part: k * it is exact for |k| < 2^9
    r = r - k * np.float32(1.42860677e-06)  # ln 2 minus the high part
    # exp(r) = 1 + r + r^2 P(r); P by Estrin's scheme (a shorter dependency chain than Horner's,
    # which matters in fused loops that chain several of these per element)
    r2 = r * r
    low = np.float32(0.499999935) + np.float32(0.166665207) * r
    high = np.float32(0.0416683874) + np.float32(0.00836870993) * r
    p = low + r2 * (high + r2 * np.float32(0.00138146132))
    return k, r2 * p + r + np.float32(1.0)


@njit(**_FLAGS)
def exp_f32(x):
    """exp(x) of a float32 x as a float32; inf above 88.72, 0 below -103.97, NaN for NaN."""
    y = np.float32(89.0) if x > np.float32(89.0) else x
    y = np.float32(-104.0) if y < np.float32(-104.0) else y
    k, e = _exp_parts_f32(y)
    # 2^k in two halves: each factor stays a normal float32, the second product rounds once
    # (into the subnormal range or to inf where the result lies there)
    ki = np.int32(k)
    half = ki >> 1
    return e * _pow2_f32(half) * _pow2_f32(ki - half)


@njit(**_FLAGS)
def sigmoid_f32(x):
    """1 / (1 + exp(-x)) of a float32 x as a float32 (0 below -88.7 as numpy's float32
    formula gives, where exp(-x) overflows)."""
    return np.float32(1.0) / (np.float32(1.0) + exp_f32(-x))


@njit(**_FLAGS)
def tanh_f32(x):
    """tanh(x) of a float32 x as a float32; tanh(-0.0) is -0.0, tanh(+-inf) is +-1."""
    # clamped where tanh rounds to +-1 in float32 (comparisons keep a NaN NaN)
    y = np.float32(9.1) if x > np.float32(9.1) else x
    y = np.float32(-9.1) if y < np.float32(-9.1) else y
    t = y * y
    # numerator and denominator are independent: their FMA chains overlap
    num = t * np.float32(1.3370423e-08) + np.float32(2.0625877e-05)
    num = num * t + np.float32(0.003496856)
    num = num * t + np.float32(0.13382182)
    num = num * t + np.float32(1.0)
    den = t * np.float32(7.7845925e-07) + np.float32(0.00032875314)
    den = den * t + np.float32(0.025882075)
    den = den * t + np.float32(0.46715504)
    den = den * t + np.float32(1.0)
    # below |x| = 2^-12 both round to 1 and x comes back unchanged (-0.0 and subnormals too)
    r = y * (num / den)
    # near the clamp the quotient can round a little past 1: never return |tanh| > 1
    r = np.float32(1.0) if r > np.float32(1.0) else r
    return np.float32(-1.0) if r < np.float32(-1.0) else r
