"""Conv2D and its two backprops by discrete Fourier transforms, for stride-1 convolutions with
large kernels and many channels, where they cost a fraction of the direct products' arithmetic.

A stride-1 convolution is a pointwise product per frequency of the input's and the filter's
spectra, summed over input channels: per frequency, one real GEMM of the batch's spectra [N, 2C]
(real and imaginary parts side by side) with the filter's spectrum written as a real [2C, 2OC]
block matrix (the complex product in real arithmetic). The 14x14x32 -> 64 5x5 layer of the
benchmark CNN needs 16 x 9 = 144 frequencies: 144 products of 64x64 @ 64x128 (75M multiply-adds)
plus the transforms (about 23M), against 642M for the direct convolution.

The transform grid is L1 x L2 with L >= H + max(pad before, pad after) along each axis: the
circular convolution on that grid then equals the padded linear one on every output pixel (the
grid's zeros past the image stand for the padding, and no window wraps onto pixels of the
image). The filter is placed at its taps' offsets from the output pixel (negative offsets wrap),
so the inverse transform's top-left corner is the output. Dilation is supported (taps further
apart); strides are not (see `fft_grid`).

The same three stages serve all three ops: forward transforms (split over images), per-frequency
products (split over frequencies), inverse transforms (split over images); the filter gradient's
inverse transform is one small product evaluating only the kernel's taps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps

import numpy as np

from ._cpu_workers import single_threaded_blas, split_images
from ._fft_conv_numba import forward_dft, inverse_dft
from ._sliding_windows import Window

#: A convolution runs by transforms when its direct products cost at least this many times the
#: transform route's estimated multiply-adds (`fft_grid`). Measured 2026-12-06 (one core, batch
#: 16-64, float32, estimated ratio: direct / transforms time): 1.94: 1.0 (3x3, 64 -> 64 on 8x8);
#: 2.35-2.52: 1.23-1.29 (3x3 32 -> 64 on 14x14 and 64 -> 128 on 7x7, 7x7 3 -> 64 on 32x32);
#: 3.28: 1.54 (5x5, 16 -> 32 on 28x28); 6.25-6.52: 2.35-3.14 (5x5, 64 -> 64 on 16x16 and
#: 32 -> 64 on 14x14).
MIN_SAVING = 2.2

#: What one multiply-add of the transforms costs, in BLAS multiply-adds of time (the transforms
#: run 15-30 billion a second on one core, BLAS's products 45-50): their work is weighed so
#: against `split_images`' threshold for splitting over the cores (`MIN_SPLIT_WORK`).
TRANSFORM_SLOWDOWN = 3

#: The most bytes of spectra one kernel holds (its input's, its output's and the filter's block
#: matrix, kept between calls): larger convolutions (big images and batches) stay direct.
MAX_SPECTRA_BYTES = 64 << 20


class Workspace:
    """Named buffers one kernel reuses from call to call (a fresh large array is fresh pages,
    whose faults cost about as much as filling it). A call that finds the workspace taken (two
    threads running the same plan) gets fresh arrays instead of waiting."""

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @contextmanager
    def take(self) -> Iterator:
        """A function `buffer(name, shape, dtype)` returning an uninitialized array, valid for
        the duration of the block."""
        if not self._lock.acquire(blocking=False):
            yield lambda name, shape, dtype: np.empty(shape, dtype)
            return

        def buffer(name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
            size = int(np.prod(shape))
            held = self._buffers.get(name)
            if held is None or held.dtype != dtype or held.size < size:
                held = self._buffers[name] = np.empty(size, dtype)
            return held[:size].reshape(shape)

        try:
            yield buffer
        finally:
            self._lock.release()


def _blas_on_one_thread(kernel):
    """`kernel` with BLAS on one thread throughout: its products are small, or already split
    over the cores by `split_images`, and waking BLAS's threads for the small ones costs more
    than they save (a whole time slice when the other core is busy)."""
    @wraps(kernel)
    def wrapped(*args):
        with single_threaded_blas():
            return kernel(*args)

    return wrapped


def _grid_size(size: int, out: int, before: int, after: int) -> int:
    """The smallest even grid side on which the circular convolution is the padded one."""
    side = max(size + max(before, after), out)
    return side + side % 2


def fft_grid(x_shape, f_shape, win: Window, itemsize: int = 4) -> tuple[int, int] | None:
    """The transform grid (L1, L2) of a convolution of NHWC `x_shape` with `f_shape`, or None
    where the direct kernels are the better choice: strides other than 1, spectra larger than
    MAX_SPECTRA_BYTES (values of `itemsize` bytes), or too little arithmetic saved (the
    transform route's multiply-adds estimated per stage)."""
    if win.sh != 1 or win.sw != 1:
        return None
    n, h, w, c = x_shape
    kh, kw, _, oc = f_shape
    oh, ow, (top, bottom, left, right) = win.out_and_pads(h, w)
    l1, l2 = _grid_size(h, oh, top, bottom), _grid_size(w, ow, left, right)
    frequencies = l1 * (l2 // 2 + 1)
    if frequencies * 2 * (n * (c + oc) + 2 * c * oc) * itemsize > MAX_SPECTRA_BYTES:
        return None
    direct = n * oh * ow * kh * kw * c * oc
    if direct == 0:  # an empty batch or no channels: nothing to save
        return None
    # the transforms of the input (C channels) and of the output (OC), and the products
    transforms = n * (c + oc) * _transform_cost(max(h, oh), l1, l2)
    products = l1 * (l2 // 2 + 1) * n * 4 * c * oc
    return (l1, l2) if direct >= MIN_SAVING * (transforms + products) else None


def _transform_cost(rows: int, l1: int, l2: int) -> int:
    """Multiply-adds per channel of `forward_dft` or `inverse_dft` of an image with `rows`
    rows on an L1 x L2 grid: a half-length real DFT along W per row, an FFT along H."""
    f2 = l2 // 2 + 1
    stages, odd = 0, l1
    while odd % 2 == 0:
        odd, stages = odd // 2, stages + 1
    return rows * f2 * l2 + f2 * l1 * (2 * stages + 4 * odd)


@lru_cache(maxsize=64)
def _fft_tables(length: int, sign: int, dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """tw_r, tw_i, dm_r, dm_i, pos of `_fft_rows` for an FFT of `length` with e^{sign 2 pi i}:
    length = 2^a * m (m odd); `pos[f]` is the row where frequency f ends (its block's index
    bit-reversed, plus 2^a times its index in the block's dense DFT)."""
    stages, odd = 0, length
    while odd % 2 == 0:
        odd, stages = odd // 2, stages + 1
    twiddles = np.zeros((stages, length // 2), complex)
    for stage in range(stages):
        size = length >> stage
        twiddles[stage, :size // 2] = np.exp(sign * 2j * np.pi * np.arange(size // 2) / size)
    dense = np.exp(sign * 2j * np.pi * np.outer(np.arange(odd), np.arange(odd)) / odd)
    pos = np.empty(length, np.int64)
    for row in range(length):
        block, index = divmod(row, odd)
        reversed_block = int(format(block, f"0{stages}b")[::-1], 2) if stages else 0
        pos[reversed_block + (index << stages)] = row
    return tuple(np.ascontiguousarray(t, dtype) for t in
                 (twiddles.real, twiddles.imag, dense.real, dense.imag)) + (pos,)


@lru_cache(maxsize=64)
def _forward_tables(l1: int, l2: int, dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """cw, sw [F2, L2 / 2] (along W) and the FFT tables along H for `forward_dft`."""
    f2 = np.arange(l2 // 2 + 1)[:, None]
    along_w = -2 * np.pi * f2 * np.arange(l2 // 2)[None, :] / l2
    return (np.ascontiguousarray(np.cos(along_w), dtype),
            np.ascontiguousarray(np.sin(along_w), dtype)) + _fft_tables(l1, -1, dtype)


def _half_spectrum_weights(l2: int) -> np.ndarray:
    """How many times each column f2 of a half spectrum stands in the full one (1 or 2)."""
    weights = np.full(l2 // 2 + 1, 2.0)
    weights[0] = 1.0
    if l2 % 2 == 0:
        weights[-1] = 1.0
    return weights


@lru_cache(maxsize=64)
def _inverse_tables(l1: int, l2: int, dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """The FFT tables along H and icw, isw [L2 / 2, F2] (along W; 1 / (L1 L2) folded in) for
    `inverse_dft`."""
    f2 = np.arange(l2 // 2 + 1)[None, :]
    along_w = 2 * np.pi * np.arange(l2 // 2)[:, None] * f2 / l2
    scale = _half_spectrum_weights(l2)[None, :] / (l1 * l2)
    return _fft_tables(l1, 1, dtype) + (np.ascontiguousarray(np.cos(along_w) * scale, dtype),
                                        np.ascontiguousarray(np.sin(along_w) * scale, dtype))


def _tap_phases(win: Window, pads, l1: int, l2: int) -> np.ndarray:
    """[kh * kw, L1 * F2] angles 2 pi (f1 d_i / L1 + f2 d_j / L2) of each tap's offset d from
    its output pixel at each frequency of the half spectrum."""
    d_i = np.arange(win.kh) * win.dh - pads[0]
    d_j = np.arange(win.kw) * win.dw - pads[2]
    f1 = np.arange(l1)
    f2 = np.arange(l2 // 2 + 1)
    angle = 2 * np.pi * (d_i[:, None, None, None] * f1[None, None, :, None] / l1 +
                         d_j[None, :, None, None] * f2[None, None, None, :] / l2)
    return angle.reshape(win.kh * win.kw, l1 * len(f2))


@lru_cache(maxsize=64)
def _filter_phases(win: Window, pads, l1: int, l2: int, dtype: np.dtype) -> np.ndarray:
    """[2K, kh * kw]: cos, then -sin, of `_tap_phases` (the filter's transform as a matrix)."""
    angle = _tap_phases(win, pads, l1, l2).T
    return np.ascontiguousarray(np.concatenate([np.cos(angle), -np.sin(angle)]), dtype)


def _filter_spectrum(f: np.ndarray, win: Window, pads, l1: int, l2: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Real and imaginary parts [K, C, OC] of the spectrum of the filter placed at its taps'
    offsets on the grid (e^{-i angle} per tap): one product for both."""
    kh, kw, c, oc = f.shape
    both = _filter_phases(win, tuple(pads), l1, l2, f.dtype) @ f.reshape(kh * kw, c * oc)
    both = both.reshape(2, -1, c, oc)
    return both[0], both[1]


def _transform(pairs: list[tuple[np.ndarray, np.ndarray]], l1: int, l2: int) -> None:
    """spec [N, K, 2C] <- the spectra of the NHWC images x, for each (x, spec) of `pairs` (of
    one batch size), split over the cores in one hand-over."""
    n = pairs[0][0].shape[0]
    tables = _forward_tables(l1, l2, pairs[0][0].dtype)
    cost = TRANSFORM_SLOWDOWN * sum(n * x.shape[3] * _transform_cost(x.shape[1], l1, l2)
                                    for x, _ in pairs)

    def work(_: int, lo: int, hi: int) -> None:
        for x, spec in pairs:
            forward_dft(x, lo, hi, *tables, spec)

    split_images(n, work, cost)


def _inverse(spec: np.ndarray, l1: int, l2: int, out: np.ndarray) -> None:
    """out [N, H, W, C] <- the top-left corners of the inverse transforms of spec [N, K, 2C]."""
    n, h, w, c = out.shape
    tables = _inverse_tables(l1, l2, out.dtype)
    cost = TRANSFORM_SLOWDOWN * n * c * _transform_cost(h, l1, l2)
    split_images(n, lambda _, lo, hi: inverse_dft(spec, lo, hi, *tables, out), cost)


def _per_frequency(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out[k] = a[k] @ b[k] for every frequency k, the frequencies split over the cores. A
    spectrum [N, K, 2C] is passed as its [K, N, 2C] view: BLAS reads and writes the strided
    rows in place."""
    k, m, inner = a.shape
    cost = k * m * inner * b.shape[2]

    def work(_: int, lo: int, hi: int) -> None:
        np.matmul(a[lo:hi], b[lo:hi], out=out[lo:hi])

    split_images(k, work, cost)


@_blas_on_one_thread
def conv2d(x: np.ndarray, f: np.ndarray, win: Window, grid: tuple[int, int],
           workspace: Workspace) -> np.ndarray:
    """The forward convolution of NHWC `x` with `f` [kh, kw, C, OC] on transform grid `grid`."""
    n, h, w, c = x.shape
    oc = f.shape[3]
    oh, ow, pads = win.out_and_pads(h, w)
    l1, l2 = grid
    k = l1 * (l2 // 2 + 1)
    real, imag = _filter_spectrum(f, win, pads, l1, l2)
    out = np.empty((n, oh, ow, oc), x.dtype)
    with workspace.take() as buffer:
        # out = x * conj(g) per frequency: [xr | xi] @ [[gr, -gi], [gi, gr]]
        blocks = buffer("filter", (k, 2 * c, 2 * oc), x.dtype)
        blocks[:, :c, :oc] = real
        blocks[:, c:, oc:] = real
        blocks[:, c:, :oc] = imag
        np.negative(imag, out=blocks[:, :c, oc:])
        spec = buffer("input", (n, k, 2 * c), x.dtype)
        _transform([(x, spec)], l1, l2)
        product = buffer("output", (n, k, 2 * oc), x.dtype)
        _per_frequency(spec.transpose(1, 0, 2), blocks, product.transpose(1, 0, 2))
        _inverse(product, l1, l2, out)
    return out


@_blas_on_one_thread
def conv2d_input_grad(sizes, f: np.ndarray, dy: np.ndarray, win: Window, grid: tuple[int, int],
                      workspace: Workspace) -> np.ndarray:
    """The gradient [N, H, W, C] (`sizes`, NHWC) of the convolution with respect to its input."""
    n, _, _, _ = sizes
    l1, l2 = grid
    with workspace.take() as buffer:
        spec = buffer("output", (n, l1 * (l2 // 2 + 1), 2 * f.shape[3]), dy.dtype)
        _transform([(dy, spec)], l1, l2)
        return _input_grad_of_spectrum(sizes, f, spec, win, grid, buffer, "input")


def _input_grad_of_spectrum(sizes, f: np.ndarray, spec: np.ndarray, win: Window,
                            grid: tuple[int, int], buffer, product_name: str) -> np.ndarray:
    """The input gradient from the output gradient's spectrum `spec` [N, K, 2OC]; the product's
    spectrum goes to workspace buffer `product_name`."""
    n, h, w, c = sizes
    oc = f.shape[3]
    _, _, pads = win.out_and_pads(h, w)
    l1, l2 = grid
    k = l1 * (l2 // 2 + 1)
    real, imag = _filter_spectrum(f, win, pads, l1, l2)
    dx = np.empty((n, h, w, c), spec.dtype)
    # dx = dy * g per frequency: [dyr | dyi] @ [[gr^T, gi^T], [-gi^T, gr^T]]
    blocks = buffer("filter", (k, 2 * oc, 2 * c), spec.dtype)
    real_t, imag_t = real.transpose(0, 2, 1), imag.transpose(0, 2, 1)
    blocks[:, :oc, :c] = real_t
    blocks[:, oc:, c:] = real_t
    blocks[:, :oc, c:] = imag_t
    np.negative(imag_t, out=blocks[:, oc:, :c])
    product = buffer(product_name, (n, k, 2 * c), spec.dtype)
    _per_frequency(spec.transpose(1, 0, 2), blocks, product.transpose(1, 0, 2))
    _inverse(product, l1, l2, dx)
    return dx


@_blas_on_one_thread
def conv2d_filter_grad(x: np.ndarray, filter_shape, dy: np.ndarray, win: Window,
                       grid: tuple[int, int], workspace: Workspace) -> np.ndarray:
    """The gradient [kh, kw, C, OC] of the convolution with respect to its filter."""
    n, _, _, c = x.shape
    oc = filter_shape[3]
    l1, l2 = grid
    k = l1 * (l2 // 2 + 1)
    with workspace.take() as buffer:
        x_spec = buffer("input", (n, k, 2 * c), x.dtype)
        dy_spec = buffer("output", (n, k, 2 * oc), x.dtype)
        _transform([(x, x_spec), (dy, dy_spec)], l1, l2)
        return _filter_grad_of_spectra(x.shape, filter_shape, x_spec, dy_spec, win, grid, buffer)


@_blas_on_one_thread
def conv2d_backprops(x: np.ndarray, f: np.ndarray, dy: np.ndarray, win: Window,
                     grid: tuple[int, int], workspace: Workspace) -> tuple[np.ndarray, np.ndarray]:
    """Both gradients of the convolution of `x` with `f`, (input gradient, filter gradient),
    transforming the output gradient `dy` once for both (`_Conv2DBackprops`,
    ops/conv_backprops.py): one transform of N x OC images less than the two kernels apart."""
    n, _, _, c = x.shape
    oc = f.shape[3]
    l1, l2 = grid
    k = l1 * (l2 // 2 + 1)
    with workspace.take() as buffer:
        x_spec = buffer("input", (n, k, 2 * c), x.dtype)
        dy_spec = buffer("output", (n, k, 2 * oc), x.dtype)
        _transform([(x, x_spec), (dy, dy_spec)], l1, l2)
        dx = _input_grad_of_spectrum(x.shape, f, dy_spec, win, grid, buffer, "product")
        df = _filter_grad_of_spectra(x.shape, f.shape, x_spec, dy_spec, win, grid, buffer)
    return dx, df


def _filter_grad_of_spectra(x_shape, filter_shape, x_spec: np.ndarray, dy_spec: np.ndarray,
                            win: Window, grid: tuple[int, int], buffer) -> np.ndarray:
    """The filter gradient from the input's and the output gradient's spectra."""
    _, h, w, c = x_shape
    kh, kw, _, oc = filter_shape
    _, _, pads = win.out_and_pads(h, w)
    l1, l2 = grid
    k = l1 * (l2 // 2 + 1)
    # r = sum over images of x * conj(dy): [xr | xi]^T @ [dyr | dyi] holds its four parts
    parts = buffer("filter", (k, 2 * c, 2 * oc), x_spec.dtype)
    _per_frequency(x_spec.transpose(1, 2, 0), dy_spec.transpose(1, 0, 2), parts)
    real = parts[:, :c, :oc] + parts[:, c:, oc:]
    imag = parts[:, c:, :oc] - parts[:, :c, oc:]
    # each tap's value: the real part of the inverse transform at its offset
    angle = _tap_phases(win, pads, l1, l2)
    scale = np.tile(_half_spectrum_weights(l2), l1) / (l1 * l2)
    dtype = x_spec.dtype
    cos, sin = (np.cos(angle) * scale).astype(dtype), (np.sin(angle) * scale).astype(dtype)
    taps = cos @ real.reshape(k, c * oc) - sin @ imag.reshape(k, c * oc)
    return taps.reshape(kh, kw, c, oc)
