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


def build_random(node: Any, state: Any) -> Callable[..., Any] | None:
    """RandomUniform, RandomStandardNormal, TruncatedNormal, RandomUniformInt (stateful): the
    op's session stream, shared with the CPU kernel (so both backends draw the same numbers),
    drawn on the device; None for a shape or dtype without a device kernel."""
    from graphflow.ops.random import session_stream

    from .builder_inputs import shape_of

    spec, distribution = node.out_specs[0], node.opdef.distribution
    if shape_of(spec) is None or spec.dtype.name not in DTYPES[distribution]:
        return None
    stream = session_stream(node, state)
    run = random_runner(distribution, shape_of(spec), spec.dtype.np)
    if distribution != "uniform_int":
        return lambda _shape: run(stream)

    def uniform_int(_shape: Any, minval: Any, maxval: Any) -> Any:
        # the bounds are checked on the host, as TF1 keeps them in host memory
        from graphflow.ops.random import checked_bounds

        from .device import to_host

        checked_bounds(to_host(minval), to_host(maxval))
        return run(stream, minval, maxval)

    return uniform_int


def launch_signatures() -> list[Any]:
    """The Philox kernel of every distribution in each of its dtypes."""
    from numba import types

    from .launch_signatures import Launch, array

    i64 = types.int64
    return [Launch(f"philox-{distribution}-{dtype}", random_kernel(distribution, dtype).py_func,
                   (array(dtype), i64, i64, i64,
                    *((array(dtype),) * 2 if distribution == "uniform_int" else ())))
            for distribution, dtypes in DTYPES.items() for dtype in dtypes]
