"""Fused batch normalization and its gradient on the GPU: one block per channel reduces that
channel's statistics in shared memory (float64 accumulators) and its first thread derives the
per-channel coefficients and statistics outputs; then one elementwise pass over the data.

Flat arrays: the channel of element i is (i // inner) % depth, inner = 1 for NHWC and H * W for
NCHW, so both layouts share the kernels. Formulas as graphflow.ops.fused_batch_norm(_grad).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure, launch_config

THREADS = 256

_TEMPLATE = '''
import math

from numba import cuda, float64

THREADS = 256


@cuda.jit
def forward_stats(x, scale, offset, mean_in, var_in, depth, inner, count, epsilon, factor,
                  training, out_mean, out_var, saved_mean, saved_var, multiplier, shift):
    """Block c: the statistics of channel c and its coefficients y = x * multiplier + shift."""
    buffer = cuda.shared.array(THREADS, float64)
    c = cuda.blockIdx.x
    t = cuda.threadIdx.x
    if training:
        partial = 0.0
        for k in range(t, count, THREADS):
            partial += x[((k // inner) * depth + c) * inner + k % inner]
        {reduce_partial}
        mean = buffer[0] / max(count, 1)
        cuda.syncthreads()
        partial = 0.0
        for k in range(t, count, THREADS):
            d = x[((k // inner) * depth + c) * inner + k % inner] - mean
            partial += d * d
        {reduce_partial}
        variance = buffer[0] / max(count, 1)
    else:
        mean = float64(mean_in[c])
        variance = float64(var_in[c])
    if t == 0:
        inv = 1.0 / math.sqrt(variance + epsilon)
        multiplier[c] = scale[c] * inv
        shift[c] = offset[c] - mean * scale[c] * inv
        saved_mean[c] = mean
        saved_var[c] = variance
        if training:
            unbiased = variance * count / (count - 1) if count > 1 else variance
            if factor != 1.0:
                out_mean[c] = (1.0 - factor) * mean_in[c] + factor * mean
                out_var[c] = (1.0 - factor) * var_in[c] + factor * unbiased
            else:
                out_mean[c] = mean
                out_var[c] = unbiased
        else:
            out_mean[c] = mean
            out_var[c] = variance


@cuda.jit
def backward_stats(dy, x, scale, mean, variance, depth, inner, count, epsilon, training,
                   d_scale, d_offset, factor, mean_dy, slope):
    """Block c: sum(dy) and sum(dy * (x - mean)) of channel c and the dx coefficients."""
    buffer = cuda.shared.array(THREADS, float64)
    c = cuda.blockIdx.x
    t = cuda.threadIdx.x
    m = float64(mean[c])
    sum_dy = 0.0
    sum_dy_xc = 0.0
    for k in range(t, count, THREADS):
        i = ((k // inner) * depth + c) * inner + k % inner
        sum_dy += dy[i]
        sum_dy_xc += dy[i] * (x[i] - m)
    partial = sum_dy
    {reduce_partial}
    sum_dy = buffer[0]
    cuda.syncthreads()
    partial = sum_dy_xc
    {reduce_partial}
    sum_dy_xc = buffer[0]
    if t == 0:
        inv = 1.0 / math.sqrt(float64(variance[c]) + epsilon)
        d_offset[c] = sum_dy
        d_scale[c] = sum_dy_xc * inv
        factor[c] = scale[c] * inv
        n = max(count, 1)
        mean_dy[c] = sum_dy / n if training else 0.0
        slope[c] = sum_dy_xc / n * inv * inv if training else 0.0


@cuda.jit
def scale_shift(x, depth, inner, multiplier, shift, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = (i // inner) % depth
        out[i] = x[i] * multiplier[c] + shift[c]


@cuda.jit
def scale_shift_relu(x, depth, inner, multiplier, shift, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = (i // inner) % depth
        y = x[i] * multiplier[c] + shift[c]
        out[i] = y if y > 0 else (y if y != y else 0)


@cuda.jit
def relu_mask(dy, relu_out, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        g = dy[i]
        # g * (g - g) is g * 0 (NaN for an infinite or NaN g, as TF's ReluGrad) without the
        # integer literal that would make the float32 program multiply in float64
        out[i] = g if relu_out[i] > 0 else g * (g - g)


@cuda.jit
def input_grad(dy, x, depth, inner, mean, factor, mean_dy, slope, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        c = (i // inner) % depth
        out[i] = factor[c] * (dy[i] - mean_dy[c] - (x[i] - mean[c]) * slope[c])
'''


#: The block's tree sum of each thread's `partial` into buffer[0] (inlined: a device function
#: would make numba ask a driver for the architecture when compiling PTX without a GPU).
_REDUCE = (
    "buffer[t] = partial",
    "cuda.syncthreads()",
    "step = THREADS // 2",
    "while step > 0:",
    "    if t < step:",
    "        buffer[t] += buffer[t + step]",
    "    cuda.syncthreads()",
    "    step //= 2",
)


def _source() -> str:
    """The kernels' source with the reduction inlined at each use, at that use's indentation."""
    lines = []
    for line in _TEMPLATE.splitlines():
        if line.strip() == "{reduce_partial}":
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + part for part in _REDUCE]
        else:
            lines.append(line)
    return "\n".join(lines)


def _kernel(name: str) -> Any:
    """The dispatcher of kernel `name` of the source above, compiled once."""
    return cached_kernel(("batch_norm", name), lambda: f"{_source()}\n\nkernel = {name}\n",
                         f"cuda_batch_norm_{name}")


def _geometry(node: Any, data_input: int) -> tuple[tuple[int, ...], int, int, int] | None:
    """(x shape, depth, inner, count per channel), or None for unknown shapes and for dtypes
    the kernels are not compiled for (float16 data: it runs on the host)."""
    from graphflow.ops.fused_batch_norm import channel_axis

    from .builder_inputs import shape_of

    dtype, stat_dtype = node.out_specs[0].dtype.np, node.out_specs[1].dtype.np
    shape = shape_of(node.in_specs[data_input])
    if shape is None or dtype != stat_dtype or dtype not in (np.float32, np.float64):
        return None
    axis = channel_axis(node.attrs)
    depth = shape[axis]
    inner = shape[2] * shape[3] if axis == 1 else 1
    return shape, depth, inner, int(np.prod(shape, dtype=np.int64)) // max(depth, 1)


def build_fused_batch_norm(node: Any) -> Callable[..., Any] | None:
    """FusedBatchNorm(V2/V3)(x, scale, offset, mean, variance): the statistics kernel, then the
    elementwise pass; None for an unknown shape (it then runs on the host)."""
    return _forward(node, relu=False)


def _forward(node: Any, relu: bool) -> Callable[..., Any] | None:
    """The forward kernels' runner (`relu`: the elementwise pass clamps at 0 as it stores)."""
    from .device import empty, flat, to_device

    geometry = _geometry(node, 0)
    if geometry is None:
        return None
    shape, depth, inner, count = geometry
    dtype, stat_dtype = node.out_specs[0].dtype.np, node.out_specs[1].dtype.np
    attrs = node.attrs
    training = bool(attrs.get("is_training", True))
    epsilon = float(attrs.get("epsilon", 1e-4))
    factor = float(attrs.get("exponential_avg_factor", 1.0))
    size = count * depth
    stats = configure(_kernel("forward_stats"), max(depth, 1), THREADS)
    elementwise = configure(_kernel("scale_shift_relu" if relu else "scale_shift"),
                            *launch_config(size))
    extra = len(node.out_specs) - 5

    def run(x: Any, scale: Any, offset: Any, mean: Any, variance: Any) -> tuple[Any, ...]:
        outs = [empty((depth,), stat_dtype) for _ in range(4)]
        multiplier, shift = empty((depth,), dtype), empty((depth,), dtype)
        y = empty(shape, dtype)
        if depth:
            # Empty statistics (training with factor 1) are never read: pass scale instead.
            mean_in = mean if mean.shape[0] == depth else scale
            var_in = variance if variance.shape[0] == depth else scale
            stats(x, scale, offset, mean_in, var_in, depth, inner, count,
                  epsilon, factor, training, *outs, multiplier, shift)
        if size:
            elementwise(flat(x), depth, inner, multiplier, shift, flat(y))
        reserve = [to_device(np.zeros((0,), stat_dtype)) for _ in range(extra)]
        return (y, *outs, *reserve)

    return lambda x, scale, offset, mean, variance: run(flat(x), scale, offset, mean, variance)


