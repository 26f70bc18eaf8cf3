"""The CPU kernels of MaxPool, AvgPool and their gradients against naive float64 loops written
here (one window at a time over its real pixels), on odd shapes, strides that do not divide,
SAME / VALID, batch 1, channels 1 / 3 / 17, both layouts, float32 and float64."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ops.test_conv_kernels import _layout, _run

# (input NHWC, window (h, w), strides (h, w), padding)
CASES = [((1, 5, 6, 1), (2, 2), (2, 2), "SAME"), ((2, 7, 5, 3), (3, 2), (2, 3), "VALID"),
         ((3, 6, 6, 17), (3, 3), (1, 1), "SAME"), ((2, 9, 7, 3), (3, 3), (2, 2), "SAME"),
         ((1, 4, 4, 2), (1, 1), (1, 1), "VALID")]


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
