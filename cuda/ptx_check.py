"""Compiles every CUDA kernel the backend launches to PTX for real GPU architectures and links
each to a cubin with nvJitLink, without a GPU: `python -m graphflow.cuda.ptx_check`.

Kernels: every fused elementwise program of the catalog and of the softmax family, the batched
matmul, the reductions (argmax/argmin too, and the partial pass of split reductions), the layout
gather and scatter, the conversion kernel (Cast, Fill), OneHot, im2col and col2im, the depthwise
convolutions, the sparse matrix-vector product (average pooling, resizes, layout gradients),
the pooling kernels, GatherV2/GatherNd and the atomic scatter-add (ScatterNd,
UnsortedSegmentSum), the Philox random kernels, the projective image transform, and Range and
Where, with the dtypes the backend launches them with.

This catches what the simulator cannot: typing errors (numba-CUDA rejects what Python would
run), unsupported math, and resource overuse (shared memory, registers) at link time. Needs the
CUDA toolkit wheels of `pip install graphflow[cuda]` (numba-cuda[cu13]); do not set
NUMBA_ENABLE_CUDASIM. Float32 elementwise programs must compile without float64 arithmetic
(a double-precision step runs at a fraction of the float32 rate on most GPUs). Prints the
number of kernels compiled per architecture; exits 1 naming every failure.
"""

from __future__ import annotations

import re
import sys
import time

import numpy as np

ARCHITECTURES = ((7, 5), (8, 0), (9, 0))  # Turing, Ampere, Hopper

#: A float64 arithmetic instruction (conversions, loads and moves are not arithmetic).
F64_ARITHMETIC = re.compile(r"^\s*(?!cvt|ld|st|mov)[a-z]+(\.[a-z0-9]+)*\.f64\s", re.M)
#: Rows whose libdevice float32 function itself uses a double multiply (sinf/cosf reduce huge
#: arguments, |x| > 1e5, with one) and so are exempt from the float64 check.
LIBDEVICE_DOUBLE = frozenset({"Sin", "Cos"})

#: The reductions and the dtypes they are launched with.
REDUCTIONS = [("sum", ("float32", "float64", "int32", "int64")),
              ("mean", ("float32", "float64")), ("prod", ("float32", "float64")),
              ("max", ("float32", "float64", "int32", "int64")),
              ("min", ("float32", "float64", "int32", "int64")),
              ("any", ("bool",)), ("all", ("bool",))]
#: (reduction, input dtype, output dtype) for the index-valued reductions.
ARG_REDUCTIONS = [(op, x, out) for op in ("argmax", "argmin")
                  for x in ("float32", "float64", "int32", "int64") for out in ("int32", "int64")]


def _array(dtype: str):
    from numba import from_dtype, types

    return types.Array(from_dtype(np.dtype(dtype)), 1, "C")


def signature(program) -> tuple:
    return tuple(_array(d) for d in program.in_dtypes + program.out_dtypes)


