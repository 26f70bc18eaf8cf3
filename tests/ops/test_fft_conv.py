"""Convolutions run by Fourier transforms (`ops/_fft_conv.py`): which shapes take that route,
its float32 error on long sums against float64 loops, and the route taken by a Session's
Conv2D and gradients with the default rule. (Every stride-1 case of test_conv_kernels.py also
runs by transforms, through the `kernel_split` fixture.)"""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import _fft_conv
from graphflow.ops._sliding_windows import Window

from .test_conv_kernels import naive

SAME_5X5 = Window(5, 5, 1, 1, 1, 1, "SAME")


def test_large_kernels_with_many_channels_take_transforms():
    # the benchmark CNN's second layer; the grid covers the image and its padding of 2
    assert _fft_conv.fft_grid((64, 14, 14, 32), (5, 5, 32, 64), SAME_5X5) == (16, 16)
    assert _fft_conv.fft_grid((1, 14, 14, 32), (5, 5, 32, 64), SAME_5X5) == (16, 16)


@pytest.mark.parametrize("x_shape, f_shape, win", [
    ((64, 14, 14, 32), (5, 5, 32, 64), Window(5, 5, 2, 2, 1, 1, "SAME")),   # strided
    ((64, 28, 28, 1), (5, 5, 1, 32), SAME_5X5),                             # one channel in
    ((64, 8, 8, 64), (3, 3, 64, 64), Window(3, 3, 1, 1, 1, 1, "SAME")),     # 3x3 on 8x8
    ((64, 8, 8, 64), (1, 1, 64, 64), Window(1, 1, 1, 1, 1, 1, "VALID")),    # pointwise
])
def test_other_convolutions_stay_direct(x_shape, f_shape, win):
    assert _fft_conv.fft_grid(x_shape, f_shape, win) is None


def test_convolutions_with_large_spectra_stay_direct():
    # 5x5, 64 -> 64 on 56x56 saves arithmetic, but its spectra would take 217 MB (float32)
    assert _fft_conv.fft_grid((64, 56, 56, 64), (5, 5, 64, 64), SAME_5X5) is None
    # 32 -> 64 on 28x28, batch 64: 39 MB in float32, 79 MB in float64 (the limit is 64 MiB)
    assert _fft_conv.fft_grid((64, 28, 28, 32), (5, 5, 32, 64), SAME_5X5) == (30, 30)
    assert _fft_conv.fft_grid((64, 28, 28, 32), (5, 5, 32, 64), SAME_5X5, itemsize=8) is None


def test_grids_are_even_and_cover_the_padding(monkeypatch):
    monkeypatch.setattr(_fft_conv, "MIN_SAVING", 0.0)
    win = Window(4, 3, 1, 1, 2, 1, "EXPLICIT", (1, 5, 0, 2))
    l1, l2 = _fft_conv.fft_grid((2, 13, 9, 3), (4, 3, 3, 2), win)
    assert (l1, l2) == (18, 12)  # 13 + 5 and 9 + 2 -> 11, made even


