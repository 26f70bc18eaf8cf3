"""Runs the CUDA kernels under numba's CUDA simulator and compares them with numpy: every
generated elementwise kernel, the tiled matrix product (odd sizes, transposes, batches), the
reductions, the layout gather, and Conv2D composed from the gather and the matmul. Run by
tests/cuda/test_simulator.py in a process with NUMBA_ENABLE_CUDASIM=1 (the variable must be
set before numba is imported).

A kernel exception the simulator swallows (it prints "Exception in thread" and returns) is
caught through threading.excepthook and fails the run."""

from __future__ import annotations

import os
import sys
import threading

import numpy as np


def main() -> int:
    if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
        print("set NUMBA_ENABLE_CUDASIM=1", file=sys.stderr)
        return 2
    thread_errors: list[str] = []
    threading.excepthook = lambda args: thread_errors.append(f"{args.exc_type.__name__}: "
                                                             f"{args.exc_value}")
    from graphflow.cuda.elementwise import host_runner
    from graphflow.cuda.elementwise_cases import expected, row_cases

    failures, count = [], 0
    for label, program, inputs in row_cases():
        before = len(thread_errors)
        got = host_runner(program, threads=8)(*inputs)
        count += 1
        if len(thread_errors) > before:
            failures.append(f"{label}: kernel raised {thread_errors[before]}")
            continue
        for k, (g, e) in enumerate(zip(got, expected(program, inputs))):
            e = np.asarray(e)
            if g.dtype != e.dtype or g.shape != e.shape:
                failures.append(f"{label} output {k}: {g.dtype}{g.shape} vs {e.dtype}{e.shape}")
            elif e.dtype.kind == "f":
                tol = 1e-5 if e.dtype == np.float32 else 1e-12
                if not np.allclose(g, e, rtol=tol, atol=tol, equal_nan=True):
                    failures.append(f"{label} output {k}: max error {np.nanmax(np.abs(g - e))}")
            elif not np.array_equal(g, e):
                failures.append(f"{label} output {k}: {g.ravel()[:6]} vs {e.ravel()[:6]}")
    count += check_gemm(failures) + check_reductions(failures) + check_layout(failures)
    count += check_conv(failures) + check_depthwise(failures) + check_ieee_edges(failures)
    print(f"{count} kernel launches under the CUDA simulator, {len(failures)} failed")
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


def check_gemm(failures: list[str]) -> int:
    """Odd sizes across tile and K-step edges, both transposes, a batch with a broadcast
    operand."""
    from graphflow.cuda.gemm import matmul

    rng = np.random.default_rng(2)
    cases = [((17, 19), (19, 18), False, False, np.float32),
             ((70, 9), (67, 9), False, True, np.float32),  # two block tiles each way
             ((5, 7), (6, 5), True, True, np.float64),
             ((2, 3, 5), (5, 4), False, False, np.float64),
             ((2, 6, 3), (2, 6, 4), True, False, np.float32)]
    for a_shape, b_shape, ta, tb, dtype in cases:
        a, b = rng.normal(size=a_shape).astype(dtype), rng.normal(size=b_shape).astype(dtype)
        expected = np.matmul(np.swapaxes(a, -1, -2) if ta else a,
                             np.swapaxes(b, -1, -2) if tb else b)
        got = matmul(a, b, ta, tb)
        tol = 1e-5 if dtype is np.float32 else 1e-12
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=tol, atol=tol):
            failures.append(f"matmul {a_shape} x {b_shape} (transposes {ta}, {tb}) differs")
    return len(cases)


def check_reductions(failures: list[str]) -> int:
    from graphflow.cuda.reduce import reduce

    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4, 5))
    flags = x > 0
    cases = [("sum", x.astype(np.float32), [1, 2], np.sum), ("mean", x, [0], np.mean),
             ("max", x, [2], np.max), ("min", x, [0, 1], np.min), ("prod", x, [1], np.prod),
             ("sum", x, [0, 2], np.sum), ("max", x.astype(np.float32), [2, 0], np.max),
             ("sum", (x * 10).astype(np.int32), [0, 1, 2], np.sum),
             ("any", flags, [1], np.any), ("all", flags, [2], np.all)]
    for op, values, axes, numpy in cases:
        expected = numpy(values, axis=tuple(axes)).astype(values.dtype)
        got = reduce(values, axes, op, threads=8)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-6, atol=1e-6):
            failures.append(f"reduce {op} over {axes} of {values.dtype}{values.shape} differs")
    return len(cases) + check_split_reductions(failures)


def check_split_reductions(failures: list[str]) -> int:
    """Long reductions into few outputs, in two passes (thresholds lowered to tiny sizes):
    uneven chunks, a mean's division by the full length, inner strides."""
    from graphflow.cuda import reduce as module

    saved = module.SPLIT_OUTPUTS, module.SPLIT_LENGTH, module.MIN_CHUNK, module.TARGET_THREADS
    module.SPLIT_OUTPUTS, module.SPLIT_LENGTH, module.MIN_CHUNK, module.TARGET_THREADS = 8, 10, 3, 16
    try:
        rng = np.random.default_rng(5)
        x = rng.normal(size=(2, 23, 3))
        cases = [("sum", x, [1], np.sum), ("mean", x, [1], np.mean), ("max", x, [0, 1], np.max),
                 ("min", x.astype(np.float32), [1, 2], np.min), ("prod", x / 2 + 1, [1], np.prod),
                 ("mean", x, [0, 1, 2], np.mean), ("any", x > 1.5, [1], np.any),
                 ("all", x > -2.5, [0, 1, 2], np.all)]
        assert module.split(2, 23, 3, "sum")[0] > 1  # the cases really run in two passes
        for op, values, axes, numpy in cases:
            expected = numpy(values, axis=tuple(axes)).astype(values.dtype)
            got = module.reduce(values, axes, op, threads=8)
            if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-6):
                failures.append(f"split reduce {op} over {axes} of {values.shape} differs")
    finally:
        module.SPLIT_OUTPUTS, module.SPLIT_LENGTH, module.MIN_CHUNK, module.TARGET_THREADS = saved
    return len(cases)


