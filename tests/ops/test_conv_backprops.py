"""`_Conv2DBackprops` (ops/conv_backprops.py): both gradients of a convolution from one kernel
call, against the float64 numpy references of Conv2DBackpropInput and Conv2DBackpropFilter (an
independent implementation: strided windows and per-tap products), on the transform route
(odd sizes, dilation) and on the direct route it falls back to; the shape rule."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops._fft_conv import fft_grid
from graphflow.ops._sliding_windows import window_from_attrs
from graphflow.ops.registry import REGISTRY, Spec

OP = REGISTRY["_Conv2DBackprops"]


class _Node:
    def __init__(self, attrs, shape, dtype):
        self.attrs = attrs
        self.out_specs = [Spec(TensorShape(shape), dtype)]


@pytest.mark.parametrize(("x_shape", "f_shape", "attrs", "transformed"), [
    ((2, 8, 8, 8), (5, 5, 8, 16), {"padding": "SAME"}, True),
    ((2, 9, 7, 16), (5, 5, 16, 24), {"padding": "SAME"}, True),
    ((2, 10, 9, 16), (5, 5, 16, 32), {"padding": "SAME", "dilations": [1, 2, 2, 1]}, True),
    ((2, 7, 6, 3), (3, 2, 3, 4), {"padding": "VALID", "strides": [1, 2, 1, 1]}, False),
])
@pytest.mark.parametrize("dtype", [dtypes.float32, dtypes.float64])
def test_both_gradients_equal_the_references(x_shape, f_shape, attrs, transformed, dtype):
    attrs = {"strides": [1, 1, 1, 1], "data_format": "NHWC", "dilations": [1, 1, 1, 1],
             "explicit_paddings": None, **attrs}
    win = window_from_attrs(attrs, f_shape[:2])
    assert (fft_grid(x_shape, f_shape, win, dtype.np.itemsize) is not None) == transformed
    rng = np.random.default_rng(3)
    x, f = rng.normal(size=x_shape), rng.normal(size=f_shape)
    y = REGISTRY["Conv2D"].reference(attrs, x, f)
    dy = rng.normal(size=y.shape)
    want_dx = REGISTRY["Conv2DBackpropInput"].reference(attrs, np.array(x_shape), f, dy)
    want_df = REGISTRY["Conv2DBackpropFilter"].reference(attrs, x, np.array(f_shape), dy)
    dx, df = OP.cpu_kernel(_Node(attrs, x_shape, dtype))(*(a.astype(dtype.np) for a in (x, f, dy)))
    assert dx.dtype == df.dtype == dtype.np and dx.shape == x_shape and df.shape == f_shape
    # float32: sums of up to 2,000 terms of unit size
    tol = 1e-10 if dtype == dtypes.float64 else 2e-6 * max(np.abs(want_df).max(), 1)
    np.testing.assert_allclose(dx, want_dx, atol=tol * 10 if dtype == dtypes.float32 else tol)
    np.testing.assert_allclose(df, want_df, atol=tol)


def test_shape_rule():
    attrs = {"strides": [1, 1, 1, 1], "padding": "SAME", "data_format": "NHWC"}
    x = Spec(TensorShape([2, 8, 8, 3]), dtypes.float32)
    f = Spec(TensorShape([5, 5, 3, 4]), dtypes.float32)
    dy = Spec(TensorShape([2, 8, 8, 4]), dtypes.float32)
    assert [o.shape.as_list() for o in OP.infer([x, f, dy], attrs)] == [[2, 8, 8, 3], [5, 5, 3, 4]]
    with pytest.raises(ValueError, match="_Conv2DBackprops: only NHWC"):
        OP.infer([x, f, dy], {**attrs, "data_format": "NCHW"})
    with pytest.raises(TypeError, match="_Conv2DBackprops: input and filter must be float"):
        OP.infer([x, Spec(TensorShape([5, 5, 3, 4]), dtypes.float64), dy], attrs)
