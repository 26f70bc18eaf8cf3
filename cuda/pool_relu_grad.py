"""`_MaxPoolReluGrad` on the GPU (ops/pool_relu_grad.py): the device's MaxPoolGrad
(cuda/pool.py), then ReluGrad's elementwise row, then, for the bias gradient, a sum over
(N, H, W): three launches of kernels that already exist, so the CUDA backend runs the fused node
with the same numerics as the unfused ops. On a GPU the three passes cost a few microseconds at
these sizes; the CPU, where memory traffic is what the fusion saves, has a one-pass kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def build_max_pool_relu_grad(node: Any) -> Callable[..., Any] | None:
    """`_MaxPoolReluGrad(x, y, dy)` -> dx, or (dx, bias gradient) with attr bias_gradient.

    Returns:
        The kernel, or None (the node runs on the host) for unknown shapes or non-floats.
    """
    from graphflow.compiler.fused_op import single_row

    from .builder_inputs import shape_of
    from .elementwise import program_runner
    from .pool import max_pool_grad_runner
    from .reduce import reduce_runner

    x_shape = shape_of(node.in_specs[0])
    dtype = node.out_specs[0].dtype
    if x_shape is None or dtype.np.kind != "f" or node.attrs.get("data_format", "NHWC") != "NHWC":
        return None
    pool_grad = max_pool_grad_runner(x_shape, dtype.np, node.attrs)
    mask = program_runner(single_row("ReluGrad", (x_shape, x_shape), (dtype.name, dtype.name),
                                     dtype.name))
    if not node.attrs.get("bias_gradient"):
        return lambda x, y, dy: mask(pool_grad(x, y, dy), x)
    channel_sum = reduce_runner(x_shape, [0, 1, 2], "sum", dtype.np, dtype.np, (x_shape[3],))

    def run(x: Any, y: Any, dy: Any) -> tuple[Any, Any]:
        dx = mask(pool_grad(x, y, dy), x)
        return dx, channel_sum(dx)

    return run
