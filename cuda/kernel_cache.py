"""The compiled CUDA kernels of this process, each loaded once from its generated source."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

from graphflow.generated_source import load_generated

_lock = threading.Lock()
_kernels: dict[Hashable, Any] = {}

THREADS_PER_BLOCK = 256
MAX_BLOCKS = 4096  # a grid-stride loop covers the rest


def launch_config(size: int, threads: int = THREADS_PER_BLOCK) -> tuple[int, int]:
    """(blocks, threads per block) for a grid-stride loop over `size` elements."""
    threads = max(1, min(threads, size))
    return max(1, min(MAX_BLOCKS, math.ceil(size / threads))), threads


def cached_kernel(key: Hashable, source: Callable[[], str], module: str) -> Any:
    """The numba-CUDA dispatcher `kernel` defined by `source()` (written and imported as a
    module named after `module`, see graphflow.generated_source), loaded once per `key`.
    numba compiles it lazily, once per argument types."""
    with _lock:
        kernel = _kernels.get(key)
        if kernel is None:
            kernel = _kernels[key] = load_generated(source(), module).kernel
        return kernel


def configure(kernel: Any, grid: Any, block: Any) -> Callable[..., Any]:
    """`kernel[grid, block]`, configured once for a plan's launches.

    numba's CUDA simulator configures the kernel object itself (`__getitem__` sets its grid and
    returns the same object), so two launches of one kernel configured at plan build would share
    the last configuration; under the simulator the configuration is applied at each launch.
    There, launches also refuse host arrays: on a GPU numba would copy one to the device and
    back synchronously at every launch, so the simulated suites check that none reaches a kernel.
    """
    from numba import config

    if config.ENABLE_CUDASIM:
        def launch(*args: Any) -> Any:
            if any(isinstance(a, np.ndarray) for a in args):
                name = getattr(kernel, "py_func", kernel).__module__
                raise TypeError(f"a host array was handed to the CUDA kernel of {name}")
            return kernel[grid, block](*args)

        return launch
    return kernel[grid, block]


def output_runner(kernel: Any, out_shape: tuple[int, ...], dtype: Any, threads: int = 256
                  ) -> Callable[..., Any]:
    """`run(*args)`: a fresh device array of `out_shape` and `dtype`, filled by one launch of
    `kernel(*args, out)` (`out` flat), for kernels whose grid-stride loop walks the output; the
    launch is configured here, once, and skipped for an empty output."""
    from .device import empty, flat

    size = int(np.prod(out_shape, dtype=np.int64))
    configured = configure(kernel, *launch_config(size, threads))

    def run(*args: Any) -> Any:
        out = empty(out_shape, dtype)
        if size:
            configured(*args, flat(out))
        return out

    return run
