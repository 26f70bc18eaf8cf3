"""Layout ops on the GPU as one gather through a precomputed index map.

Transpose, slicing, reversing, tiling, padding (any mode), broadcasting, reshaping and gathers
with constant indices all move elements without computing on them. Shapes are static in a
plan, so running the op's own numpy reference once on the *positions* 1..n of its input tells,
for every output element, which input element it copies (0 = none: a padding value). The
device then runs a single kernel for all of them: out[i] = src[index[i]], or fill[i] where
index[i] < 0. The map is computed once per plan node, on the host, by the op's reference: no
layout op needs kernel code of its own. Concatenation and stacking scatter each input through
such a map, splitting gathers each piece, and the layout gradients (StridedSliceGrad,
MirrorPadGrad) apply the transposed map as a sparse product (`sparse.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure, output_runner

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

_SCATTER_SOURCE = '''
from numba import cuda


@cuda.jit
def kernel(src, index, out):
    for i in range(cuda.grid(1), src.shape[0], cuda.gridsize(1)):
        out[index[i]] = src[i]
'''


def gather_kernel() -> Any:
    """out[i] = src[index[i]], or fill[i] where index[i] < 0."""
    return cached_kernel("gather", lambda: _SOURCE, "cuda_gather")


def scatter_kernel() -> Any:
    """out[index[i]] = src[i] (every destination written once)."""
    return cached_kernel("scatter", lambda: _SCATTER_SOURCE, "cuda_scatter")


def index_map(reference: Any, attrs: Any, data_shape: Sequence[int], dtype: Any,
              static_inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(flat source index per output element, -1 where none; fill values) of a layout op,
    from its numpy `reference` run on input positions."""
    size = int(np.prod(data_shape, dtype=np.int64))
    positions = np.arange(1, size + 1, dtype=np.int64).reshape(data_shape)
    moved = np.asarray(reference(attrs, positions, *static_inputs))
    fill = np.asarray(reference(attrs, np.zeros(data_shape, dtype), *static_inputs))
    return (moved - 1).reshape(-1), np.ascontiguousarray(fill, dtype).reshape(-1)


def gather_runner(index: np.ndarray, fill: np.ndarray, out_shape: tuple[int, ...],
                  threads: int = 256) -> Callable[[Any], Any]:
    """`run(src)`: the device array of `out_shape` with out[i] = src[index[i]] (fill[i] where
    index[i] < 0). The map and fill values go to the device once, here."""
    from numba import cuda

    from .device import flat

    index_dev, fill_dev = cuda.to_device(index), cuda.to_device(fill)
    gather = output_runner(gather_kernel(), out_shape, fill.dtype, threads)
    return lambda src: gather(flat(src), index_dev, fill_dev)


def layout_runner(reference: Any, attrs: Any, data_shape: tuple[int, ...], dtype: Any,
                  static_inputs: Sequence[np.ndarray], threads: int = 256) -> Callable[[Any], Any]:
    """`run(data)` for a layout op on a device array of `data_shape`."""
    index, fill = index_map(reference, attrs, data_shape, dtype, static_inputs)
    out_shape = np.shape(reference(attrs, np.zeros(data_shape, dtype), *static_inputs))
    return gather_runner(index, fill, out_shape, threads)


def run_layout(reference: Any, attrs: Any, data: np.ndarray,
               static_inputs: Sequence[np.ndarray], threads: int = 256) -> np.ndarray:
    """A layout op on the device, from and to host arrays (tests)."""
    from .device import to_device

    run = layout_runner(reference, attrs, data.shape, data.dtype, static_inputs, threads)
    return run(to_device(data)).copy_to_host()


def split_runner(split: Callable[[np.ndarray], Sequence[np.ndarray]], data_shape: tuple[int, ...],
                 dtype: Any, threads: int = 256) -> Callable[[Any], tuple[Any, ...]]:
    """`run(data)` -> the pieces `split` cuts a device array into (Split, SplitV, Unpack), one
    gather each, with maps from `split` run on positions."""
    size = int(np.prod(data_shape, dtype=np.int64))
    pieces = split(np.arange(size, dtype=np.int64).reshape(data_shape))
    runners = [gather_runner(np.ascontiguousarray(p).reshape(-1), np.zeros(np.size(p), dtype),
                             np.shape(p), threads) for p in pieces]
    return lambda data: tuple(run(data) for run in runners)


