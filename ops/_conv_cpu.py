"""The CPU kernels of Conv2D and its two backprops: BLAS products over windows packed by numba
(`_conv_numba`) into scratch buffers each kernel reuses, the batch split over the cores
(`_cpu_workers`).

Each core packs a few images' windows at a time and multiplies them at once (single-threaded
BLAS), so the packed block is still in that core's cache when the product reads it: packing the
whole batch first writes a buffer of N*oh*ow*kh*kw*C values (40 MB for the 14x14x32 -> 64 5x5
layer at batch 64) that the product reads back from memory. A reused buffer, since a fresh large
array is fresh pages whose faults cost about as much as the packing. A 1x1 convolution with
stride 1 and no padding (the pointwise half of a separable convolution) is a plain product,
threaded like a MatMul of its size (`_pointwise_product`); a 3x3 convolution of a one-channel
input (a first layer) runs a direct loop (`conv3x3_one_channel`), forward only.
Stride-1 convolutions with large kernels and enough channels run by transforms instead
(`_fft_conv`, chosen per shape by `_fft_conv.fft_grid`).

Every function takes NHWC arrays of one float dtype (float32 or float64); the op classes
transpose NCHW at their boundary.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from . import _cpu_workers, _fft_conv
from ._conv_numba import col2im, col2im_t, conv3x3_one_channel, im2col, im2col_t
from ._cpu_workers import WORKERS, split_images
from ._machine_load import cores_taken_lately
from ._sliding_windows import Window

#: Bytes of packed windows per product on one core: about its L2 cache, the best of 0.25 to
#: 8 MiB measured on the benchmark's 5x5 layers.
CHUNK_BYTES = 1 << 20

#: Below this many input channels windows are packed transposed (`im2col_t`): a run of output
#: pixels per tap and channel instead of a few channels per tap and pixel.
FEW_CHANNELS = 4


class Scratch:
    """Buffers one kernel reuses from call to call, one per worker. A call that finds one taken
    (two threads running the same plan at once) gets a fresh array instead of waiting."""

    def __init__(self) -> None:
        self._buffers = [np.empty(0, np.float32) for _ in range(WORKERS)]
        self._locks = [threading.Lock() for _ in range(WORKERS)]
        self.spectra = _fft_conv.Workspace()  # for the convolutions run by transforms

    @contextmanager
    def take(self, worker: int, size: int, dtype: np.dtype) -> Iterator[np.ndarray]:
        """A 1-D array of `size` elements of `dtype` for `worker`, for the duration of the
        block."""
        lock = self._locks[worker]
        if not lock.acquire(blocking=False):
            yield np.empty(size, dtype)
            return
        try:
            if self._buffers[worker].dtype != dtype or self._buffers[worker].size < size:
                self._buffers[worker] = np.empty(size, dtype)
            yield self._buffers[worker][:size]
        finally:
            lock.release()


def _pointwise(win: Window, pads: tuple[int, int, int, int]) -> bool:
    """Whether the convolution is a plain product over pixels (1x1, stride 1, no padding)."""
    return win.kh == win.kw == win.sh == win.sw == 1 and not any(pads)


def _pointwise_product(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """`a @ b` for a 1x1 convolution or its input gradient ([pixels, C] rows times a small
    matrix), with the thread policy of a MatMul of that size: BLAS's own threads from
    `_cpu_workers.MIN_THREADED_MATMUL_WORK` multiply-adds (they hand over inside one call and
    split the pixel rows), one thread below. The filter gradient, a product over the pixels
    ([C, pixels] @ [pixels, OC]), stays on one thread: OpenBLAS splits such a long inner
    dimension badly (64x4096 @ 4096x64: 0.54 ms on two threads against 0.42 ms on one).

    Where other processes hold the cores (`_machine_load.cores_taken_lately`) one thread
    too: OpenBLAS's threads spin and wait for each other in every product, and a worker that
    is not scheduled made whole separable steps take 56-67 ms instead of 8-10."""
    if (a.shape[0] * a.shape[1] * b.shape[1] >= _cpu_workers.MIN_THREADED_MATMUL_WORK
            and not cores_taken_lately()):
        return _cpu_workers.threaded_matmul(a, b, out=out)
    with _cpu_workers.single_threaded_blas():
        return np.matmul(a, b, out=out)


def _steps(lo: int, hi: int, per_image: int, itemsize: int) -> tuple[int, list[tuple[int, int]]]:
    """Images per product (their packed windows fit CHUNK_BYTES) and the ranges of [lo, hi)."""
    step = max(1, min(hi - lo, CHUNK_BYTES // max(1, per_image * itemsize)))
    return step, [(n0, min(hi, n0 + step)) for n0 in range(lo, hi, step)]


def _geometry(win: Window, pads: tuple[int, int, int, int], oh: int, ow: int) -> tuple[int, ...]:
    """The window arguments of `im2col` / `col2im` after the image range."""
    return (win.kh, win.kw, win.sh, win.sw, win.dh, win.dw, pads[0], pads[2], oh, ow)


def _packed(x: np.ndarray, n0: int, n1: int, geometry: tuple[int, ...], buffer: np.ndarray,
            k: int) -> np.ndarray:
    """The windows of images [n0, n1) as a [pixels, k] matrix over `buffer` (a transposed view
    of a [k, pixels] one when the input has few channels)."""
    if x.shape[3] < FEW_CHANNELS:
        cols_t = buffer.reshape(k, -1)
        im2col_t(x, n0, n1, *geometry, cols_t)
        return cols_t.T
    cols = buffer.reshape(-1, k)
    im2col(x, n0, n1, *geometry, cols)
    return cols


def conv2d(x: np.ndarray, f: np.ndarray, win: Window, scratch: Scratch) -> np.ndarray:
    """The forward convolution of NHWC `x` [N,H,W,C] with `f` [kh,kw,C,OC]."""
    grid = _fft_conv.fft_grid(x.shape, f.shape, win, x.itemsize)
    if grid is not None:
        return _fft_conv.conv2d(x, f, win, grid, scratch.spectra)
    n, h, w, c = x.shape
    oc = f.shape[3]
    oh, ow, pads = win.out_and_pads(h, w)
    out = np.empty((n, oh, ow, oc), x.dtype)
    k = win.kh * win.kw * c
    filters = np.ascontiguousarray(f).reshape(k, oc)
    rows, flat = oh * ow, out.reshape(-1, oc)
    if _pointwise(win, pads):
        _pointwise_product(x.reshape(-1, c), filters, out=flat)
        return out
    if c == 1 and (win.kh, win.kw) == (3, 3):  # a first layer: nine taps, no product
        direct = (win.sh, win.sw, win.dh, win.dw, pads[0], pads[2])
        split_images(n, lambda worker, lo, hi: conv3x3_one_channel(x, filters, lo, hi, *direct, out),
                     n * rows * k * oc)
        return out
    geometry = _geometry(win, pads, oh, ow)

    def work(worker: int, lo: int, hi: int) -> None:
        step, ranges = _steps(lo, hi, rows * k, x.itemsize)
        with scratch.take(worker, step * rows * k, x.dtype) as buffer:
            for n0, n1 in ranges:
                cols = _packed(x, n0, n1, geometry, buffer[:(n1 - n0) * rows * k], k)
                np.matmul(cols, filters, out=flat[n0 * rows:n1 * rows])

    split_images(n, work, n * rows * k * oc, _steps(0, n, rows * k, x.itemsize)[0])
    return out


def conv2d_filter_grad(x: np.ndarray, filter_shape, dy: np.ndarray, win: Window,
                       scratch: Scratch) -> np.ndarray:
    """The gradient [kh,kw,C,OC] of the convolution with respect to its filter."""
    grid = _fft_conv.fft_grid(x.shape, filter_shape, win, x.itemsize)
    if grid is not None:
        return _fft_conv.conv2d_filter_grad(x, filter_shape, dy, win, grid, scratch.spectra)
    n, h, w, c = x.shape
    kh, kw, _, oc = filter_shape
    oh, ow, pads = win.out_and_pads(h, w)
    k, rows = kh * kw * c, oh * ow
    grads = dy.reshape(-1, oc)
    if _pointwise(win, pads):
        with _cpu_workers.single_threaded_blas():
            return (x.reshape(-1, c).T @ grads).reshape(kh, kw, c, oc)
    geometry = _geometry(win, pads, oh, ow)

    totals: dict[int, np.ndarray] = {}  # one partial sum per worker

    def work(worker: int, lo: int, hi: int) -> None:
        if worker not in totals:
            totals[worker] = np.zeros((k, oc), x.dtype)
        total, part = totals[worker], np.empty((k, oc), x.dtype)
        step, ranges = _steps(lo, hi, rows * k, x.itemsize)
        with scratch.take(worker, step * rows * k, x.dtype) as buffer:
            for n0, n1 in ranges:
                cols = _packed(x, n0, n1, geometry, buffer[:(n1 - n0) * rows * k], k)
                np.matmul(cols.T, grads[n0 * rows:n1 * rows], out=part)
                total += part

    split_images(n, work, n * rows * k * oc, _steps(0, n, rows * k, x.itemsize)[0])
    total = totals.pop(0) if 0 in totals else np.zeros((k, oc), x.dtype)
    for part in totals.values():
        total += part
    return total.reshape(kh, kw, c, oc)


def conv2d_input_grad(sizes, f: np.ndarray, dy: np.ndarray, win: Window,
                      scratch: Scratch) -> np.ndarray:
    """The gradient [N,H,W,C] (`sizes`, NHWC) of the convolution with respect to its input."""
    grid = _fft_conv.fft_grid(sizes, f.shape, win, dy.itemsize)
    if grid is not None:
        return _fft_conv.conv2d_input_grad(sizes, f, dy, win, grid, scratch.spectra)
    n, h, w, c = sizes
    oc = f.shape[3]
    oh, ow, pads = win.out_and_pads(h, w)
    k, rows = win.kh * win.kw * c, oh * ow
    filters_t = np.ascontiguousarray(f).reshape(k, oc).T
    grads = dy.reshape(-1, oc)
    dx = np.empty((n, h, w, c), dy.dtype)
    if _pointwise(win, pads):
        _pointwise_product(grads, filters_t, out=dx.reshape(-1, c))
        return dx
    geometry, few_channels = _geometry(win, pads, oh, ow), c < FEW_CHANNELS

    def work(worker: int, lo: int, hi: int) -> None:
        step, ranges = _steps(lo, hi, rows * k, dy.itemsize)
        with scratch.take(worker, step * rows * k, dy.dtype) as buffer:
            for n0, n1 in ranges:
                chunk = buffer[:(n1 - n0) * rows * k]
                if few_channels:
                    dcols_t = chunk.reshape(k, -1)
                    np.matmul(filters_t.T, grads[n0 * rows:n1 * rows].T, out=dcols_t)
                    col2im_t(dcols_t, n0, n1, *geometry, dx)
                else:
                    dcols = chunk.reshape(-1, k)
                    np.matmul(grads[n0 * rows:n1 * rows], filters_t, out=dcols)
                    col2im(dcols, n0, n1, *geometry, dx)

    split_images(n, work, n * rows * k * oc, _steps(0, n, rows * k, dy.itemsize)[0])
    return dx