def build_fused_batch_norm_relu(node: Any) -> Callable[..., Any] | None:
    """_FusedBatchNormRelu(x, scale, offset, mean, variance): as FusedBatchNorm, output 0
    through the ReLU."""
    return _forward(node, relu=True)


def build_fused_batch_norm_relu_grad(node: Any) -> Callable[..., Any] | None:
    """_FusedBatchNormReluGrad(dy, relu_out, x, scale, mean, variance[, reserve]): dy masked by
    the ReLU's output into a scratch array, then FusedBatchNormGrad's two kernels."""
    from .device import empty, flat

    gradient = _backward(node, data_input=2)
    if gradient is None:
        return None
    shape, dtype = node.in_specs[2].shape.as_list(), node.out_specs[0].dtype.np
    size = int(np.prod(shape, dtype=np.int64))
    mask = configure(_kernel("relu_mask"), *launch_config(size))

    def run(dy: Any, relu_out: Any, *rest: Any) -> tuple:
        masked = empty(tuple(shape), dtype)
        if size:
            mask(flat(dy), flat(relu_out), flat(masked))
        return gradient(masked, *rest)

    return run


def build_fused_batch_norm_grad(node: Any) -> Callable[..., Any] | None:
    """FusedBatchNormGrad(V2/V3)(dy, x, scale, mean, variance[, reserve]): the per-channel sums,
    then the elementwise input gradient; None for an unknown shape."""
    return _backward(node, data_input=1)


