"""Random numbers on the GPU: the counter-based Philox kernels of `graphflow.ops.philox`, compiled
for CUDA from the same source as the CPU's, so a session draws the same values on either
backend. Each element is computed from its own counter, so the launch shape does not matter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.ops.philox import Stream, kernel_source

from .kernel_cache import cached_kernel, configure

#: Output dtypes with a device kernel, per distribution.
DTYPES = {"uniform": ("float32", "float64"), "normal": ("float32", "float64"),
          "truncated_normal": ("float32", "float64"), "uniform_int": ("int32", "int64")}


def random_kernel(distribution: str, dtype: str) -> Any:
    return cached_kernel(("philox", distribution, dtype),
                         lambda: kernel_source(distribution, dtype, "cuda"), "cuda_philox")


def random_runner(distribution: str, shape: tuple[int, ...], dtype: Any
                  ) -> Callable[..., Any]:
    """`run(stream, *bounds)`: the next elements of `stream` as a device array of `shape`
    (bounds: the device scalars minval and maxval of uniform_int)."""
    from .device import empty, flat
    from .elementwise import launch_config

    size = int(np.prod(shape, dtype=np.int64))
    configured = configure(random_kernel(distribution, np.dtype(dtype).name), *launch_config(size))

    def run(stream: Stream, *bounds: Any) -> Any:
        out = empty(shape, dtype)
        offset = stream.take(size)
        if size:
            configured(flat(out), stream.key0, stream.key1, offset, *(flat(b) for b in bounds))
        return out

    return run
