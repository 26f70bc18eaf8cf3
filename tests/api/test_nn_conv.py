"""tf.nn convolutions and pooling against direct loop implementations in float64 (an oracle
independent of the im2col kernels), across padding modes, strides, dilations and layouts."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(4)


def pads_for(size, k, s, d, padding):
    span = (k - 1) * d + 1
    if padding == "VALID":
        return (size - span) // s + 1, 0
    out = -(-size // s)
    return out, max((out - 1) * s + span - size, 0) // 2


def direct_conv(x, w, strides, padding, dilations=(1, 1), depthwise=False):
    """out[n,y,x,o] = sum over taps and channels, written as plain loops."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    oh, top = pads_for(h, kh, strides[0], dilations[0], padding)
    ow, left = pads_for(wd, kw, strides[1], dilations[1], padding)
    outc = c * w.shape[3] if depthwise else w.shape[3]
    out = np.zeros((n, oh, ow, outc))
    for y in range(oh):
        for xx in range(ow):
            for i in range(kh):
                for j in range(kw):
                    r = y * strides[0] + i * dilations[0] - top
                    q = xx * strides[1] + j * dilations[1] - left
                    if 0 <= r < h and 0 <= q < wd:
                        if depthwise:
                            out[:, y, xx] += (x[:, r, q, :, None] * w[i, j]).reshape(n, -1)
                        else:
                            out[:, y, xx] += x[:, r, q] @ w[i, j]
    return out


def direct_pool(x, k, s, padding, op):
    n, h, wd, c = x.shape
    oh, top = pads_for(h, k[0], s[0], 1, padding)
    ow, left = pads_for(wd, k[1], s[1], 1, padding)
    out = np.zeros((n, oh, ow, c))
    for y in range(oh):
        for xx in range(ow):
            r0, q0 = y * s[0] - top, xx * s[1] - left
            window = x[:, max(r0, 0):r0 + k[0], max(q0, 0):q0 + k[1]]
            out[:, y, xx] = op(window, axis=(1, 2))
    return out


CONV_CASES = [  # x shape, filter shape, strides, padding, dilations
    ((2, 7, 6, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),
    ((1, 9, 8, 1), (3, 2, 1, 2), (2, 3), "VALID", (1, 1)),
    ((2, 8, 7, 2), (3, 3, 2, 3), (2, 2), "SAME", (1, 1)),
    ((1, 9, 9, 2), (3, 3, 2, 2), (1, 1), "SAME", (2, 2)),
    ((3, 5, 5, 2), (5, 5, 2, 1), (1, 1), "VALID", (1, 1)),
]


@pytest.mark.parametrize(("xs", "fs", "strides", "padding", "dil"), CONV_CASES)
def test_conv2d_matches_direct_loops(graph, xs, fs, strides, padding, dil):
    x, w = RNG.normal(size=xs), RNG.normal(size=fs)
    y = tf.nn.conv2d(x, w, [1, *strides, 1], padding, dilations=[1, *dil, 1])
    dw = RNG.normal(size=fs[:3] + (2,))
    yd = tf.nn.depthwise_conv2d(x, dw, [1, *strides, 1], padding, rate=dil)
    with tf.Session() as sess:
        got, got_d = sess.run([y, yd])
    np.testing.assert_allclose(got, direct_conv(x, w, strides, padding, dil), rtol=1e-10,
                               atol=1e-10)
    np.testing.assert_allclose(got_d, direct_conv(x, dw, strides, padding, dil, True),
                               rtol=1e-10, atol=1e-10)
    assert y.shape.as_list() == list(got.shape) and yd.shape.as_list() == list(got_d.shape)


def test_nchw_explicit_padding_and_argument_forms(graph):
    x, w = RNG.normal(size=(2, 6, 5, 3)), RNG.normal(size=(3, 3, 3, 2))
    nhwc = tf.nn.conv2d(x, w, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])
    nchw = tf.nn.conv2d(np.transpose(x, (0, 3, 1, 2)), w, [1, 1, 2, 2],
                        [[0, 0], [0, 0], [1, 1], [1, 1]], data_format="NCHW")
    with tf.Session() as sess:
        a, b = sess.run([nhwc, nchw])
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    np.testing.assert_allclose(a, direct_conv(padded, w, (2, 2), "VALID"), rtol=1e-10)
    np.testing.assert_allclose(np.transpose(b, (0, 2, 3, 1)), a, rtol=1e-10)
    with pytest.raises(ValueError, match="Conv2D"):
        tf.nn.conv2d(x, RNG.normal(size=(3, 3, 4, 2)), 1, "SAME")  # depth 3 vs filter 4
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(x, w, 1, "FULL")


def test_conv2d_transpose_is_the_adjoint_of_conv2d(graph):
    x, w = RNG.normal(size=(2, 7, 6, 3)), RNG.normal(size=(3, 3, 3, 4))
    y = RNG.normal(size=(2, 4, 3, 4))  # conv2d(x, w, stride 2, SAME) has this shape
    up = tf.nn.conv2d_transpose(y, w, [2, 7, 6, 3], [1, 2, 2, 1], "SAME")
    assert up.shape.as_list() == [2, 7, 6, 3]
    with tf.Session() as sess:
        conv, transposed = sess.run([tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME"), up])
    # <conv(x), y> == <x, conv_transpose(y)>
    assert np.sum(conv * y) == pytest.approx(np.sum(x * transposed), rel=1e-10)


def test_separable_conv2d_and_bias_add(graph):
    x = RNG.normal(size=(2, 6, 6, 3))
    dw, pw = RNG.normal(size=(3, 3, 3, 2)), RNG.normal(size=(1, 1, 6, 4))
    b = RNG.normal(size=4)
    y = tf.nn.bias_add(tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"), b)
    nchw = tf.nn.bias_add(np.transpose(x, (0, 3, 1, 2)), b[:3], data_format="NCHW")
    with tf.Session() as sess:
        got, got_nchw = sess.run([y, nchw])
    expected = direct_conv(direct_conv(x, dw, (1, 1), "SAME", depthwise=True), pw, (1, 1),
                           "VALID") + b
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(got_nchw, np.transpose(x, (0, 3, 1, 2)) + b[:3, None, None])
    with pytest.raises(ValueError, match="does not match"):
        tf.nn.bias_add(x, b)


@pytest.mark.parametrize(("k", "s", "padding"), [((2, 2), (2, 2), "SAME"),
                                                 ((3, 3), (2, 2), "SAME"),
                                                 ((3, 2), (1, 2), "VALID")])
def test_pooling_matches_direct_loops(graph, k, s, padding):
    x = RNG.normal(size=(2, 7, 6, 3))
    with tf.Session() as sess:
        mx, av = sess.run([tf.nn.max_pool(x, [1, *k, 1], [1, *s, 1], padding),
                           tf.nn.avg_pool(x, k, s, padding)])
    np.testing.assert_allclose(mx, direct_pool(x, k, s, padding, np.max))
    np.testing.assert_allclose(av, direct_pool(x, k, s, padding, np.mean), rtol=1e-12)


def test_max_pool_gradient_goes_to_the_first_maximum(graph):
    x = tf.constant(np.array([[1.0, 3.0], [3.0, 2.0]]).reshape(1, 2, 2, 1))
    (g,) = tf.gradients(tf.reduce_sum(tf.nn.max_pool(x, 2, 2, "VALID") * 5.0), [x])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g).reshape(2, 2), [[0.0, 5.0], [0.0, 0.0]])