def kernels() -> list[tuple[str, object, tuple, bool]]:
    """(label, Python function, signature, float32 only) of every kernel the CUDA backend
    launches; "float32 only" marks the elementwise programs whose PTX must have no float64."""
    from numba import types

    from graphflow.cuda import softmax
    from graphflow.cuda.catalog import row_cases
    from graphflow.cuda.convert import PAIRS, convert_kernel
    from graphflow.cuda.depthwise import filter_grad_kernel, forward_kernel, input_grad_kernel
    from graphflow.cuda.elementwise import compiled_kernel, in_float32
    from graphflow.cuda.gather import gather_kernel, scatter_kernel
    from graphflow.cuda.gemm import matmul_kernel
    from graphflow.cuda.im2col import col2im_kernel, im2col_kernel
    from graphflow.cuda.image import transform_kernel
    from graphflow.cuda.indexing import ATOMIC_DTYPES, gather_nd_kernel, scatter_add_kernel
    from graphflow.cuda.one_hot import one_hot_kernel
    from graphflow.cuda.pool import average_grad_kernel, average_kernel, max_grad_kernel
    from graphflow.cuda.random import DTYPES as RANDOM_DTYPES
    from graphflow.cuda.random import random_kernel
    from graphflow.cuda.reduce import reduce_kernel
    from graphflow.cuda.sequence import coordinates_kernel, count_kernel, range_kernel
    from graphflow.cuda.sparse import spmv_kernel

    programs = {}
    for label, program, _ in row_cases():
        programs.setdefault(program, label)  # equal programs compile once
    for dtype in ("float32", "float64"):
        for name, program in softmax.programs((3, 5), dtype).items():
            programs.setdefault(program, f"softmax-{name}-{dtype}")
    out = [(label, compiled_kernel(p).py_func, signature(p),
            in_float32(p) and not any(step[0] in LIBDEVICE_DOUBLE for step in p.steps))
           for p, label in programs.items()]
    for dtype in ("float32", "float64"):
        out.append((f"matmul-{dtype}", matmul_kernel(dtype).py_func,
                    (_array(dtype),) * 3 + (types.int64,) * 9))
    for op, dtypes in REDUCTIONS:
        for dtype in dtypes:
            for partial in (False, True):
                out.append((f"reduce-{op}-{dtype}" + ("-partial" if partial else ""),
                            reduce_kernel(op, partial).py_func,
                            (_array(dtype), _array(dtype)) + (types.int64,) * 6))
    for op, dtype, index in ARG_REDUCTIONS:
        out.append((f"reduce-{op}-{dtype}-{index}", reduce_kernel(op).py_func,
                    (_array(dtype), _array(index)) + (types.int64,) * 6))
    for dtype in ("float32", "float64", "int32", "int64", "bool"):
        out.append((f"gather-{dtype}", gather_kernel().py_func,
                    (_array(dtype), _array("int64"), _array(dtype), _array(dtype))))
        out.append((f"scatter-{dtype}", scatter_kernel().py_func,
                    (_array(dtype), _array("int64"), _array(dtype))))
    for source, dest in PAIRS:
        out.append((f"convert-{source}-{dest}", convert_kernel().py_func,
                    (_array(source), _array(dest))))
    for index in ("int32", "int64"):
        for dtype in ("float32", "float64", "int32", "int64"):
            out.append((f"one_hot-{index}-{dtype}", one_hot_kernel().py_func,
                        (_array(index), _array(dtype), _array(dtype), _array(dtype),
                         types.int64, types.int64)))
    index, i64 = _array("int64"), types.int64
    for dtype in ("float32", "float64", "int32", "int64"):
        out.append((f"spmv-{dtype}", spmv_kernel().py_func,
                    (_array(dtype), index, index, _array(dtype), _array(dtype), _array(dtype))))
    for dtype in ("float32", "float64"):
        out.append((f"im2col-{dtype}", im2col_kernel().py_func,
                    (_array(dtype), index, _array(dtype), _array(dtype))))
        out.append((f"col2im-{dtype}", col2im_kernel().py_func,
                    (_array(dtype), index, _array(dtype), _array(dtype))))
        for name, kernel in (("forward", forward_kernel()), ("input_grad", input_grad_kernel())):
            out.append((f"depthwise_{name}-{dtype}", kernel.py_func,
                        (_array(dtype), _array(dtype), index, i64, _array(dtype), _array(dtype))))
        out.append((f"depthwise_filter_grad-{dtype}", filter_grad_kernel().py_func,
                    (_array(dtype), _array(dtype), index, i64, i64, i64, _array(dtype),
                     _array(dtype))))
        out.append((f"max_pool_grad-{dtype}", max_grad_kernel().py_func,
                    (_array(dtype), _array(dtype), index, _array(dtype))))
        for name, kernel in (("avg_pool", average_kernel()), ("avg_pool_grad", average_grad_kernel())):
            out.append((f"{name}-{dtype}", kernel.py_func,
                        (_array(dtype), index, _array(dtype), _array(dtype), _array(dtype))))
    for indices in ("int32", "int64"):
        for dtype in ("float32", "float64", "int32", "int64", "bool"):
            out.append((f"gather_nd-{indices}-{dtype}", gather_nd_kernel().py_func,
                        (_array(dtype), _array(indices), index, *(i64,) * 4, _array(dtype),
                         _array(dtype))))
        for dtype in ATOMIC_DTYPES:
            out.append((f"scatter_add_nd-{indices}-{dtype}", scatter_add_kernel().py_func,
                        (_array(dtype), _array(indices), index, i64, i64, _array(dtype))))
    for distribution, dtypes in RANDOM_DTYPES.items():
        for dtype in dtypes:
            bounds = (_array(dtype),) * 2 if distribution == "uniform_int" else ()
            out.append((f"philox-{distribution}-{dtype}", random_kernel(distribution, dtype).py_func,
                        (_array(dtype), i64, i64, i64, *bounds)))
    for dtype in ("float32", "float64"):
        for transforms in ("float32", "float64"):
            out.append((f"image_transform-{dtype}-{transforms}", transform_kernel().py_func,
                        (_array(dtype), _array(transforms), types.boolean, *(i64,) * 5,
                         types.boolean, _array(dtype))))
    for dtype in ("int32", "int64", "float32", "float64"):
        wide = types.float64 if dtype.startswith("float") else i64
        out.append((f"range-{dtype}", range_kernel().py_func, (wide, wide, _array(dtype))))
    for dtype in ("bool", "int32", "int64", "float32", "float64"):
        out.append((f"where_count-{dtype}", count_kernel().py_func, (_array(dtype), i64, index)))
        out.append((f"where_coordinates-{dtype}", coordinates_kernel().py_func,
                    (_array(dtype), i64, index, index, index)))
    return [entry if len(entry) == 4 else (*entry, False) for entry in out]


def main() -> int:
    from numba import cuda

    from cuda.core import Linker, LinkerOptions, ObjectCode

    start = time.perf_counter()
    todo = kernels()
    failures, counts = [], {cc: 0 for cc in ARCHITECTURES}
    for label, function, sig, float32_only in todo:
        for cc in ARCHITECTURES:
            arch = f"sm_{cc[0]}{cc[1]}"
            try:
                ptx, _ = cuda.compile_ptx(function, sig, cc=cc)
                double = F64_ARITHMETIC.search(ptx) if float32_only else None
                if double:
                    raise TypeError(f"a float32 program computes in float64: {double.group(0)}")
                Linker(ObjectCode.from_ptx(ptx.encode()),
                       options=LinkerOptions(arch=arch)).link("cubin")
                counts[cc] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{label} ({arch}): {type(e).__name__}: {e}")
    for cc, n in counts.items():
        print(f"sm_{cc[0]}{cc[1]}: {n} of {len(todo)} kernels (elementwise, softmax, matmul, "
              f"reductions, gathers, scatters, conversions, one-hot, sparse products, indexing, "
              "random, image, range, where, im2col, depthwise, pooling) compiled to PTX and linked")
    print(f"{time.perf_counter() - start:.1f} s")
    for failure in failures:
        print("FAILED", failure.splitlines()[0][:300], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