def _backward(node: Any, data_input: int) -> Callable[..., Any] | None:
    """The gradient kernels' runner; `data_input`: the position of x among the node's inputs
    (its shape sets the geometry)."""
    from .device import empty, flat, to_device

    geometry = _geometry(node, data_input)
    if geometry is None:
        return None
    shape, depth, inner, count = geometry
    dtype, stat_dtype = node.out_specs[0].dtype.np, node.out_specs[1].dtype.np
    training = bool(node.attrs.get("is_training", True))
    epsilon = float(node.attrs.get("epsilon", 1e-4))
    size = count * depth
    stats = configure(_kernel("backward_stats"), max(depth, 1), THREADS)
    elementwise = configure(_kernel("input_grad"), *launch_config(size))

    def run(dy: Any, x: Any, scale: Any, mean: Any, variance: Any, *reserve: Any) -> tuple:
        d_scale, d_offset = empty((depth,), stat_dtype), empty((depth,), stat_dtype)
        coefficients = [empty((depth,), dtype) for _ in range(3)]
        dx = empty(shape, dtype)
        if depth and size:
            stats(flat(dy), flat(x), scale, mean, variance, depth, inner, count, epsilon,
                  training, d_scale, d_offset, *coefficients)
            elementwise(flat(dy), flat(x), depth, inner, mean, *coefficients, flat(dx))
        elif depth:
            # No elements: the sums are zero.
            d_scale, d_offset = (to_device(np.zeros((depth,), stat_dtype)) for _ in range(2))
        zero = to_device(np.zeros((), stat_dtype))
        return dx, d_scale, d_offset, zero, to_device(np.zeros((), stat_dtype))

    return run


def launch_signatures() -> list[Any]:
    """The six kernels for float32 data with float32 statistics and float64 with float64."""
    from numba import types

    from .launch_signatures import Launch, array

    module_kernels = {name: _kernel(name).py_func for name in
                      ("forward_stats", "backward_stats", "scale_shift", "scale_shift_relu",
                       "relu_mask", "input_grad")}
    i64, f64, b1 = types.int64, types.float64, types.boolean
    launches = []
    for d in ("float32", "float64"):
        a = array(d)
        launches += [
            Launch(f"batch_norm_forward_stats-{d}", module_kernels["forward_stats"],
                   (a, a, a, a, a, i64, i64, i64, f64, f64, b1, a, a, a, a, a, a)),
            Launch(f"batch_norm_backward_stats-{d}", module_kernels["backward_stats"],
                   (a, a, a, a, a, i64, i64, i64, f64, b1, a, a, a, a, a)),
            Launch(f"batch_norm_scale_shift-{d}", module_kernels["scale_shift"],
                   (a, i64, i64, a, a, a)),
            Launch(f"batch_norm_scale_shift_relu-{d}", module_kernels["scale_shift_relu"],
                   (a, i64, i64, a, a, a)),
            Launch(f"batch_norm_relu_mask-{d}", module_kernels["relu_mask"], (a, a, a)),
            Launch(f"batch_norm_input_grad-{d}", module_kernels["input_grad"],
                   (a, a, i64, i64, a, a, a, a, a)),
        ]
    return launches