#: Ops whose first input is data that they only rearrange (the other inputs are static): the
#: index-map gather computes each of them from its reference.
LAYOUT_OPS = ("Transpose", "Slice", "StridedSlice", "ReverseV2", "Tile", "Pad", "BroadcastTo",
              "ExpandDims", "Squeeze", "Reshape", "GatherV2")


def check_layout(failures: list[str]) -> int:
    """Every conformance sample of every layout op, through the index-map gather."""
    from graphflow.cuda.layout import run_layout
    from graphflow.ops.registry import REGISTRY

    count = 0
    for op_type in LAYOUT_OPS:
        opdef = REGISTRY[op_type]
        for index, sample in enumerate(opdef.samples(np.random.default_rng(0))):
            data, *static = (np.asarray(x) for x in sample.inputs)
            expected = np.asarray(opdef.reference(sample.attrs, data, *static))
            got = run_layout(opdef.reference, sample.attrs, data, static, threads=8)
            count += 1
            if got.shape != expected.shape or not np.array_equal(got, expected):
                failures.append(f"{op_type} sample {index}: gather differs from the reference")
    return count


def check_conv(failures: list[str]) -> int:
    """Conv2D as gather (im2col) + matmul against the CPU kernel: SAME with stride, dilation."""
    from graphflow.cuda.conv import conv2d
    from graphflow.ops.conv import conv2d_nhwc

    rng = np.random.default_rng(4)
    cases = [((1, 5, 4, 2), (3, 3, 2, 3), {"strides": [1, 2, 1, 1], "padding": "SAME"}),
             ((2, 5, 5, 1), (2, 2, 1, 2), {"padding": "VALID", "dilations": [1, 2, 2, 1]})]
    for x_shape, f_shape, attrs in cases:
        x = rng.normal(size=x_shape).astype(np.float32)
        f = rng.normal(size=f_shape).astype(np.float32)
        expected = conv2d_nhwc(x, f, attrs)
        got = conv2d(x, f, attrs)
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-5, atol=1e-5):
            failures.append(f"conv2d {x_shape} * {f_shape} {attrs} differs")
    return len(cases)


def check_depthwise(failures: list[str]) -> int:
    """Depthwise convolution and both gradients against the CPU references, with a channel
    multiplier, stride, dilation and SAME padding; the filter gradient's first pass lowered so
    that each thread sums a chunk of several positions."""
    from graphflow.cuda import depthwise
    from graphflow.cuda.device import to_device
    from graphflow.ops.registry import REGISTRY

    rng = np.random.default_rng(6)
    saved, depthwise.FILTER_THREADS = depthwise.FILTER_THREADS, 40
    count = 0
    try:
        for attrs in ({"strides": [1, 2, 1, 1], "padding": "SAME"},
                      {"strides": [1, 1, 1, 1], "padding": "VALID", "dilations": [1, 2, 1, 1]}):
            x, f = rng.normal(size=(2, 6, 5, 3)), rng.normal(size=(3, 2, 3, 2))
            y = REGISTRY["DepthwiseConv2dNative"].reference(attrs, x, f)
            dy = rng.normal(size=y.shape)
            sizes = (np.array(x.shape), np.array(f.shape))
            checks = [
                ("forward", depthwise.depthwise_runner(x.shape, f.shape, x.dtype, attrs)(
                    to_device(x), to_device(f)), y),
                ("input", depthwise.depthwise_input_grad_runner(x.shape, f.shape, x.dtype, attrs)(
                    None, to_device(f), to_device(dy)),
                 REGISTRY["DepthwiseConv2dNativeBackpropInput"].reference(attrs, sizes[0], f, dy)),
                ("filter", depthwise.depthwise_filter_grad_runner(x.shape, f.shape, x.dtype, attrs)(
                    to_device(x), None, to_device(dy)),
                 REGISTRY["DepthwiseConv2dNativeBackpropFilter"].reference(attrs, x, sizes[1], dy)),
            ]
            for name, got, want in checks:
                count += 1
                got = got.copy_to_host()
                if got.shape != want.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-12):
                    failures.append(f"depthwise {name} {attrs} differs")
    finally:
        depthwise.FILTER_THREADS = saved
    return count


def check_ieee_edges(failures: list[str]) -> int:
    """Inputs where Python's math raises but a GPU (and numpy) return NaN or inf."""
    from graphflow.cuda.elementwise import host_runner
    from graphflow.cuda.elementwise_cases import expected as reference
    from graphflow.cuda.elementwise_cases import one_step

    edges = np.array([-1.0, 0.0, 1000.0, -1000.0, np.inf, -np.inf, np.nan])
    count = 0
    for row in ("Sqrt", "Rsqrt", "Log", "Log1p", "Exp", "Expm1", "Sigmoid", "Softplus", "Tanh"):
        for dtype in ("float32", "float64"):
            x = edges.astype(dtype)
            with np.errstate(all="ignore"):
                program = one_step(row, [x])
            expected = reference(program, [x])[0]
            got = host_runner(program)(x)[0]
            count += 1
            if not np.allclose(got, expected, rtol=1e-6, equal_nan=True):
                failures.append(f"{row} {dtype} at {edges.tolist()}: {got} vs {expected}")
    return count


if __name__ == "__main__":
    sys.exit(main())
