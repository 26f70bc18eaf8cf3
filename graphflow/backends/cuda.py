"""The CUDA backend: every node of a plan becomes a function of device arrays.

A plan on this backend keeps its values on the device: constants are copied there when the plan
is built, feeds once per run on entry, fetches come back once on exit, and variables live there
between runs (`SessionState` stores device arrays). Each builder (`cuda_builders` for stateless
ops, this module for variables and random numbers) configures its kernels' launches and uploads
any index maps when the plan is built, so a run only launches. Integer arguments that fix
shapes and are computed at run time are read on the host and the kernel specialized per value.

Ops that TF1 also keeps in host memory (shape metadata, variable bookkeeping, strings) run on
the host. Any other op without a device kernel for its variant also runs on the host, through
its CPU kernel with its inputs copied down and its outputs copied up: that round trip is logged
once per op type and listed by `ExecutionPlan.host_nodes`, and the conformance suite fails for
any op that takes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow import logging
from graphflow.compiler.fused_op import single_row
from graphflow.compiler.ir import Node
from graphflow.ops.elementwise import ELEMENTWISE

from .cuda_builders import BUILDERS, VALUE_SHAPED, Kernel, row_kernel, shape_of, shapes_known

#: Ops whose values TF1 also keeps in host memory: they run on the host without a warning.
HOST_MEMORY_OPS = frozenset({"Shape", "Size", "Rank", "ReducedShape", "IsVariableInitialized",
                             "ReportUninitializedVariables", "InvertPermutation"})

_logged: set[str] = set()


# ---- variables ------------------------------------------------------------------------------

def _assign(node: Node, state: Any) -> Kernel:
    """`ref = value`: the device array becomes the variable's value (values are never written
    in place, so no copy is needed)."""
    from graphflow.ops.state import assign_shape_mismatch

    store, name, op = state.variables, node.ref_vars[0], node.op
    var_shape = node.in_specs[0].shape
    validate = node.attrs.get("validate_shape", True)

    def assign(value: Any) -> Any:
        if validate and not var_shape.is_compatible_with(value.shape):
            raise assign_shape_mismatch(op, var_shape, value.shape)
        store[name] = value
        return value

    return assign


def _assign_update(node: Node, state: Any) -> Kernel:
    """`ref += value` / `ref -= value` as a one-step program on the stored value (built for
    the variable's shape on first use)."""
    from graphflow.cuda.elementwise import program_runner
    from graphflow.ops.state import uninitialized, update_shape_mismatch

    store, name, op = state.variables, node.ref_vars[0], node.op
    row, dtype = {"AssignAdd": "Add", "AssignSub": "Sub"}[node.type], node.in_specs[0].dtype.name
    programs: dict[tuple[int, ...], Kernel] = {}

    def update(value: Any) -> Any:
        try:
            current = store[name]
        except KeyError:
            raise uninitialized(name, op) from None
        shape = tuple(current.shape)
        if shape != tuple(value.shape):
            raise update_shape_mismatch(op, shape, value.shape)
        combine = programs.get(shape)
        if combine is None:
            combine = programs[shape] = program_runner(
                single_row(row, (shape, shape), (dtype, dtype), dtype))
        new = store[name] = combine(current, value)
        return new

    return update


def _random(node: Node, state: Any) -> Kernel | None:
    """A random op: its session stream (shared with the CPU kernel: same numbers) drawn on the
    device."""
    from graphflow.cuda.random import DTYPES, random_runner
    from graphflow.ops.random import session_stream

    spec, distribution = node.out_specs[0], node.opdef.distribution
    if shape_of(spec) is None or spec.dtype.name not in DTYPES[distribution]:
        return None
    stream = session_stream(node, state)
    run = random_runner(distribution, shape_of(spec), spec.dtype.np)
    if distribution != "uniform_int":
        return lambda _shape: run(stream)

    def uniform_int(_shape: Any, minval: Any, maxval: Any) -> Any:
        # the bounds are checked on the host, as TF1 keeps them in host memory
        from graphflow.cuda.device import to_host
        from graphflow.ops.random import checked_bounds

        checked_bounds(to_host(minval), to_host(maxval))
        return run(stream, minval, maxval)

    return uniform_int


STATEFUL_BUILDERS: dict[str, Callable[[Node, Any], Kernel | None]] = {
    # reads of the store: its values are device arrays already
    "VariableV2": lambda node, state: node.opdef.bind(node, state),
    "InitializedValueOrDefault": lambda node, state: node.opdef.bind(node, state),
    "Assign": _assign, "AssignAdd": _assign_update, "AssignSub": _assign_update,
    **dict.fromkeys(("RandomUniform", "RandomStandardNormal", "TruncatedNormal",
                     "RandomUniformInt"), _random),
}


# ---- integer arguments computed at run time -------------------------------------------------------

#: Integer inputs that fix an op's output shape or index maps (shapes, sizes, paddings, axes,
#: slice bounds), by op: TF1 keeps them in host memory (HostMemory in its GPU kernels).
HOST_ARGUMENTS: dict[str, tuple[int, ...]] = {
    "Reshape": (1,), "BroadcastTo": (1,), "Fill": (0,), "Pad": (1,), "Slice": (1, 2),
    "StridedSlice": (1, 2, 3), "StridedSliceGrad": (0, 1, 2, 3), "Tile": (1,), "Transpose": (1,),
    "ReverseV2": (1,), "SplitV": (1,), "SumToShape": (1,), "OneHot": (1,),
    "ExpandDims": (1,), "Conv2DBackpropInput": (0,), "Conv2DBackpropFilter": (1,),
    "DepthwiseConv2dNativeBackpropInput": (0,), "DepthwiseConv2dNativeBackpropFilter": (1,),
    "AvgPoolGrad": (0,), "MirrorPadGrad": (1,), "ResizeBilinear": (1,),
    "ResizeNearestNeighbor": (1,), "ResizeNearestNeighborGrad": (1,),
    "ImageProjectiveTransformV2": (2,), "ScatterNd": (2,), "UnsortedSegmentSum": (2,),
}
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

    positions = HOST_ARGUMENTS.get(node.type, ())
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
    """The device kernel of `node`, or None when it has none (it then runs on the host)."""
    if node.stateful:
        builder = STATEFUL_BUILDERS.get(node.type)
        return None if builder is None else builder(node, state)
    if node.type in VALUE_SHAPED:
        known = all(shape_of(s) is not None for s in node.in_specs)
        return VALUE_SHAPED[node.type](node) if known else None
    if not shapes_known(node):
        return None
    if node.type in ELEMENTWISE:
        return row_kernel(node)
    builder = BUILDERS.get(node.type)
    return None if builder is None else builder(node)


def host_kernel(node: Node, state: Any, pinned: bool = False) -> Kernel:
    """The CPU kernel of `node` between copies: inputs down to the host, outputs up (`pinned`:
    placed there by `tf.device`, not for want of a device kernel: no warning)."""
    from graphflow.cuda.device import to_device, to_host

    from . import kernel_for

    kernel = kernel_for(node, "cpu", state)
    if not pinned and node.type not in HOST_MEMORY_OPS and node.type not in _logged:
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
    kernel = device_kernel(node, state) or _specializing(node, state, host_nodes)
    if kernel is not None:
        return kernel, True
    return host_kernel(node, state), False