@pytest.mark.parametrize("which", ["forward", "input", "filter"])
def test_float32_error_on_long_sums(which):
    """800-term sums per output (1,568 per filter tap), float32 transforms against float64
    loops: within a few float32 ulps of the largest value, as the direct products are."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 14, 14, 32))
    f = rng.normal(size=(5, 5, 32, 64))
    dy = rng.normal(size=(4, 14, 14, 64))
    y, dx, df = naive("conv", x, f, dy, (1, 1), (1, 1), "SAME")
    x32, f32, dy32 = (a.astype(np.float32) for a in (x, f, dy))
    workspace = _fft_conv.Workspace()
    if which == "forward":
        got, want = _fft_conv.conv2d(x32, f32, SAME_5X5, (16, 16), workspace), y
    elif which == "input":
        got = _fft_conv.conv2d_input_grad(x.shape, f32, dy32, SAME_5X5, (16, 16), workspace)
        want = dx
    else:
        got = _fft_conv.conv2d_filter_grad(x32, f.shape, dy32, SAME_5X5, (16, 16), workspace)
        want = df
    assert got.dtype == np.float32
    scale = np.abs(want).max()
    assert np.abs(got - want).max() <= 2e-6 * scale
    in_float64 = {"forward": lambda: _fft_conv.conv2d(x, f, SAME_5X5, (16, 16), workspace),
                  "input": lambda: _fft_conv.conv2d_input_grad(x.shape, f, dy, SAME_5X5,
                                                               (16, 16), workspace),
                  "filter": lambda: _fft_conv.conv2d_filter_grad(x, f.shape, dy, SAME_5X5,
                                                                 (16, 16), workspace)}[which]()
    np.testing.assert_allclose(in_float64, want, rtol=1e-10, atol=1e-10 * scale)


def test_a_busy_workspace_gives_fresh_buffers():
    """Two calls of one kernel at once (two threads running one plan): the second does not wait
    for, nor write into, the first's buffers."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 6, 6, 3)).astype(np.float32)
    f = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
    win = Window(3, 3, 1, 1, 1, 1, "SAME")
    workspace = _fft_conv.Workspace()
    first = _fft_conv.conv2d(x, f, win, (8, 8), workspace)
    with workspace.take() as buffer:
        held = buffer("input", (2, 8 * 5, 6), np.float32)
        held[...] = 7.0
        again = _fft_conv.conv2d(x, f, win, (8, 8), workspace)
        assert (held == 7.0).all()
    np.testing.assert_array_equal(again, first)


def test_session_conv_and_gradients_take_transforms_by_default(monkeypatch):
    calls = []
    for name in ("conv2d", "conv2d_input_grad", "conv2d_filter_grad", "conv2d_backprops"):
        original = getattr(_fft_conv, name)
        monkeypatch.setattr(_fft_conv, name,
                            lambda *a, _name=name, _f=original: calls.append(_name) or _f(*a))
    rng = np.random.default_rng(5)
    x, f = rng.normal(size=(2, 14, 14, 32)), rng.normal(size=(5, 5, 32, 64))
    dy = rng.normal(size=(2, 14, 14, 64))
    y, dx, df = naive("conv", x, f, dy, (1, 1), (1, 1), "SAME")
    with tf.Graph().as_default():
        xt = tf.placeholder(tf.float32, [None, 14, 14, 32])
        ft = tf.placeholder(tf.float32, [5, 5, 32, 64])
        out = tf.nn.conv2d(xt, ft, [1, 1, 1, 1], "SAME")
        grads = tf.gradients(out, [xt, ft], grad_ys=tf.constant(dy, tf.float32))
        with tf.Session() as sess:
            got = sess.run([out] + grads, {xt: x.astype(np.float32), ft: f.astype(np.float32)})
    # both backprops in one call (graphflow/compiler/fuse_conv_backprops.py)
    assert sorted(calls) == ["conv2d", "conv2d_backprops"]
    for value, want in zip(got, (y, dx, df)):
        np.testing.assert_allclose(value, want, rtol=2e-4, atol=2e-4 * np.abs(want).max())


@pytest.mark.parametrize("grid", [(16, 16), (12, 10), (18, 30), (2, 6)])
def test_transforms_match_numpy_fft(grid):
    """`forward_dft` is numpy's rfft2 on the grid (image at the origin), laid out [n, k, re|im],
    and `inverse_dft` brings the image back: grids of 2^a and of 2^a times an odd rest."""
    from graphflow.ops._fft_conv_numba import forward_dft, inverse_dft

    l1, l2 = grid
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, min(l1, 9), min(l2, 7), 5))
    n, _, _, c = x.shape
    k = l1 * (l2 // 2 + 1)
    spec = np.empty((n, k, 2 * c))
    forward_dft(x, 0, n, *_fft_conv._forward_tables(l1, l2, x.dtype), spec)
    want = np.fft.rfft2(x, s=grid, axes=(1, 2)).reshape(n, k, c)
    np.testing.assert_allclose(spec[..., :c], want.real, atol=1e-12)
    np.testing.assert_allclose(spec[..., c:], want.imag, atol=1e-12)
    back = np.empty_like(x)
    inverse_dft(spec, 0, n, *_fft_conv._inverse_tables(l1, l2, x.dtype), back)
    np.testing.assert_allclose(back, x, atol=1e-12)
