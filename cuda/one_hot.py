"""OneHot on the GPU: out = on_value where the position along the new axis equals the index,
else off_value (indices out of range give a row of off_value, as in TF)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure

_SOURCE = '''
from numba import cuda


@cuda.jit
def kernel(indices, on, off, out, depth, inner):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        position = (i // (depth * inner)) * inner + i % inner
        out[i] = on[0] if indices[position] == (i // inner) % depth else off[0]
'''


def one_hot_kernel() -> Any:
    return cached_kernel("one_hot", lambda: _SOURCE, "cuda_one_hot")


def one_hot_runner(indices_shape: tuple[int, ...], depth: int, axis: int, dtype: Any,
                   threads: int = 256) -> Callable[[Any, Any, Any], Any]:
    """`run(indices, on_value, off_value)` for device arrays: the one-hot array with the new
    axis of `depth` at `axis` (-1: last)."""
    from .device import empty, flat
    from .elementwise import launch_config

    axis = len(indices_shape) if axis == -1 else axis
    inner = int(np.prod(indices_shape[axis:], dtype=np.int64))
    out_shape = (*indices_shape[:axis], depth, *indices_shape[axis:])
    size = int(np.prod(out_shape, dtype=np.int64))
    configured = configure(one_hot_kernel(), *launch_config(size, threads))

    def run(indices: Any, on: Any, off: Any) -> Any:
        out = empty(out_shape, dtype)
        if size:
            configured(flat(indices), flat(on), flat(off), flat(out), depth, inner)
        return out

    return run


def build_one_hot(node: Any) -> Callable[..., Any] | None:
    """OneHot(indices, depth, on_value, off_value), for a constant depth (a fed one is
    specialized per value: `OpDef.host_arguments`)."""
    from .builder_inputs import constant_input, shape_of

    depth = constant_input(node, 1)
    if depth is None:
        return None
    run = one_hot_runner(shape_of(node.in_specs[0]), int(depth), node.attrs.get("axis", -1),
                         node.out_specs[0].dtype.np)
    return lambda indices, _depth, on, off: run(indices, on, off)


def launch_signatures() -> list[Any]:
    """OneHot from int32/int64 indices to every numeric dtype."""
    from numba import types

    from .launch_signatures import Launch, array

    return [Launch(f"one_hot-{index}-{dtype}", one_hot_kernel().py_func,
                   (array(index), array(dtype), array(dtype), array(dtype), types.int64, types.int64))
            for index in ("int32", "int64") for dtype in ("float32", "float64", "int32", "int64")]