def join_runner(join: Callable[..., np.ndarray], data_shapes: Sequence[tuple[int, ...]],
                dtype: Any, threads: int = 256) -> Callable[..., Any]:
    """`run(*data)` -> the array `join` assembles from device arrays (ConcatV2, Pack): each input
    is scattered to its place, with maps from `join` run on positions of one input at a time."""
    from numba import cuda

    from .device import empty, flat
    from .elementwise import launch_config

    zeros = [np.zeros(shape, np.int64) for shape in data_shapes]
    places, out_shape = [], None
    for k, shape in enumerate(data_shapes):
        size = int(np.prod(shape, dtype=np.int64))
        marked = np.asarray(join(*zeros[:k], np.arange(1, size + 1).reshape(shape), *zeros[k + 1:]))
        out_shape, flat_marked = marked.shape, marked.reshape(-1)
        destinations = np.flatnonzero(flat_marked)
        index = np.empty(size, np.int64)
        index[flat_marked[destinations] - 1] = destinations
        places.append((size, cuda.to_device(index), configure(scatter_kernel(), *launch_config(size, threads))))

    def run(*data: Any) -> Any:
        out = empty(out_shape, dtype)
        for x, (size, index, configured) in zip(data, places):
            if size:
                configured(flat(x), index, flat(out))
        return out

    return run


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_layout(node: Any) -> Callable[..., Any] | None:
    """Transpose, Slice, StridedSlice, ReverseV2, Tile, Pad, BroadcastTo (and GatherV2 with
    constant indices): one gather through the map the op's reference gives. Needs the static
    inputs as constants (fed ones are specialized per value: `OpDef.host_arguments`)."""
    from .builder_inputs import constant_arguments, shape_of

    static = constant_arguments(node)
    if static is None:
        return None
    run = layout_runner(node.opdef.reference, node.attrs, shape_of(node.in_specs[0]),
                        node.in_specs[0].dtype.np, static)
    return lambda x, *_: run(x)


def build_join(node: Any) -> Callable[..., Any]:
    """ConcatV2, Pack: every input scattered to its place in the output."""
    from .builder_inputs import shape_of

    reference, attrs = node.opdef.reference, node.attrs
    return join_runner(lambda *xs: reference(attrs, *xs), [shape_of(s) for s in node.in_specs],
                       node.out_specs[0].dtype.np)


def build_split(node: Any) -> Callable[..., Any] | None:
    """Split, SplitV, Unpack: one gather per piece."""
    from .builder_inputs import constant_arguments, shape_of

    static = constant_arguments(node)
    if static is None:
        return None
    reference, attrs = node.opdef.reference, node.attrs
    run = split_runner(lambda x: reference(attrs, x, *static), shape_of(node.in_specs[0]),
                       node.in_specs[0].dtype.np)
    return lambda x, *_: run(x)


def _layout_adjoint(node: Any, forward: str, attrs: Any, static: list[Any], data: int
                    ) -> Callable[..., Any] | None:
    """The gradient of a layout op: the transpose of the forward op's gather map, as one sparse
    matrix-vector product on input `data`."""
    from graphflow.ops.registry import REGISTRY

    from .builder_inputs import shape_of
    from .sparse import gather_matrix, linear_runner

    spec = node.out_specs[0]
    if any(v is None for v in static) or spec.dtype.np.kind not in "fi":
        return None
    shape = shape_of(spec)
    index, _ = index_map(REGISTRY[forward].reference, attrs, shape, spec.dtype.np, static)
    size = int(np.prod(shape, dtype=np.int64))
    run = linear_runner(gather_matrix(index, size).T, shape, spec.dtype.np)
    return lambda *inputs: run(inputs[data])


def build_strided_slice_grad(node: Any) -> Callable[..., Any] | None:
    """StridedSliceGrad(shape, begin, end, strides, dy): StridedSlice's map transposed."""
    from .builder_inputs import constant_input

    return _layout_adjoint(node, "StridedSlice", node.attrs,
                           [constant_input(node, k) for k in (1, 2, 3)], 4)


def build_mirror_pad_grad(node: Any) -> Callable[..., Any] | None:
    """MirrorPadGrad(dy, paddings): Pad's map (reflect or symmetric) transposed."""
    from .builder_inputs import constant_input

    return _layout_adjoint(node, "Pad", {"mode": node.attrs["mode"]}, [constant_input(node, 1)], 0)


def launch_signatures() -> list[Any]:
    """The gather and the scatter, for every dtype a layout op moves."""
    from .launch_signatures import Launch, array

    index = array("int64")
    launches = []
    for dtype in ("float32", "float64", "int32", "int64", "bool"):
        launches.append(Launch(f"gather-{dtype}", gather_kernel().py_func,
                               (array(dtype), index, array(dtype), array(dtype))))
        launches.append(Launch(f"scatter-{dtype}", scatter_kernel().py_func,
                               (array(dtype), index, array(dtype))))
    return launches
