"""Gathers and scatters through indices known only at run time: GatherV2 and GatherNd, ScatterNd
and UnsortedSegmentSum (a ScatterNd with one index per leading position).

An index row of `depth` entries addresses a slice of `inner` contiguous elements of a tensor
whose leading dims are `dims` (GatherV2 along an inner axis: the same within each of `outer`
blocks). As TF1's GPU kernels, indices out of range are not checked on
the device (the CPU raises): GatherNd reads zeros for them, the scatters drop them. Scatters
add atomically, since duplicate indices sum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure, output_runner

#: The flat slice number of index row j, or -1 when an entry is out of range (inlined: a device
#: function would make compile_ptx look for a driver).
_SLOT = """
        slot = 0
        for k in range(depth):
            v = indices[j * depth + k]
            if v < 0 or v >= dims[k]:
                slot = -1
                break
            slot = slot * dims[k] + v"""

_GATHER = """
from numba import cuda


@cuda.jit
def kernel(params, indices, dims, depth, rows, slots, inner, zero, out):
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        j = (i // inner) % rows""" + _SLOT + """
        block = i // (rows * inner)
        if slot >= 0:
            out[i] = params[(block * slots + slot) * inner + i % inner]
        else:
            out[i] = zero[0]
"""

_SCATTER_ADD = """
from numba import cuda


@cuda.jit
def kernel(updates, indices, dims, depth, inner, out):
    for i in range(cuda.grid(1), updates.shape[0], cuda.gridsize(1)):
        j = i // inner""" + _SLOT + """
        if slot >= 0:
            cuda.atomic.add(out, slot * inner + i % inner, updates[i])
"""

#: dtypes numba-CUDA adds atomically.
ATOMIC_DTYPES = ("int32", "int64", "float32", "float64")


def gather_nd_kernel() -> Any:
    return cached_kernel("gather_nd", lambda: _GATHER, "cuda_gather_nd")


def scatter_add_kernel() -> Any:
    return cached_kernel("scatter_add_nd", lambda: _SCATTER_ADD, "cuda_scatter_add_nd")


def _geometry(shape: Sequence[int], depth: int) -> tuple[Any, int]:
    """(the leading `depth` dims on the device, elements per slice)."""
    from numba import cuda

    inner = int(np.prod(shape[depth:], dtype=np.int64))
    return cuda.to_device(np.asarray(shape[:depth], np.int64)), inner


def gather_rows_runner(params_shape: tuple[int, ...], axis: int, depth: int, rows: int,
                       out_shape: tuple[int, ...], dtype: Any) -> Callable[[Any, Any], Any]:
    """`run(params, indices)`: for each of the blocks before `axis`, the slices of params at
    `rows` index rows of `depth` entries addressing dims axis .. axis + depth."""
    from numba import cuda

    from .device import flat

    dims, inner = _geometry(params_shape[axis:], depth)
    slots = int(np.prod(params_shape[axis:axis + depth], dtype=np.int64))
    zero = cuda.to_device(np.zeros(1, dtype))
    rows = max(rows, 1)
    gather = output_runner(gather_nd_kernel(), out_shape, dtype)
    return lambda params, indices: gather(flat(params), flat(indices), dims, depth, rows, slots,
                                          inner, zero)


def gather_nd_runner(params_shape: tuple[int, ...], indices_shape: tuple[int, ...],
                     out_shape: tuple[int, ...], dtype: Any) -> Callable[[Any, Any], Any]:
    """`run(params, indices)`: GatherNd."""
    depth = indices_shape[-1]
    rows = int(np.prod(indices_shape[:-1], dtype=np.int64))
    return gather_rows_runner(params_shape, 0, depth, rows, out_shape, dtype)


def take_runner(params_shape: tuple[int, ...], indices_shape: tuple[int, ...], axis: int,
                out_shape: tuple[int, ...], dtype: Any) -> Callable[[Any, Any], Any]:
    """`run(params, indices)`: GatherV2 along `axis` (one index per row)."""
    rows = int(np.prod(indices_shape, dtype=np.int64))
    return gather_rows_runner(params_shape, axis, 1, rows, out_shape, dtype)


def scatter_add_runner(out_shape: tuple[int, ...], depth: int, updates_size: int, dtype: Any
                       ) -> Callable[[Any, Any], Any]:
    """`run(indices, updates)`: zeros of `out_shape` with each update slice added at its index
    row (ScatterNd; UnsortedSegmentSum with depth 1)."""
    from .convert import zeros_runner
    from .device import flat
    from .elementwise import launch_config

    dims, inner = _geometry(out_shape, depth)
    zeros = zeros_runner(out_shape, dtype)
    configured = configure(scatter_add_kernel(), *launch_config(updates_size))

    def run(indices: Any, updates: Any) -> Any:
        out = zeros()
        if updates_size:
            configured(flat(updates), flat(indices), dims, depth, inner, flat(out))
        return out

    return run


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_gather_nd(node: Any) -> Callable[[Any, Any], Any]:
    """GatherNd(params, indices)."""
    from .builder_inputs import shape_of

    params, indices = node.in_specs
    return gather_nd_runner(shape_of(params), shape_of(indices), shape_of(node.out_specs[0]),
                            params.dtype.np)


def build_gather(node: Any) -> Callable[..., Any] | None:
    """GatherV2(params, indices, axis): one precomputed gather map when the indices are
    constant, else a gather through the indices at run time."""
    from .builder_inputs import constant_arguments, shape_of
    from .layout import build_layout

    if constant_arguments(node) is not None:
        return build_layout(node)
    params, indices = node.in_specs
    return take_runner(shape_of(params), shape_of(indices), node.attrs.get("axis", 0) % params.rank,
                       shape_of(node.out_specs[0]), params.dtype.np)


def build_scatter_nd(node: Any) -> Callable[..., Any] | None:
    """ScatterNd(indices, updates, shape) (the dtypes with atomic adds)."""
    from .builder_inputs import shape_of

    indices, updates, _ = node.in_specs
    if updates.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(shape_of(node.out_specs[0]), shape_of(indices)[-1],
                             updates.shape.num_elements(), updates.dtype.np)
    return lambda indices, updates, _shape: run(indices, updates)


def build_unsorted_segment_sum(node: Any) -> Callable[..., Any] | None:
    """UnsortedSegmentSum(data, segment_ids, num_segments): a ScatterNd with one index per
    leading position of data."""
    from .builder_inputs import shape_of

    data = node.in_specs[0]
    if data.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(shape_of(node.out_specs[0]), 1, data.shape.num_elements(),
                             data.dtype.np)
    return lambda data, ids, _num: run(ids, data)


def launch_signatures() -> list[Any]:
    """The gather (every dtype) and the atomic scatter-add (`ATOMIC_DTYPES`), with int32 and
    int64 indices."""
    from numba import types

    from .launch_signatures import Launch, array

    index, i64, launches = array("int64"), types.int64, []
    for indices in ("int32", "int64"):
        for dtype in ("float32", "float64", "int32", "int64", "bool"):
            launches.append(Launch(f"gather_nd-{indices}-{dtype}", gather_nd_kernel().py_func,
                                   (array(dtype), array(indices), index, *(i64,) * 4, array(dtype),
                                    array(dtype))))
        launches += [Launch(f"scatter_add_nd-{indices}-{dtype}", scatter_add_kernel().py_func,
                            (array(dtype), array(indices), index, i64, i64, array(dtype)))
                     for dtype in ATOMIC_DTYPES]
    return launches
