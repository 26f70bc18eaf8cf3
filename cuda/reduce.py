"""Reductions on the GPU over a contiguous run of axes: the input viewed as
[outer, reduced, inner], one thread per output element (outer x inner), the reduced axis
walked with stride `inner` so neighbouring threads read neighbouring addresses. Reducing
non-adjacent axes takes a transpose first (`geometry` says when).

A long reduction into few outputs (a loss, a norm, a batch-norm mean over N*H*W) would leave
most of the GPU idle with one thread per output, so it runs in two passes: the reduced axis is
cut into chunks reduced by their own threads into partials [outer, chunks, inner], which the
second pass reduces (a mean's partials are sums, divided by the full length at the end).
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
        from .gather import layout_runner

        perm = [d for d in range(ndim) if d not in axes] + axes
        transpose = layout_runner(lambda attrs, x: np.transpose(x, perm), None, shape, dtype, ())
        shape, axes = tuple(shape[d] for d in perm), list(range(ndim - len(axes), ndim))
    outer, r, inner = geometry(shape, axes)
    if r == 0 and outer * inner:
        raise ValueError("reductions over empty axes need an initial value")
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


def reduce(x: np.ndarray, axes: Sequence[int], op: str, out_dtype: Any = None,
           threads: int = 256) -> np.ndarray:
    """The reduction of host array `x` over `axes` on the device (tests)."""
    from .device import to_device

    kept = tuple(d for i, d in enumerate(x.shape) if i not in {a % x.ndim for a in axes})
    run = reduce_runner(x.shape, axes, op, x.dtype, np.dtype(out_dtype or x.dtype), kept, threads)
    return run(to_device(x)).copy_to_host()
