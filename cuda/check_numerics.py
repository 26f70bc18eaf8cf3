"""CheckNumerics on the GPU: whether every element is finite is computed on the device (an
IsFinite program and an `all` reduction); one boolean comes back per run, as with TF1's GPU
kernel. Only a failing tensor is copied to the host, where the op's own check names the fault."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def build_check_numerics(node: Any, state: Any) -> Callable[[Any], Any] | None:
    """CheckNumerics(x) (stateful: its failure is an effect): x itself, or the op's
    InvalidArgumentError naming NaN or Inf."""
    from graphflow.compiler.fused_op import single_row

    from .builder_inputs import shape_of
    from .device import to_host
    from .elementwise import program_runner
    from .reduce import reduce_runner

    spec = node.in_specs[0]
    shape = shape_of(spec)
    if shape is None or spec.dtype.np.kind != "f":
        return None
    size = int(np.prod(shape, dtype=np.int64))
    if not size:
        return lambda x: x
    finite = program_runner(single_row("IsFinite", ((size,),), (spec.dtype.name,), "bool"))
    every = reduce_runner((size,), [0], "all", np.bool_, np.bool_, ())
    host_check = node.opdef.bind(node, state)

    def check(x: Any) -> Any:
        if not bool(to_host(every(finite(x.reshape(size))))):
            host_check(to_host(x))  # raises, naming NaN or Inf as the CPU kernel does
        return x

    return check
