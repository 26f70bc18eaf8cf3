"""The CPU Sigmoid (graphflow.ops.elementwise._sigmoid, four in-place numpy passes): within a few
float32/float64 ulps of the float64/long double logistic over the whole range, exact limits at
the extremes (no overflow warning), NaN kept, and the scipy path for scalars and half floats."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from graphflow.ops.elementwise import _sigmoid


def _logistic(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.longdouble)
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_within_four_ulps_of_the_exact_logistic(dtype):
    x = (np.random.default_rng(5).standard_normal((64, 300)) * 25).astype(dtype)
    got = _sigmoid(x)
    want = _logistic(x)
    assert got.dtype == dtype and got.shape == x.shape
    normal = want > np.finfo(dtype).tiny  # subnormal results carry no relative precision
    ulps = np.abs(got - want)[normal] / np.spacing(want[normal].astype(dtype))
    assert float(ulps.max()) <= 4.0


def test_sigmoid_limits_and_nan_without_warnings():
    x = np.array([-np.inf, -1000.0, -89.0, 0.0, 89.0, 1000.0, np.inf, np.nan], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _sigmoid(x)
    np.testing.assert_array_equal(got[[0, 1, 3, 5, 6]], np.float32([0.0, 0.0, 0.5, 1.0, 1.0]))
    assert 0.0 <= got[2] < 1e-38 and got[4] == 1.0 and np.isnan(got[7])
    assert not np.shares_memory(got, x)


def test_sigmoid_of_scalars_and_half_floats():
    assert _sigmoid(np.float32(0.0)) == 0.5
    assert abs(float(_sigmoid(np.array(2.0))) - 1.0 / (1.0 + np.exp(-2.0))) < 1e-15
    half = _sigmoid(np.array([-3.0, 0.0, 3.0], np.float16))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, 1.0 / (1.0 + np.exp([3.0, 0.0, -3.0])), rtol=1e-3)
