"""Compiles every generated CUDA kernel to PTX for real GPU architectures and links each to a
cubin with nvJitLink, without a GPU: `python -m graphflow.cuda.ptx_check`.

This catches what the simulator cannot: typing errors (numba-CUDA rejects what Python would
run), unsupported math, and resource overuse at link time. Needs the CUDA toolkit wheels of
`pip install graphflow[cuda]` (numba-cuda[cu13]); do not set NUMBA_ENABLE_CUDASIM. Prints the
number of kernels compiled per architecture; exits 1 naming every failure.
"""

from __future__ import annotations

import sys
import time

import numpy as np

ARCHITECTURES = ((7, 5), (8, 0), (9, 0))  # Turing, Ampere, Hopper


def signature(program) -> tuple:
    from numba import from_dtype, types

    return tuple(types.Array(from_dtype(np.dtype(d)), 1, "C")
                 for d in program.in_dtypes + program.out_dtypes)


def main() -> int:
    from numba import cuda

    from cuda.core import Linker, LinkerOptions, ObjectCode
    from graphflow.cuda.catalog import row_cases
    from graphflow.cuda.elementwise import compiled_kernel

    start = time.perf_counter()
    programs = {}
    for label, program, _ in row_cases():
        programs.setdefault(program, label)  # equal programs compile once
    failures, counts = [], {cc: 0 for cc in ARCHITECTURES}
    for program, label in programs.items():
        kernel = compiled_kernel(program).py_func
        for cc in ARCHITECTURES:
            try:
                ptx, _ = cuda.compile_ptx(kernel, signature(program), cc=cc)
                arch = f"sm_{cc[0]}{cc[1]}"
                Linker(ObjectCode.from_ptx(ptx.encode()),
                       options=LinkerOptions(arch=arch)).link("cubin")
                counts[cc] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{label} (sm_{cc[0]}{cc[1]}): {type(e).__name__}: {e}")
    for cc, n in counts.items():
        print(f"sm_{cc[0]}{cc[1]}: {n} of {len(programs)} elementwise kernels compiled to PTX "
              f"and linked")
    print(f"{time.perf_counter() - start:.1f} s")
    for failure in failures:
        print("FAILED", failure.splitlines()[0][:300], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
