"""`_Conv2DBackprops` on the GPU (ops/conv_backprops.py): the device's Conv2DBackpropInput and
Conv2DBackpropFilter kernels (cuda/conv.py) on the same output gradient, so the values are the
unfused ones; sharing the output gradient's transform is a CPU saving (the CPU's convolutions of
this shape run by transforms, the device's do not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def build_conv2d_backprops(node: Any) -> Callable[..., Any] | None:
    """`_Conv2DBackprops(x, f, dy)` -> (input gradient, filter gradient), NHWC.

    Returns:
        The kernel, or None (the node runs on the host) for unknown shapes or non-floats.
    """
    from .builder_inputs import shape_of
    from .conv import conv2d_filter_grad_runner, conv2d_input_grad_runner

    x_shape, f_shape = shape_of(node.in_specs[0]), shape_of(node.in_specs[1])
    dtype = node.out_specs[0].dtype
    if x_shape is None or f_shape is None or dtype.np.kind != "f" \
            or node.attrs.get("data_format", "NHWC") != "NHWC":
        return None
    input_grad = conv2d_input_grad_runner(x_shape, f_shape, dtype.np, node.attrs)
    filter_grad = conv2d_filter_grad_runner(x_shape, f_shape, dtype.np, node.attrs)
    return lambda x, f, dy: (input_grad(None, f, dy), filter_grad(x, None, dy))
