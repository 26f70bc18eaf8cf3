"""`_BiasReluMaxPool` on the GPU (ops/bias_relu_pool.py): the fused elementwise loop of
`relu(z + bias)` (the very program the compiler replaced) and the device's MaxPool
(cuda/pool.py), two launches of kernels that already exist, so the values are the unfused ones.
The one-pass kernel is the CPU's, where the saved trip through memory is what counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def build_bias_relu_max_pool(node: Any) -> Callable[..., Any] | None:
    """`_BiasReluMaxPool(z, bias)` -> (relu(z + bias), its max pool).

    Returns:
        The kernel, or None (the node runs on the host) for unknown shapes or non-floats.
    """
    from graphflow.compiler.fused_op import Program

    from .builder_inputs import shape_of
    from .elementwise import program_runner
    from .pool import max_pool_runner

    z_shape, bias_shape = shape_of(node.in_specs[0]), shape_of(node.in_specs[1])
    dtype = node.out_specs[0].dtype
    if z_shape is None or bias_shape is None or dtype.np.kind != "f" \
            or node.attrs.get("data_format", "NHWC") != "NHWC":
        return None
    name = dtype.name
    program = Program(steps=(("Add", (("in", 0), ("in", 1))), ("Relu", (("step", 0),))),
                      outputs=(1,), shape=z_shape, in_shapes=(z_shape, bias_shape),
                      in_dtypes=(name, name), out_dtypes=(name,))
    relu = program_runner(program)
    pool = max_pool_runner(z_shape, dtype.np, node.attrs)

    def run(z: Any, bias: Any) -> tuple[Any, Any]:
        r = relu(z, bias)
        return r, pool(r)

    return run
