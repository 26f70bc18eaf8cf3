"""`_MaxPoolReluGrad` (ops/pool_relu_grad.py): its CPU kernel and its numpy reference against a
float64 oracle written out pixel by pixel (first maximum of each window, ReLU mask, channel
sums), over exact tilings, overlapping windows, windows leaving rows uncovered and SAME padding
of odd sizes; and its shape rule."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.pool_relu_grad import tiles_exactly
from graphflow.ops.registry import REGISTRY, Spec

OP = REGISTRY["_MaxPoolReluGrad"]


def _oracle(x, dy, k, s, padding):
    """dx and the channel sums, pixel by pixel in float64 (TF1's rules: padding never wins,
    the first row-major maximum takes the gradient; ReluGrad passes it where x > 0)."""
    n, h, w, c = x.shape
    _, oh, ow, _ = dy.shape
    if padding == "SAME":
        top = max((oh - 1) * s[0] + k[0] - h, 0) // 2
        left = max((ow - 1) * s[1] + k[1] - w, 0) // 2
    else:
        top = left = 0
    dx = np.zeros(x.shape)
    for b in range(n):
        for oy in range(oh):
            for ox in range(ow):
                for ch in range(c):
                    best = None
                    for i in range(k[0]):
                        for j in range(k[1]):
                            r, q = oy * s[0] - top + i, ox * s[1] - left + j
                            if 0 <= r < h and 0 <= q < w and (best is None or x[b, r, q, ch] > x[best]):
                                best = (b, r, q, ch)
                    dx[best] += dy[b, oy, ox, ch]
    dx = np.where(x > 0, dx, 0.0)
    return dx, dx.sum(axis=(0, 1, 2))


class _Node:
    def __init__(self, attrs, shape, dtype):
        self.attrs = attrs
        self.out_specs = [Spec(TensorShape(shape), dtype)]


CASES = [  # (x shape, ksize, strides, padding)
    ((3, 8, 6, 5), (2, 2), (2, 2), "SAME"),  # the CNN's pools: exact tiling
    ((2, 7, 5, 3), (2, 2), (2, 2), "SAME"),  # odd sizes: the last window half in the padding
    ((2, 7, 7, 4), (2, 2), (2, 2), "VALID"),  # the last row and column in no window
    ((2, 6, 6, 3), (3, 3), (1, 1), "SAME"),  # overlapping windows
    ((1, 9, 8, 2), (3, 2), (2, 3), "VALID"),
]


@pytest.mark.parametrize(("shape", "k", "s", "padding"), CASES)
@pytest.mark.parametrize("dtype", [dtypes.float32, dtypes.float64])
@pytest.mark.parametrize("bias_gradient", [False, True])
def test_kernel_and_reference_equal_the_pixel_oracle(shape, k, s, padding, dtype, bias_gradient):
    rng = np.random.default_rng(7)
    # a ReLU's output: many zeros (ties in all-zero windows, masked anyway), distinct positives
    x = np.maximum(rng.permutation(np.prod(shape)).reshape(shape) / 11.0 - 0.3 * np.prod(shape) / 11, 0)
    attrs = {"ksize": [1, *k, 1], "strides": [1, *s, 1], "padding": padding, "data_format": "NHWC",
             "bias_gradient": bias_gradient}
    y = REGISTRY["MaxPool"].reference(attrs, x)
    dy = rng.normal(size=y.shape)
    want_dx, want_db = _oracle(x, dy, k, s, padding)
    kernel = OP.cpu_kernel(_Node(attrs, shape, dtype))
    cast = [a.astype(dtype.np) for a in (x, y, dy)]
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == dtypes.float32 else {"rtol": 1e-12, "atol": 1e-12}
    for got in (kernel(*cast), OP.reference(attrs, *cast)):
        got = got if isinstance(got, tuple) else (got,)
        assert len(got) == (2 if bias_gradient else 1)
        assert got[0].dtype == dtype.np and got[0].shape == shape
        np.testing.assert_allclose(got[0], want_dx, **tol)
        if bias_gradient:
            assert got[1].dtype == dtype.np and got[1].shape == (shape[3],)
            np.testing.assert_allclose(got[1], want_db, **tol)


def test_the_kernel_keeps_nan_gradients_where_the_relu_was_off():
    """ReluGrad's row is `g if y > 0 else g * 0`: a NaN gradient stays NaN under the mask."""
    attrs = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "VALID", "data_format": "NHWC"}
    x = np.zeros((1, 2, 2, 2), np.float32)
    x[0, 1, 1, 1] = 1.0
    y = REGISTRY["MaxPool"].reference(attrs, x)
    dy = np.array([[[[np.nan, np.nan]]]], np.float32)
    got = OP.cpu_kernel(_Node(attrs, x.shape, dtypes.float32))(x, y, dy)
    want = OP.reference(attrs, x, y, dy)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(got[0, 0, 0, 0]) and np.isnan(got[0, 1, 1, 1]) and got[0, 0, 1, 0] == 0


def test_tiles_exactly():
    pool = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "data_format": "NHWC"}
    assert tiles_exactly({**pool, "padding": "SAME"}, 28, 28)
    assert tiles_exactly({**pool, "padding": "SAME"}, 7, 5)
    assert not tiles_exactly({**pool, "padding": "VALID"}, 7, 7)
    assert not tiles_exactly({**pool, "strides": [1, 1, 1, 1], "padding": "SAME"}, 8, 8)


def test_shape_rule():
    attrs = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "SAME", "data_format": "NHWC"}
    specs = [Spec(TensorShape(s), dtypes.float32) for s in ([None, 8, 8, 3], [None, 4, 4, 3],
                                                            [None, 4, 4, 3])]
    out = OP.infer(specs, {**attrs, "bias_gradient": True})
    assert [o.shape.as_list() for o in out] == [[None, 8, 8, 3], [3]]
    assert len(OP.infer(specs, attrs)) == 1
    with pytest.raises(ValueError, match="_MaxPoolReluGrad: only NHWC"):
        OP.infer(specs, {**attrs, "data_format": "NCHW"})
    with pytest.raises(TypeError, match="_MaxPoolReluGrad expects a float tensor, got int32"):
        OP.infer([Spec(TensorShape([1, 2, 2, 1]), dtypes.int32)] * 3, attrs)
