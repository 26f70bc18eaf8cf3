"""Layout ops on the GPU as one gather through a precomputed index map.

Transpose, slicing, reversing, tiling, padding (any mode), broadcasting, reshaping and gathers
with constant indices all move elements without computing on them. Shapes are static in a
plan, so running the op's own numpy reference once on the *positions* 1..n of its input tells,
for every output element, which input element it copies (0 = none: a padding value). The
device then runs a single kernel for all of them: out[i] = src[index[i]], or fill[i] where
index[i] < 0. The map is computed once per plan node, on the host, by the op's reference: no
layout op needs kernel code of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.backends.generated import load_generated

#: Ops whose first input is data that they only rearrange (the other inputs are static).
LAYOUT_OPS = ("Transpose", "Slice", "StridedSlice", "ReverseV2", "Tile", "Pad", "BroadcastTo",
              "ExpandDims", "Squeeze", "Reshape", "GatherV2")

_SOURCE = '''
from numba import cuda


@cuda.jit
def kernel(src, index, fill, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = index[i]
        if j >= 0:
            out[i] = src[j]
        else:
            out[i] = fill[i]
'''

_lock = threading.Lock()
_kernel: list[Any] = []


def gather_kernel() -> Any:
    with _lock:
        if not _kernel:
            _kernel.append(load_generated(_SOURCE, "cuda_gather").kernel)
        return _kernel[0]


def index_map(reference: Any, attrs: Any, data_shape: Sequence[int], dtype: Any,
              static_inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(flat source index per output element, -1 where none; fill values) of a layout op,
    from its numpy `reference` run on input positions."""
    size = int(np.prod(data_shape, dtype=np.int64))
    positions = np.arange(1, size + 1, dtype=np.int64).reshape(data_shape)
    moved = np.asarray(reference(attrs, positions, *static_inputs))
    fill = np.asarray(reference(attrs, np.zeros(data_shape, dtype), *static_inputs))
    return (moved - 1).reshape(-1), np.ascontiguousarray(fill, dtype).reshape(-1)


def gather(src: Any, index: np.ndarray, fill: np.ndarray, threads: int = 256) -> Any:
    """The device array out[i] = src[index[i]] (or fill[i] where index[i] < 0), for a flat
    device array `src` and a host index map."""
    from numba import cuda

    from .elementwise import launch_config

    out = cuda.device_array(index.size, src.dtype)
    if index.size:
        gather_kernel()[launch_config(index.size, threads)](
            src, cuda.to_device(index), cuda.to_device(fill), out)
    return out


def run_layout(reference: Any, attrs: Any, data: np.ndarray,
               static_inputs: Sequence[np.ndarray], threads: int = 256) -> np.ndarray:
    """A layout op on the device, from and to host arrays (tests)."""
    from numba import cuda

    index, fill = index_map(reference, attrs, data.shape, data.dtype, static_inputs)
    out_shape = np.shape(reference(attrs, data, *static_inputs))
    src = cuda.to_device(np.ascontiguousarray(data).reshape(-1))
    return gather(src, index, fill, threads).copy_to_host().reshape(out_shape)
