"""Compiles every CUDA kernel the backend launches to PTX for real GPU architectures and links
each to a cubin with nvJitLink, without a GPU: `python -m graphflow.cuda.ptx_check`.

Kernels: every fused elementwise program of the catalog and of the softmax family, the batched
matmul, the reductions (argmax/argmin too), the layout gather and scatter, the conversion
kernel (Cast, Fill) and OneHot, with the dtypes the backend launches them with.

This catches what the simulator cannot: typing errors (numba-CUDA rejects what Python would
run), unsupported math, and resource overuse (shared memory, registers) at link time. Needs the
CUDA toolkit wheels of `pip install graphflow[cuda]` (numba-cuda[cu13]); do not set
NUMBA_ENABLE_CUDASIM. Prints the number of kernels compiled per architecture; exits 1 naming
every failure.
"""

from __future__ import annotations

import sys
import time

import numpy as np

ARCHITECTURES = ((7, 5), (8, 0), (9, 0))  # Turing, Ampere, Hopper

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


def kernels() -> list[tuple[str, object, tuple]]:
    """(label, Python function, signature) of every kernel the CUDA backend launches."""
    from numba import types

    from graphflow.cuda import softmax
    from graphflow.cuda.catalog import row_cases
    from graphflow.cuda.convert import PAIRS, convert_kernel
    from graphflow.cuda.elementwise import compiled_kernel
    from graphflow.cuda.gather import gather_kernel, scatter_kernel
    from graphflow.cuda.gemm import matmul_kernel
    from graphflow.cuda.one_hot import one_hot_kernel
    from graphflow.cuda.reduce import reduce_kernel

    programs = {}
    for label, program, _ in row_cases():
        programs.setdefault(program, label)  # equal programs compile once
    for dtype in ("float32", "float64"):
        for name, program in softmax.programs((3, 5), dtype).items():
            programs.setdefault(program, f"softmax-{name}-{dtype}")
    out = [(label, compiled_kernel(p).py_func, signature(p)) for p, label in programs.items()]
    for dtype in ("float32", "float64"):
        out.append((f"matmul-{dtype}", matmul_kernel(dtype).py_func,
                    (_array(dtype),) * 3 + (types.int64,) * 9))
    for op, dtypes in REDUCTIONS:
        for dtype in dtypes:
            out.append((f"reduce-{op}-{dtype}", reduce_kernel(op).py_func,
                        (_array(dtype), _array(dtype)) + (types.int64,) * 3))
    for op, dtype, index in ARG_REDUCTIONS:
        out.append((f"reduce-{op}-{dtype}-{index}", reduce_kernel(op).py_func,
                    (_array(dtype), _array(index)) + (types.int64,) * 3))
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
    return out


def main() -> int:
    from numba import cuda

    from cuda.core import Linker, LinkerOptions, ObjectCode

    start = time.perf_counter()
    todo = kernels()
    failures, counts = [], {cc: 0 for cc in ARCHITECTURES}
    for label, function, sig in todo:
        for cc in ARCHITECTURES:
            arch = f"sm_{cc[0]}{cc[1]}"
            try:
                ptx, _ = cuda.compile_ptx(function, sig, cc=cc)
                Linker(ObjectCode.from_ptx(ptx.encode()),
                       options=LinkerOptions(arch=arch)).link("cubin")
                counts[cc] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{label} ({arch}): {type(e).__name__}: {e}")
    for cc, n in counts.items():
        print(f"sm_{cc[0]}{cc[1]}: {n} of {len(todo)} kernels (elementwise, softmax, matmul, "
              f"reductions, gathers, scatters, conversions, one-hot) compiled to PTX and linked")
    print(f"{time.perf_counter() - start:.1f} s")
    for failure in failures:
        print("FAILED", failure.splitlines()[0][:300], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
