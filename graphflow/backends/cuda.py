"""The CUDA backend: every node of a plan becomes a function of device arrays.

A plan on this backend keeps its values on the device: constants are copied there when the plan
is built, feeds once per run on entry, fetches come back once on exit, and variables live there
between runs (`BackendState` stores device arrays). Each op names its CUDA kernel builder in its
own definition (`OpDef.kernels["cuda"]`, resolved on first use); a builder configures its
kernels' launches and uploads any index maps when the plan is built, so a run only launches.
Integer arguments that fix shapes and are computed at run time (`OpDef.host_arguments`) are
read on the host and the kernel specialized per value.

Ops that TF1 also keeps in host memory (`OpDef.host_memory`: shape metadata, variable
bookkeeping) run on the host. Any other op without a device kernel for its variant also runs on
the host, through its CPU kernel with its inputs copied down and its outputs copied up: that
round trip is logged once per op type and listed by `ExecutionPlan.host_nodes`, and the
conformance suite fails for any op that takes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphflow import logging
from graphflow.compiler.ir import Node
from graphflow.cuda.builder_inputs import Kernel, shape_of, shapes_known

_logged: set[str] = set()

# ---- integer arguments computed at run time -------------------------------------------------------

#: Distinct argument values kept per node (a loop feeding ever new sizes must not grow memory).
MAX_SPECIALIZATIONS = 64


def _with_arguments(node: Node, positions: tuple[int, ...], values: list[np.ndarray]) -> Node:
    """`node` with its arguments at `positions` replaced by constants of `values`, its output
    specs inferred again (now static)."""
    from graphflow.compiler.fold import const_node
    from graphflow.framework.tensor_shape import TensorShape
    from graphflow.ops.registry import Spec

    inputs, in_specs = list(node.inputs), list(node.in_specs)
    for k, value in zip(positions, values):
        constant = const_node(f"{node.name}/argument{k}", value,
                              Spec(TensorShape(value.shape), in_specs[k].dtype))
        inputs[k], in_specs[k] = (constant, 0), constant.out_specs[0]
    out_specs = node.opdef.infer(in_specs, node.attrs)
    return node.replace(inputs=tuple(inputs), in_specs=tuple(in_specs), out_specs=tuple(out_specs))


def _specializing(node: Node, state: Any, host_nodes: list[Node]) -> Kernel | None:
    """For an op whose integer arguments are computed at run time: reads them on the host (a
    copy of a few integers when they were computed on the device; none when they come from
    host-memory ops such as Shape), then runs the device kernel built for those values, cached
    per value. Values that the device kernels do not cover run on the host and put the node in
    `host_nodes`."""
    from graphflow.cuda.device import to_host

    positions = node.opdef.host_arguments
    if not positions or any(node.inputs[k][0].is_const for k in positions) or any(
            shape_of(s) is None for k, s in enumerate(node.in_specs) if k not in positions):
        return None
    if not all(node.in_specs[k].dtype.is_integer for k in positions):
        return None
    kernels: dict[Any, Kernel] = {}

    def run(*inputs: Any) -> Any:
        values = [np.asarray(to_host(inputs[k])) for k in positions]
        key = tuple((v.dtype.str, v.shape, v.tobytes()) for v in values)
        kernel = kernels.get(key)
        if kernel is None:
            if len(kernels) >= MAX_SPECIALIZATIONS:
                kernels.clear()
            specialized = _with_arguments(node, positions, values)
            kernel = device_kernel(specialized, state)
            if kernel is None:
                kernel = host_kernel(specialized, state)
                if node not in host_nodes:
                    host_nodes.append(node)
            kernels[key] = kernel
        return kernel(*inputs)

    return run


# ---- dispatch ----------------------------------------------------------------------------------

def device_kernel(node: Node, state: Any) -> Kernel | None:
    """The device kernel of `node` from the builder its op declares, or None when it has none
    (it then runs on the host). Stateful builders also take the session state; the others need
    static shapes (only the inputs' for a value-shaped op such as Range)."""
    build = node.opdef.kernel_builder("cuda")
    if build is None:
        return None
    if node.stateful:
        return build(node, state)
    if not shapes_known(node, outputs=not node.opdef.value_shaped):
        return None
    return build(node)


def host_kernel(node: Node, state: Any, pinned: bool = False) -> Kernel:
    """The CPU kernel of `node` between copies: inputs down to the host, outputs up (`pinned`:
    placed there by `tf.device`, not for want of a device kernel: no warning)."""
    from graphflow.cuda.device import to_device, to_host

    from .cpu import cpu_kernel

    kernel = cpu_kernel(node, state)
    if not pinned and not node.opdef.host_memory and node.type not in _logged:
        _logged.add(node.type)
        logging.warning("graphflow: %s has no CUDA kernel yet; it runs on the host, its "
                        "inputs and outputs copied between host and device", node.type)
    several = len(node.out_specs) > 1 or node.opdef.list_output

    def run(*inputs: Any) -> Any:
        out = kernel(*(to_host(x) for x in inputs))
        return tuple(to_device(o) for o in out) if several else to_device(out)

    return run


def cuda_kernel(node: Node, state: Any, host_nodes: list[Node]) -> tuple[Kernel, bool]:
    """(kernel, runs on the device) for `node` on the CUDA backend (`host_nodes`: the plan's
    list of nodes found to run on the host at run time)."""
    specs = (*node.in_specs, *node.out_specs)
    if any(s.dtype.name == "variant" for s in specs):
        # list values: a host container of device arrays; their ops keep elements on the device
        # whatever the shapes (graphflow.cuda.tensor_list), and so do loops and branches carrying
        # them; other ops pass them on the host
        build = node.opdef.kernel_builder("cuda")
        if build is not None:
            return (build(node, state) if node.stateful else build(node)), True
        return host_kernel(node, state, pinned=True), False
    if not node.opdef.takes_host_objects and any(s.dtype.np.kind == "O" for s in specs):
        return host_kernel(node, state, pinned=True), False  # strings live in host memory (TF1)
    kernel = device_kernel(node, state) or _specializing(node, state, host_nodes)
    if kernel is not None:
        return kernel, True
    return host_kernel(node, state), False
