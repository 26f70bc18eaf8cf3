"""Reductions on the GPU over a contiguous run of axes: the input viewed as
[outer, reduced, inner], one thread per output element (outer x inner), the reduced axis
walked with stride `inner` so neighbouring threads read neighbouring addresses. Reducing
non-adjacent axes takes a transpose first (`geometry` says when).

A long reduction into few outputs (a loss, a norm, a batch-norm mean over N*H*W) would leave
most of the GPU idle with one thread per output, so it runs in two passes: the reduced axis is
cut into chunks reduced by their own threads into partials [outer, chunks, inner], which the
second pass reduces (a mean's partials are sums, divided by the full length at the end).

A reduction over an empty axis fills its outputs on the device with the op's identity, the
value the op's definition gives (`empty_value` in graphflow.ops.reduce: TF1's -inf, +inf, 1,
0, NaN, the dtype's lowest or highest integer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .kernel_cache import cached_kernel, configure

#: op -> (first-element initialization, combine(acc, v), finish(acc, count))
OPS = {"sum": ("acc = v", "acc = acc + v", "acc"),
       "mean": ("acc = v", "acc = acc + v", "acc / count"),
       "prod": ("acc = v", "acc = acc * v", "acc"),
       "max": ("acc = v", "acc = v if (v > acc or v != v) else acc", "acc"),
       "min": ("acc = v", "acc = v if (v < acc or v != v) else acc", "acc"),
       "any": ("acc = v", "acc = acc or v", "acc"),
       "all": ("acc = v", "acc = acc and v", "acc"),
       # the position of the first maximum (minimum); a NaN wins, as in numpy
       "argmax": ("acc = v; best = 0",
                  "if (v > acc or v != v) and acc == acc: acc = v; best = j", "best"),
       "argmin": ("acc = v; best = 0",
                  "if (v < acc or v != v) and acc == acc: acc = v; best = j", "best")}

#: Reductions that split: their partials combine by the op itself (a mean's partials are sums,
#: and its second pass divides by the full length). Argmax/argmin are never split.
SPLITTABLE = frozenset({"sum", "mean", "prod", "max", "min", "any", "all"})
#: Split when the outputs are fewer than SPLIT_OUTPUTS and the reduced axis is at least
#: SPLIT_LENGTH long, into chunks of at least MIN_CHUNK aiming at TARGET_THREADS threads.
SPLIT_OUTPUTS, SPLIT_LENGTH, MIN_CHUNK, TARGET_THREADS = 4096, 2048, 256, 16384

# One thread per output o of `outer * splits * inner`: it reduces elements
# [s * chunk, min((s + 1) * chunk, r)) of its row; without a split, splits = 1 and chunk = r.
_TEMPLATE = '''
from numba import cuda


@cuda.jit
def kernel(x, out, outer, r, inner, splits, chunk, count):
    for o in range(cuda.grid(1), outer * splits * inner, cuda.gridsize(1)):
        start = ((o // inner) % splits) * chunk
        stop = min(start + chunk, r)
        base = (o // (inner * splits)) * r * inner + o % inner
        v = x[base + start * inner]
        {init}
        for j in range(start + 1, stop):
            v = x[base + j * inner]
            {combine}
        out[o] = {finish}
'''


def kernel_source(op: str, partial: bool = False) -> str:
    init, combine, finish = OPS[op]
    if partial:
        finish = "acc"  # partials are combined by the second pass
    return _TEMPLATE.format(init=init, combine=combine.replace("best = j", "best = j - start"),
                            finish=finish)


def reduce_kernel(op: str, partial: bool = False) -> Any:
    """The compiled kernel of reduction `op` (numba specializes it per dtype); `partial`: the
    first pass of a split reduction (no finishing division)."""
    return cached_kernel(("reduce", op, partial), lambda: kernel_source(op, partial),
                         f"cuda_reduce_{op}")


def split(outer: int, r: int, inner: int, op: str) -> tuple[int, int]:
    """(splits, chunk) of the reduced axis: (1, r) unless the reduction is long and narrow."""
    if op not in SPLITTABLE or outer * inner >= SPLIT_OUTPUTS or r < SPLIT_LENGTH:
        return 1, r
    splits = max(1, min(r // MIN_CHUNK, -(-TARGET_THREADS // (outer * inner))))
    chunk = -(-r // splits)
    return -(-r // chunk), chunk


def geometry(shape: Sequence[int], axes: Sequence[int]) -> tuple[int, int, int] | None:
    """(outer, reduced, inner) sizes when `axes` are adjacent, else None (transpose first)."""
    axes = sorted(a % len(shape) for a in axes) if shape else []
    if axes and axes != list(range(axes[0], axes[-1] + 1)):
        return None
    if not axes:
        return int(np.prod(shape, dtype=np.int64)), 1, 1
    prod = lambda dims: int(np.prod(dims, dtype=np.int64))  # noqa: E731
    return prod(shape[:axes[0]]), prod(shape[axes[0]:axes[-1] + 1]), prod(shape[axes[-1] + 1:])


def reduce_runner(shape: tuple[int, ...], axes: Sequence[int], op: str, dtype: Any,
                  out_dtype: Any, out_shape: tuple[int, ...], threads: int = 256
                  ) -> Callable[[Any], Any]:
    """`run(x)`: the reduction `op` of a device array of `shape` over `axes` into a fresh
    device array of `out_shape` (the kept dimensions, with or without keepdims' ones).
    Non-adjacent axes are moved last by a transpose (a gather) first."""
    from .device import empty, flat
    from .elementwise import launch_config

    ndim = len(shape)
    axes = sorted({a % ndim for a in axes}) if ndim else []
    transpose = None
    if geometry(shape, axes) is None:
        from .layout import layout_runner

        perm = [d for d in range(ndim) if d not in axes] + axes
        transpose = layout_runner(lambda attrs, x: np.transpose(x, perm), None, shape, dtype, ())
        shape, axes = tuple(shape[d] for d in perm), list(range(ndim - len(axes), ndim))
    outer, r, inner = geometry(shape, axes)
    if r == 0 and outer * inner:
        return _identity_runner(op, dtype, out_dtype, out_shape)
    splits, chunk = split(outer, r, inner, op)
    if splits == 1:
        configured = configure(reduce_kernel(op), *launch_config(outer * inner, threads))
    else:
        first = configure(reduce_kernel(op, partial=True),
                          *launch_config(outer * splits * inner, threads))
        second = configure(reduce_kernel(op), *launch_config(outer * inner, threads))
        partial_dtype = out_dtype if op == "mean" else dtype

    def run(x: Any) -> Any:
        if transpose is not None:
            x = transpose(x)
        out = empty(out_shape, out_dtype)
        if not outer * inner:
            return out
        if splits == 1:
            configured(flat(x), flat(out), outer, r, inner, 1, r, r)
        else:
            partials = empty((outer * splits * inner,), partial_dtype)
            first(flat(x), partials, outer, r, inner, splits, chunk, r)
            second(partials, flat(out), outer, splits, inner, 1, splits, r)
        return out

    return run


def _identity_runner(op: str, dtype: Any, out_dtype: Any, out_shape: tuple[int, ...]
                     ) -> Callable[[Any], Any]:
    """`run(x)` for a reduction of no elements: `out_shape` filled with the op's identity for
    inputs of `dtype` (e.g. Max of float32 -> -inf, Mean of int32 -> 0), uploaded once."""
    from graphflow.ops.registry import REGISTRY

    from .convert import convert_runner
    from .device import to_device

    identity = REGISTRY[op.capitalize()].empty_value(np.dtype(dtype))
    value = to_device(np.full(1, identity, np.dtype(out_dtype)))
    fill = convert_runner(out_shape, out_dtype)
    return lambda x: fill(value)


def reduce(x: np.ndarray, axes: Sequence[int], op: str, out_dtype: Any = None,
           threads: int = 256) -> np.ndarray:
    """The reduction of host array `x` over `axes` on the device (tests)."""
    from .device import to_device

    kept = tuple(d for i, d in enumerate(x.shape) if i not in {a % x.ndim for a in axes})
    run = reduce_runner(x.shape, axes, op, x.dtype, np.dtype(out_dtype or x.dtype), kept, threads)
    return run(to_device(x)).copy_to_host()


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_reduction(node: Any) -> Callable[[Any], Any] | None:
    """Sum, Mean, Prod, Max, Min, Any, All over the node's `axis` attribute."""
    from graphflow.ops._rules import normalize_axes

    from .builder_inputs import shape_of

    x, out = node.in_specs[0], node.out_specs[0]
    shape = shape_of(x)
    axes = normalize_axes(node.attrs.get("axis"), len(shape))
    return reduce_runner(shape, axes, node.type.lower(), x.dtype.np, out.dtype.np, shape_of(out))


def build_sum_to_shape(node: Any) -> Callable[..., Any]:
    """SumToShape, the gradient of broadcasting: a sum over the broadcast axes, reshaped."""
    from .builder_inputs import shape_of

    shape, target = shape_of(node.in_specs[0]), shape_of(node.out_specs[0])
    lead = len(shape) - len(target)
    axes = list(range(lead)) + [lead + j for j, d in enumerate(target)
                                if d == 1 and shape[lead + j] != 1]
    run = reduce_runner(shape, axes, "sum", node.in_specs[0].dtype.np,
                        node.out_specs[0].dtype.np, target)
    return lambda dy, *_: run(dy)


def build_arg_reduction(node: Any) -> Callable[[Any], Any] | None:
    """ArgMax, ArgMin over a non-empty axis of a numeric input."""
    from .builder_inputs import shape_of

    x, out = node.in_specs[0], node.out_specs[0]
    shape = shape_of(x)
    if x.dtype.np.kind not in "fiu" or 0 in shape:
        return None
    return reduce_runner(shape, [node.attrs["axis"]], node.type.lower(), x.dtype.np,
                         out.dtype.np, shape_of(out))


# ---- signatures for the PTX check ---------------------------------------------------------------

#: The reductions and the dtypes they are launched with.
LAUNCHED_DTYPES = {"sum": ("float32", "float64", "int32", "int64"), "mean": ("float32", "float64"),
                   "prod": ("float32", "float64"), "max": ("float32", "float64", "int32", "int64"),
                   "min": ("float32", "float64", "int32", "int64"), "any": ("bool",),
                   "all": ("bool",)}


def launch_signatures() -> list[Any]:
    """Every reduction in its launched dtypes, in one pass and as split reductions' first pass,
    and argmax/argmin from every numeric dtype to int32 and int64."""
    from numba import types

    from .launch_signatures import Launch, array

    sizes = (types.int64,) * 6
    launches = [Launch(f"reduce-{op}-{dtype}" + ("-partial" if partial else ""),
                       reduce_kernel(op, partial).py_func, (array(dtype), array(dtype)) + sizes)
                for op, dtypes in LAUNCHED_DTYPES.items() for dtype in dtypes
                for partial in (False, True)]
    launches += [Launch(f"reduce-{op}-{dtype}-{index}", reduce_kernel(op).py_func,
                        (array(dtype), array(index)) + sizes)
                 for op in ("argmax", "argmin") for dtype in ("float32", "float64", "int32", "int64")
                 for index in ("int32", "int64")]
    return launches
