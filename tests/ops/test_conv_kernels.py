"""The CPU kernels of Conv2D, DepthwiseConv2dNative, their backprops and pooling against naive
float64 loops written here (one output pixel at a time, independent of the ops' references), on
odd shapes: 1x1, strides, dilation 2, VALID / SAME / explicit padding, batch 1, channels 1 / 3 /
17, both layouts, float32 and float64, several chunks and workers per call."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

# (input NHWC, filter [kh, kw, C, OC or M], strides (h, w), dilations (h, w), padding)
CASES = [
    ((1, 5, 5, 1), (1, 1, 1, 2), (1, 1), (1, 1), "VALID"),   # pointwise: a plain product
    ((4, 6, 5, 32), (1, 1, 32, 24), (1, 1), (1, 1), "SAME"),  # the separable blocks' 1x1
    ((3, 6, 7, 3), (1, 1, 3, 17), (2, 2), (1, 1), "SAME"),
    ((2, 9, 8, 17), (3, 3, 17, 5), (1, 1), (2, 2), "SAME"),
    ((1, 7, 6, 3), (5, 5, 3, 1), (1, 1), (1, 1), "VALID"),
    ((4, 10, 9, 3), (3, 2, 3, 4), (2, 3), (1, 1), "SAME"),
    ((5, 8, 8, 1), (5, 5, 1, 3), (1, 1), (1, 1), "SAME"),
    ((3, 8, 7, 1), (3, 3, 1, 19), (1, 1), (1, 1), "SAME"),  # one channel, 3x3: the direct loop
    ((2, 9, 8, 1), (3, 3, 1, 5), (2, 1), (1, 2), "VALID"),
    ((2, 6, 7, 1), (3, 3, 1, 4), (1, 2), (2, 1), [[0, 0], [2, 1], [0, 3], [0, 0]]),
    ((2, 7, 9, 3), (3, 3, 3, 2), (2, 1), (1, 2), "VALID"),
    ((3, 6, 5, 2), (3, 3, 2, 3), (1, 2), (1, 1), [[0, 0], [1, 2], [2, 0], [0, 0]]),
    # 3x3 with one output channel (a multiplier of 1): the depthwise 3x3 loops, the stride-1
    # input gradient as a forward pass with the filter turned, and its explicit-padding fallback
    ((2, 6, 5, 8), (3, 3, 8, 1), (1, 1), (1, 1), "SAME"),
    ((2, 7, 6, 5), (3, 3, 5, 1), (1, 1), (2, 1), "VALID"),
    ((1, 6, 6, 4), (3, 3, 4, 1), (1, 1), (1, 1), [[0, 0], [3, 1], [0, 2], [0, 0]]),
    ((2, 7, 8, 3), (3, 3, 3, 1), (2, 2), (1, 1), "SAME"),
]


def _pads(x_hw, k_hw, strides, dilations, padding):
    """(top, bottom, left, right) by TF1's rules."""
    if isinstance(padding, list):
        return padding[1][0], padding[1][1], padding[2][0], padding[2][1]
    out = []
    for size, k, s, d in zip(x_hw, k_hw, strides, dilations):
        span = (k - 1) * d + 1
        total = max((-(-size // s) - 1) * s + span - size, 0) if padding == "SAME" else 0
        out += [total // 2, total - total // 2]
    return tuple(out)


def _windows(x, k_hw, strides, dilations, padding):
    """Padded input, output size and, per output pixel, the window's [kh, kw, C] index."""
    top, bottom, left, right = _pads(x.shape[1:3], k_hw, strides, dilations, padding)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    oh = (xp.shape[1] - (k_hw[0] - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (xp.shape[2] - (k_hw[1] - 1) * dilations[1] - 1) // strides[1] + 1

    def at(y, x_):
        rows = y * strides[0] + dilations[0] * np.arange(k_hw[0])
        cols = x_ * strides[1] + dilations[1] * np.arange(k_hw[1])
        return np.ix_(rows, cols)

    return xp, (top, left), oh, ow, at


def naive(kind, x, f, dy, strides, dilations, padding):
    """(forward, input gradient, filter gradient) of `kind` ("conv" or "depthwise"), float64."""
    x, f, dy = (np.asarray(a, np.float64) for a in (x, f, dy))
    xp, (top, left), oh, ow, at = _windows(x, f.shape[:2], strides, dilations, padding)
    n, c = x.shape[0], x.shape[3]
    m = f.shape[3]
    y = np.zeros((n, oh, ow, m if kind == "conv" else c * m))
    dxp, df = np.zeros_like(xp), np.zeros_like(f)
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                rows, cols = at(i, j)
                window = xp[b][rows, cols]                       # [kh, kw, C]
                g = dy[b, i, j]
                if kind == "conv":
                    y[b, i, j] = np.einsum("ijc,ijco->o", window, f)
                    dxp[b][rows, cols] += np.einsum("o,ijco->ijc", g, f)
                    df += np.einsum("ijc,o->ijco", window, g)
                else:
                    y[b, i, j] = np.einsum("ijc,ijcm->cm", window, f).reshape(-1)
                    g = g.reshape(c, m)
                    dxp[b][rows, cols] += np.einsum("cm,ijcm->ijc", g, f)
                    df += np.einsum("ijc,cm->ijcm", window, g)
    dx = dxp[:, top:top + x.shape[1], left:left + x.shape[2]]
    return y, dx, df


def _attrs(strides, dilations, padding, fmt):
    four = (lambda a, b: [1, 1, a, b]) if fmt == "NCHW" else (lambda a, b: [1, a, b, 1])
    attrs = {"strides": four(*strides), "dilations": four(*dilations), "data_format": fmt}
    if isinstance(padding, list):
        flat = [p for pair in padding for p in pair]
        if fmt == "NCHW":
            flat = flat[:2] + flat[6:] + flat[2:6]
        return {**attrs, "padding": "EXPLICIT", "explicit_paddings": flat}
    return {**attrs, "padding": padding}


def _layout(a, fmt):
    return np.ascontiguousarray(np.transpose(a, (0, 3, 1, 2))) if fmt == "NCHW" else a


def _run(op_type, inputs, attrs, dtype):
    """One op run by a Session (the CPU kernels), its float inputs fed as `dtype`."""
    graph = tf.Graph()
    with graph.as_default():
        feeds, tensors = {}, []
        for k, value in enumerate(inputs):
            if value.dtype.kind == "f":
                t = tf.placeholder(dtype, value.shape, name=f"in{k}")
                feeds[t] = value.astype(dtype)
            else:
                t = tf.constant(value)
            tensors.append(t)
        op = graph.create_op(op_type, tensors, attrs, name="under_test")
        with tf.Session(graph=graph) as sess:
            return sess.run(op.outputs[0], feeds)


TYPES = {"conv": ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"),
         "depthwise": ("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                       "DepthwiseConv2dNativeBackpropFilter")}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("kind", ["conv", "depthwise"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_convolution_kernels_match_naive_loops(case, kind, fmt, dtype, kernel_split):
    x_shape, f_shape, strides, dilations, padding = CASES[case]
    if kind == "depthwise" and f_shape[3] > 3:
        f_shape = f_shape[:3] + (2,)  # a channel multiplier of 2
    rng = np.random.default_rng(case)
    x, f = rng.normal(size=x_shape), rng.normal(size=f_shape)
    out_shape = _out_shape(kind, x, f, strides, dilations, padding)
    dy = rng.normal(size=out_shape)
    y, dx, df = naive(kind, x, f, dy, strides, dilations, padding)
    attrs = _attrs(strides, dilations, padding, fmt)
    tol = {"rtol": 2e-4, "atol": 2e-4} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-10}
    forward, input_grad, filter_grad = TYPES[kind]
    got = _run(forward, [_layout(x, fmt), f], attrs, dtype)
    np.testing.assert_allclose(got, _layout(y, fmt), **tol)
    sizes = np.array(_layout(x, fmt).shape, np.int32)
    got = _run(input_grad, [sizes, f, _layout(dy, fmt)], attrs, dtype)
    np.testing.assert_allclose(got, _layout(dx, fmt), **tol)
    got = _run(filter_grad, [_layout(x, fmt), np.array(f.shape, np.int32), _layout(dy, fmt)],
               attrs, dtype)
    np.testing.assert_allclose(got, df, **tol)
    assert got.dtype == dtype


def _out_shape(kind, x, f, strides, dilations, padding):
    _, _, oh, ow, _ = _windows(x, f.shape[:2], strides, dilations, padding)
    depth = f.shape[3] if kind == "conv" else x.shape[3] * f.shape[3]
    return (x.shape[0], oh, ow, depth)
