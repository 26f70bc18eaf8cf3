"""Compiles every CUDA kernel the backend launches to PTX for real GPU architectures and links
each to a cubin with nvJitLink, without a GPU: `python -m graphflow.cuda.ptx_check`.

The kernels are not listed here: every module of graphflow.cuda that compiles kernels declares
the signatures it launches them with (`launch_signatures()`, see `launch_signatures.py`), and
this check compiles every declared launch of every module. A new kernel is checked by declaring
it in its own module.

This catches what the simulator cannot: typing errors (numba-CUDA rejects what Python would
run), unsupported math, and resource overuse (shared memory, registers) at link time. Needs the
CUDA toolkit wheels of `pip install graphflow[cuda]` (numba-cuda[cu13]); do not set
NUMBA_ENABLE_CUDASIM. Float32 elementwise programs must compile without float64 arithmetic
(a double-precision step runs at a fraction of the float32 rate on most GPUs). Prints the
number of kernels compiled per architecture and per module; exits 1 naming every failure.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time
from types import ModuleType

from graphflow.cuda.launch_signatures import Launch

ARCHITECTURES = ((7, 5), (8, 0), (9, 0))  # Turing, Ampere, Hopper

#: A float64 arithmetic instruction (conversions, loads and moves are not arithmetic).
F64_ARITHMETIC = re.compile(r"^\s*(?!cvt|ld|st|mov)[a-z]+(\.[a-z0-9]+)*\.f64\s", re.M)


def kernel_modules() -> list[ModuleType]:
    """Every module of graphflow.cuda that declares the kernels it launches, by name."""
    import graphflow.cuda as package

    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name == "ptx_check":
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "launch_signatures"):
            modules.append(module)
    return modules


def kernels() -> list[tuple[str, Launch]]:
    """(module name, `Launch`) for every declared launch of every kernel module."""
    return [(module.__name__.rsplit(".", 1)[-1], launch) for module in kernel_modules()
            for launch in module.launch_signatures()]


def main() -> int:
    from numba import cuda

    from cuda.core import Linker, LinkerOptions, ObjectCode

    start = time.perf_counter()
    todo = kernels()
    failures, counts, per_module = [], {cc: 0 for cc in ARCHITECTURES}, {}
    for module, launch in todo:
        per_module[module] = per_module.get(module, 0) + 1
        for cc in ARCHITECTURES:
            arch = f"sm_{cc[0]}{cc[1]}"
            try:
                ptx, _ = cuda.compile_ptx(launch.function, launch.signature, cc=cc)
                double = F64_ARITHMETIC.search(ptx) if launch.float32_only else None
                if double:
                    raise TypeError(f"a float32 program computes in float64: {double.group(0)}")
                Linker(ObjectCode.from_ptx(ptx.encode()),
                       options=LinkerOptions(arch=arch)).link("cubin")
                counts[cc] += 1
            except Exception as e:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{module}: {launch.label} ({arch}): {type(e).__name__}: {e}")
    print("declared launches per module: " + ", ".join(f"{m} {n}" for m, n in per_module.items()))
    for cc, n in counts.items():
        print(f"sm_{cc[0]}{cc[1]}: {n} of {len(todo)} kernels compiled to PTX and linked")
    print(f"{time.perf_counter() - start:.1f} s")
    for failure in failures:
        print("FAILED", failure.splitlines()[0][:300], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
