"""Runs every generated elementwise CUDA kernel under numba's CUDA simulator and compares it
with the numpy reference. Run by tests/cuda/test_simulator.py in a process with
NUMBA_ENABLE_CUDASIM=1 (the variable must be set before numba is imported).

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
    from graphflow.cuda.catalog import expected, row_cases
    from graphflow.cuda.elementwise import host_runner

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
    print(f"{count} elementwise kernels run under the CUDA simulator, {len(failures)} failed")
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
