"""One small kernel for the ops that only copy values into a new dtype or shape: Cast
(out[i] = src[i], converted on store), Fill, ZerosLike and OnesLike (a one-element source
repeated): out[i] = src[i % n]."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, output_runner

_SOURCE = '''
from numba import cuda


@cuda.jit
def kernel(src, out):
    n = src.shape[0]
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = src[i % n]
'''

#: (source dtype, destination dtype) pairs the backend launches (Cast between any two of
#: these, except into bool: TF's cast to bool is `x != 0`, numba's store is not defined).
DTYPES = ("bool", "int32", "int64", "float32", "float64")
PAIRS = tuple((s, d) for s in DTYPES for d in DTYPES if d != "bool" or s == "bool")


def convert_kernel() -> Any:
    return cached_kernel("convert", lambda: _SOURCE, "cuda_convert")


def convert_runner(out_shape: tuple[int, ...], dtype: Any, threads: int = 256
                   ) -> Callable[[Any], Any]:
    """`run(src)`: a fresh device array of `out_shape` and `dtype` holding `src` converted, or
    `src`'s single element repeated."""
    from .device import flat

    fill = output_runner(convert_kernel(), out_shape, dtype, threads)
    return lambda src: fill(flat(src))


def zeros_runner(shape: tuple[int, ...], dtype: Any) -> Callable[[], Any]:
    """`run()`: a fresh device array of zeros (for kernels that accumulate into their output)."""
    from numba import cuda

    zero = cuda.to_device(np.zeros(1, dtype))
    fill = convert_runner(shape, dtype)
    return lambda: fill(zero)
