"""`_BiasReluMaxPool` (ops/bias_relu_pool.py): its CPU kernel and numpy reference against a
float64 oracle written out pixel by pixel (relu(z + bias), then the max of each window's real
pixels), over the CNN's 2x2 pools, odd sizes, overlapping and VALID windows; NaN passes the
ReLU as in the unfused row; the shape rule."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.registry import REGISTRY, Spec

OP = REGISTRY["_BiasReluMaxPool"]


def _oracle(z, bias, k, s, padding):
    r = np.maximum(z.astype(np.float64) + bias, 0.0)
    n, h, w, c = z.shape
    if padding == "SAME":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        top = max((oh - 1) * s[0] + k[0] - h, 0) // 2
        left = max((ow - 1) * s[1] + k[1] - w, 0) // 2
    else:
        oh, ow, top, left = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, 0, 0
    pooled = np.full((n, oh, ow, c), -np.inf)
    for oy in range(oh):
        for ox in range(ow):
            for i in range(k[0]):
                for j in range(k[1]):
                    y, x = oy * s[0] - top + i, ox * s[1] - left + j
                    if 0 <= y < h and 0 <= x < w:
                        pooled[:, oy, ox] = np.maximum(pooled[:, oy, ox], r[:, y, x])
    return r, pooled


class _Node:
    def __init__(self, attrs, shape, dtype):
        self.attrs = attrs
        self.out_specs = [Spec(TensorShape(shape), dtype)]


@pytest.mark.parametrize(("shape", "k", "s", "padding"), [
    ((3, 8, 6, 5), (2, 2), (2, 2), "SAME"), ((2, 7, 5, 3), (2, 2), (2, 2), "SAME"),
    ((2, 6, 6, 3), (3, 3), (1, 1), "SAME"), ((1, 9, 8, 2), (3, 2), (2, 3), "VALID")])
@pytest.mark.parametrize("dtype", [dtypes.float32, dtypes.float64])
def test_kernel_and_reference_equal_the_pixel_oracle(shape, k, s, padding, dtype):
    rng = np.random.default_rng(5)
    z, bias = rng.normal(size=shape), rng.normal(size=shape[3]) * 0.5
    attrs = {"ksize": [1, *k, 1], "strides": [1, *s, 1], "padding": padding, "data_format": "NHWC"}
    want_r, want_p = _oracle(z.astype(dtype.np), bias.astype(dtype.np), k, s, padding)
    kernel = OP.cpu_kernel(_Node(attrs, shape, dtype))
    tol = 1e-6 if dtype == dtypes.float32 else 1e-14
    for r, p in (kernel(z.astype(dtype.np), bias.astype(dtype.np)),
                 OP.reference(attrs, z.astype(dtype.np), bias.astype(dtype.np))):
        assert r.dtype == p.dtype == dtype.np and r.shape == shape
        np.testing.assert_allclose(r, want_r, rtol=tol, atol=tol)
        np.testing.assert_allclose(p, want_p, rtol=tol, atol=tol)


def test_nan_passes_the_relu_and_the_output_is_the_unfused_bits():
    attrs = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "SAME", "data_format": "NHWC"}
    rng = np.random.default_rng(6)
    z = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
    z[0, 0, 0, 0] = np.nan
    bias = rng.normal(size=3).astype(np.float32)
    r, p = OP.cpu_kernel(_Node(attrs, z.shape, dtypes.float32))(z, bias)
    unfused = z + bias
    unfused = np.where(unfused > 0, unfused, np.where(np.isnan(unfused), unfused, 0)).astype(np.float32)
    np.testing.assert_array_equal(r, unfused)
    np.testing.assert_array_equal(p, REGISTRY["MaxPool"].cpu_kernel(
        _Node(attrs, z.shape, dtypes.float32))(unfused))


def test_shape_rule():
    attrs = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "SAME", "data_format": "NHWC"}
    z, b = Spec(TensorShape([None, 7, 8, 3]), dtypes.float32), Spec(TensorShape([3]), dtypes.float32)
    assert [o.shape.as_list() for o in OP.infer([z, b], attrs)] == [[None, 7, 8, 3], [None, 4, 4, 3]]
    with pytest.raises(ValueError, match="only NHWC"):
        OP.infer([z, b], {**attrs, "data_format": "NCHW"})
    with pytest.raises(TypeError, match="_BiasReluMaxPool expects a float tensor and a bias of its dtype"):
        OP.infer([z, Spec(TensorShape([3]), dtypes.float64)], attrs)
