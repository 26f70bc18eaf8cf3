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


# ---- kernel builders (named by the ops: `OpDef.kernels["cuda"]`) ----------------------------------

def build_cast(node: Any) -> Callable[..., Any] | None:
    """Cast: converted on store; into bool as `x != 0`, as TF."""
    from .builder_inputs import shape_of

    pair = (node.in_specs[0].dtype.name, node.out_specs[0].dtype.name)
    if pair[1] == "bool" and pair[0] != "bool":
        return _nonzero(node)
    if pair not in PAIRS:
        return None
    return convert_runner(shape_of(node.out_specs[0]), node.out_specs[0].dtype.np)


def _nonzero(node: Any) -> Callable[[Any], Any]:
    """A cast to bool: x != 0 (one program against an uploaded zero)."""
    from graphflow.compiler.fused_op import single_row

    from .builder_inputs import shape_of
    from .device import to_device
    from .elementwise import program_runner

    spec = node.in_specs[0]
    compare = program_runner(single_row("NotEqual", (shape_of(spec), ()),
                                        (spec.dtype.name, spec.dtype.name), "bool"))
    zero = to_device(np.zeros((), spec.dtype.np))
    return lambda x: compare(x, zero)


def build_fill(node: Any) -> Callable[..., Any]:
    """Fill(dims, value): the one-element value repeated."""
    from .builder_inputs import shape_of

    run = convert_runner(shape_of(node.out_specs[0]), node.out_specs[0].dtype.np)
    return lambda dims, value: run(value)


def build_fill_like(node: Any) -> Callable[..., Any]:
    """ZerosLike, OnesLike: the op's constant (`opdef.fill`) repeated, uploaded once."""
    from .builder_inputs import shape_of
    from .device import to_device

    spec = node.out_specs[0]
    value = to_device(np.full(1, node.opdef.fill, spec.dtype.np))
    run = convert_runner(shape_of(spec), spec.dtype.np)
    return lambda x: run(value)


def launch_signatures() -> list[Any]:
    """The conversion kernel for every (source, destination) dtype pair in `PAIRS`."""
    from .launch_signatures import Launch, array

    return [Launch(f"convert-{source}-{dest}", convert_kernel().py_func, (array(source), array(dest)))
            for source, dest in PAIRS]
