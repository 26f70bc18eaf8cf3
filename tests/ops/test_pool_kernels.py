"""The CPU kernels of MaxPool, AvgPool and their gradients against naive float64 loops written
here (one window at a time over its real pixels), on odd shapes, strides that do not divide,
SAME / VALID, batch 1, channels 1 / 3 / 17, both layouts, float32 and float64; ties and NaN in
the 2x2 max-pool gradient's own loop."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ops.test_conv_kernels import _layout, _run

# (input NHWC, window (h, w), strides (h, w), padding)
CASES = [((1, 5, 6, 1), (2, 2), (2, 2), "SAME"), ((2, 7, 5, 3), (3, 2), (2, 3), "VALID"),
         ((3, 6, 6, 17), (3, 3), (1, 1), "SAME"), ((2, 9, 7, 3), (3, 3), (2, 2), "SAME"),
         ((1, 4, 4, 2), (1, 1), (1, 1), "VALID"),
         # 2x2 windows at stride 2 tiling the image (MaxPoolGrad's own loop), and not tiling it
         ((2, 6, 8, 17), (2, 2), (2, 2), "VALID"), ((1, 4, 6, 5), (2, 2), (2, 2), "SAME"),
         ((2, 5, 7, 3), (2, 2), (2, 2), "VALID")]


def naive(x, k, s, padding, dy):
    """(max, avg, max gradient, avg gradient) by TF1's rules: padding never wins a max nor
    counts in a mean; a max's gradient goes to the window's first maximum."""
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        top = max((oh - 1) * s[0] + k[0] - h, 0) // 2
        left = max((ow - 1) * s[1] + k[1] - w, 0) // 2
    else:
        oh, ow, top, left = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, 0, 0
    mx, avg = np.zeros((n, oh, ow, c)), np.zeros((n, oh, ow, c))
    dmax, davg = np.zeros(x.shape), np.zeros(x.shape)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                r0, c0 = i * s[0] - top, j * s[1] - left
                rows = range(max(r0, 0), min(r0 + k[0], h))
                cols = range(max(c0, 0), min(c0 + k[1], w))
                window = x[b][np.ix_(rows, cols)].reshape(-1, c)
                mx[b, i, j], avg[b, i, j] = window.max(0), window.mean(0)
                first = window.argmax(0)
                for ch in range(c):
                    dmax[b, rows[first[ch] // len(cols)], cols[first[ch] % len(cols)], ch] += \
                        dy[b, i, j, ch]
                davg[b][np.ix_(rows, cols)] += dy[b, i, j] / len(window)
    return mx, avg, dmax, davg


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_pool_kernels_match_naive_loops(case, fmt, dtype, kernel_split):
    shape, k, s, padding = CASES[case]
    rng = np.random.default_rng(case)
    x = (rng.permutation(np.prod(shape)).reshape(shape) / 7.0 - 3.0)  # distinct: no ties
    four = (lambda a, b: [1, 1, a, b]) if fmt == "NCHW" else (lambda a, b: [1, a, b, 1])
    attrs = {"ksize": four(*k), "strides": four(*s), "padding": padding, "data_format": fmt}
    dy = rng.normal(size=naive(x, k, s, padding, np.zeros((shape[0], 9, 9, shape[3])))[0].shape)
    mx, avg, dmax, davg = naive(x, k, s, padding, dy)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-12}
    xl, dyl = _layout(x, fmt), _layout(dy, fmt)
    np.testing.assert_allclose(_run("MaxPool", [xl], attrs, dtype), _layout(mx, fmt), **tol)
    np.testing.assert_allclose(_run("AvgPool", [xl], attrs, dtype), _layout(avg, fmt), **tol)
    got = _run("MaxPoolGrad", [xl, _layout(mx, fmt), dyl], attrs, dtype)
    np.testing.assert_allclose(got, _layout(dmax, fmt), **tol)
    got = _run("AvgPoolGrad", [np.array(xl.shape, np.int32), dyl], attrs, dtype)
    np.testing.assert_allclose(got, _layout(davg, fmt), **tol)
    assert got.dtype == dtype


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
def test_tiled_2x2_max_pool_gradient_goes_to_the_first_of_tied_maxima(fmt):
    rng = np.random.default_rng(7)
    x = rng.integers(0, 3, (3, 4, 6, 19)).astype(np.float64)  # many ties in every window
    four = (lambda a, b: [1, 1, a, b]) if fmt == "NCHW" else (lambda a, b: [1, a, b, 1])
    attrs = {"ksize": four(2, 2), "strides": four(2, 2), "padding": "VALID", "data_format": fmt}
    dy = rng.normal(size=(3, 2, 3, 19))
    mx, _, dmax, _ = naive(x, (2, 2), (2, 2), "VALID", dy)
    got = _run("MaxPoolGrad", [_layout(x, fmt), _layout(mx, fmt), _layout(dy, fmt)], attrs, np.float64)
    np.testing.assert_array_equal(got, _layout(dmax, fmt))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiled_2x2_max_pool_and_gradient_treat_nan_as_the_general_loops_do(dtype):
    from graphflow.ops._pool_numba import max_pool, max_pool_2x2, max_pool_grad, max_pool_grad_2x2

    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 4, 4, 9)).astype(dtype)
    x[0, 0, 0, 0] = x[0, 1, 1, 1] = x[1, 2, 3, 2] = np.nan  # NaN first, last, in the middle
    x[0, 0, 1, 3] = x[0, 1, 0, 3] = np.nan
    x[1, 0, 0, 4] = x[1, 0, 1, 4] = x[1, 1, 0, 4] = x[1, 1, 1, 4] = np.nan
    x[1, 2, 2, 5] = np.inf
    dy = rng.normal(size=(2, 2, 2, 9)).astype(dtype)
    general, tiled = np.full_like(x, 5.0), np.full_like(x, 5.0)
    max_pool_grad(x, dy, 0, 2, 2, 2, 2, 2, 0, 0, general)
    max_pool_grad_2x2(x, dy, 0, 2, tiled)
    np.testing.assert_array_equal(tiled, general)
    pooled, pooled_tiled = np.full_like(dy, 5.0), np.full_like(dy, 5.0)
    max_pool(x, 0, 2, 2, 2, 2, 2, 0, 0, pooled)
    max_pool_2x2(x, 0, 2, pooled_tiled)
    np.testing.assert_array_equal(pooled_tiled, pooled)  # NaN where the general loop has NaN
    assert tiled[0, 0, 0, 0] == dy[0, 0, 0, 0] and tiled[1, 1, 1, 4] == 0  # a leading NaN wins
