"""The CUDA backend: every node of a plan becomes a function of device arrays.

A plan on this backend keeps its values on the device: constants are copied there when the plan
is built, feeds once per run on entry, fetches come back once on exit, and variables live there
between runs (`SessionState` stores device arrays). Each builder below configures its kernels'
launches and uploads any index maps when the plan is built, so a run only launches.

Ops that TF1 also keeps in host memory (shape metadata, variable bookkeeping, strings) run on
the host. An op with no CUDA kernel yet also runs on the host, through its CPU kernel with its
inputs copied down and its outputs copied up: that round trip is logged once per op type and
listed by `ExecutionPlan.host_nodes`, and the conformance suite fails for any op that takes it
unexpectedly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow import logging
from graphflow.compiler.fused_op import Program, single_row
from graphflow.compiler.ir import Node
from graphflow.ops.elementwise import ELEMENTWISE

Kernel = Callable[..., Any]

#: Ops whose values TF1 also keeps in host memory: they run on the host without a warning.
HOST_MEMORY_OPS = frozenset({"Shape", "Size", "Rank", "IsVariableInitialized",
                             "ReportUninitializedVariables", "InvertPermutation"})

_logged: set[str] = set()


def _shape(spec: Any) -> tuple[int, ...] | None:
    from graphflow.cuda.device import static_shape

    return static_shape(spec)


def _static_inputs(node: Node) -> list[np.ndarray] | None:
    """The values of inputs 1.. when they are all constants (axes, shapes, indices), else None."""
    values = []
    for source, _ in node.inputs[1:]:
        if not source.is_const:
            return None
        values.append(np.asarray(source.attrs["value"]))
    return values


def _shapes_known(node: Node) -> bool:
    return all(_shape(s) is not None for s in (*node.in_specs, *node.out_specs))


# ---- builders: node -> kernel of device arrays, or None when this variant has none ------------

def _program(node: Node) -> Kernel:
    from graphflow.cuda.elementwise import program_runner

    return program_runner(node.attrs["program"])


def _row(node: Node) -> Kernel:
    """A single elementwise op."""
    from graphflow.cuda.elementwise import program_runner

    return program_runner(single_row(node.type, tuple(_shape(s) for s in node.in_specs),
                                     tuple(s.dtype.name for s in node.in_specs),
                                     node.out_specs[0].dtype.name))


def _add_n(node: Node) -> Kernel:
    from graphflow.cuda.elementwise import program_runner

    if len(node.inputs) == 1:
        return lambda x: x
    steps = [("Add", (("in", 0), ("in", 1)))]
    steps += [("Add", (("step", k - 2), ("in", k))) for k in range(2, len(node.inputs))]
    spec = node.out_specs[0]
    program = Program(steps=tuple(steps), outputs=(len(steps) - 1,), shape=_shape(spec),
                      in_shapes=(_shape(spec),) * len(node.inputs),
                      in_dtypes=(spec.dtype.name,) * len(node.inputs), out_dtypes=(spec.dtype.name,))
    return program_runner(program)


def _passthrough(node: Node) -> Kernel:
    return lambda x, *_: x


def _reshape(node: Node) -> Kernel:
    """Reshape, ExpandDims, Squeeze, RestoreReducedDims: a view of the contiguous array."""
    shape = _shape(node.out_specs[0])
    return lambda x, *_: x.reshape(shape)


def _layout(node: Node) -> Kernel | None:
    from graphflow.cuda.gather import layout_runner

    static = _static_inputs(node)
    if static is None:
        return None
    run = layout_runner(node.opdef.reference, node.attrs, _shape(node.in_specs[0]),
                        node.in_specs[0].dtype.np, static)
    return lambda x, *_: run(x)


def _matmul(node: Node) -> Kernel | None:
    from graphflow.cuda.gemm import matmul_runner

    a, b = node.in_specs
    if a.dtype.np.kind != "f":
        return None
    opdef = node.opdef
    return matmul_runner(_shape(a), _shape(b), a.dtype.np, bool(node.attrs.get(opdef.a_attr)),
                         bool(node.attrs.get(opdef.b_attr)))


def _reduction(node: Node) -> Kernel | None:
    from graphflow.cuda.reduce import reduce_runner
    from graphflow.ops._rules import normalize_axes

    x, out = node.in_specs[0], node.out_specs[0]
    shape = _shape(x)
    axes = normalize_axes(node.attrs.get("axis"), len(shape))
    if any(shape[a] == 0 for a in axes) and out.shape.num_elements():
        return None  # an empty reduction: the host knows each op's initial value
    return reduce_runner(shape, axes, node.type.lower(), x.dtype.np, out.dtype.np, _shape(out))


def _sum_to_shape(node: Node) -> Kernel:
    """The gradient of broadcasting: sum over the axes that were broadcast, then reshape."""
    from graphflow.cuda.reduce import reduce_runner

    shape, target = _shape(node.in_specs[0]), _shape(node.out_specs[0])
    lead = len(shape) - len(target)
    axes = list(range(lead)) + [lead + j for j, d in enumerate(target)
                                if d == 1 and shape[lead + j] != 1]
    run = reduce_runner(shape, axes, "sum", node.in_specs[0].dtype.np,
                        node.out_specs[0].dtype.np, target)
    return lambda dy, *_: run(dy)


def _const(node: Node, k: int) -> np.ndarray | None:
    """The value of input `k` when it is a constant, else None."""
    source = node.inputs[k][0]
    return np.asarray(source.attrs["value"]) if source.is_const else None


def _windowed(node: Node) -> Kernel | None:
    """Convolutions and pooling (their size inputs are static: the output spec has them)."""
    from graphflow.cuda.windowed import windowed_runner

    dtype = node.out_specs[0].dtype.np
    if dtype.kind != "f":
        return None
    return windowed_runner(node.type, [_shape(s) for s in node.in_specs],
                           _shape(node.out_specs[0]), dtype, node.attrs)


def _layout_adjoint(node: Node, forward: str, attrs: Any, static: list[Any], data: int
                    ) -> Kernel | None:
    """The gradient of a layout op (StridedSliceGrad, MirrorPadGrad): the transpose of the
    forward op's gather map, as one sparse matrix-vector product on input `data`."""
    from graphflow.cuda.gather import index_map
    from graphflow.cuda.sparse import gather_matrix, linear_runner
    from graphflow.ops.registry import REGISTRY

    spec = node.out_specs[0]
    if any(v is None for v in static) or spec.dtype.np.kind not in "fi":
        return None
    shape = _shape(spec)
    index, _ = index_map(REGISTRY[forward].reference, attrs, shape, spec.dtype.np, static)
    size = int(np.prod(shape, dtype=np.int64))
    run = linear_runner(gather_matrix(index, size).T, shape, spec.dtype.np)
    return lambda *inputs: run(inputs[data])


def _strided_slice_grad(node: Node) -> Kernel | None:
    """StridedSliceGrad(shape, begin, end, strides, dy)."""
    return _layout_adjoint(node, "StridedSlice", node.attrs,
                           [_const(node, k) for k in (1, 2, 3)], 4)


def _mirror_pad_grad(node: Node) -> Kernel | None:
    """MirrorPadGrad(dy, paddings)."""
    return _layout_adjoint(node, "Pad", {"mode": node.attrs["mode"]}, [_const(node, 1)], 0)


def _resize(node: Node) -> Kernel | None:
    """ResizeBilinear/NearestNeighbor(images, size) and their gradients (grads, original):
    static sparse matrices."""
    from graphflow.cuda.image import resize_runner

    spec = node.out_specs[0]
    if spec.dtype.np.kind != "f":
        return None
    method = "nearest" if "Nearest" in node.type else "bilinear"
    run = resize_runner(_shape(node.in_specs[0]), _shape(spec), spec.dtype.np, method,
                        node.attrs, gradient=node.type.endswith("Grad"))
    return lambda x, _size: run(x)


def _image_transform(node: Node) -> Kernel | None:
    """ImageProjectiveTransformV2(images, transforms, output_shape)."""
    from graphflow.cuda.image import transform_runner

    images, transforms, _ = node.in_specs
    if images.dtype.np.kind != "f" or transforms.dtype.np.kind != "f":
        return None
    per_image = _shape(transforms)[0] > 1
    run = transform_runner(_shape(images), per_image, _shape(node.out_specs[0]),
                           images.dtype.np, node.attrs.get("interpolation", "NEAREST"))
    return lambda images, transforms, _shape: run(images, transforms)


def _range(node: Node) -> Kernel | None:
    """Range(start, limit, delta): the length from the scalars (read on the host)."""
    from graphflow.cuda.sequence import range_runner

    dtype = node.out_specs[0].dtype.np
    return range_runner(dtype) if dtype.kind in "fi" else None


def _where(node: Node) -> Kernel | None:
    """Where(condition): coordinates of the non-zero elements."""
    from graphflow.cuda.sequence import where_runner

    shape = _shape(node.in_specs[0])
    return where_runner(shape) if shape else None  # a scalar condition stays on the host


def _gather_nd(node: Node) -> Kernel:
    from graphflow.cuda.indexing import gather_nd_runner

    params, indices = node.in_specs
    return gather_nd_runner(_shape(params), _shape(indices), _shape(node.out_specs[0]),
                            params.dtype.np)


def _gather(node: Node) -> Kernel | None:
    """GatherV2: one precomputed gather map when the indices are constant, else a gather
    through the indices at run time."""
    from graphflow.cuda.indexing import take_runner

    if _static_inputs(node) is not None:
        return _layout(node)
    params, indices = node.in_specs
    return take_runner(_shape(params), _shape(indices), node.attrs.get("axis", 0) % params.rank,
                       _shape(node.out_specs[0]), params.dtype.np)


def _scatter_nd(node: Node) -> Kernel | None:
    """ScatterNd(indices, updates, shape)."""
    from graphflow.cuda.indexing import ATOMIC_DTYPES, scatter_add_runner

    indices, updates, _ = node.in_specs
    if updates.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(_shape(node.out_specs[0]), _shape(indices)[-1],
                             updates.shape.num_elements(), updates.dtype.np)
    return lambda indices, updates, _shape: run(indices, updates)


def _unsorted_segment_sum(node: Node) -> Kernel | None:
    """UnsortedSegmentSum(data, segment_ids, num_segments): a ScatterNd with one index per
    leading position of data."""
    from graphflow.cuda.indexing import ATOMIC_DTYPES, scatter_add_runner

    data = node.in_specs[0]
    if data.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(_shape(node.out_specs[0]), 1, data.shape.num_elements(),
                             data.dtype.np)
    return lambda data, ids, _num: run(ids, data)


def _cast(node: Node) -> Kernel | None:
    from graphflow.cuda.convert import PAIRS, convert_runner

    pair = (node.in_specs[0].dtype.name, node.out_specs[0].dtype.name)
    if pair[1] == "bool" and pair[0] != "bool":
        return _nonzero(node)
    if pair not in PAIRS:
        return None
    return convert_runner(_shape(node.out_specs[0]), node.out_specs[0].dtype.np)


def _nonzero(node: Node) -> Kernel:
    """A cast to bool: x != 0, as TF (one program against an uploaded zero)."""
    from graphflow.cuda.device import to_device
    from graphflow.cuda.elementwise import program_runner

    spec = node.in_specs[0]
    compare = program_runner(single_row("NotEqual", (_shape(spec), ()),
                                        (spec.dtype.name, spec.dtype.name), "bool"))
    zero = to_device(np.zeros((), spec.dtype.np))
    return lambda x: compare(x, zero)


def _fill(node: Node) -> Kernel:
    """Fill(dims, value): the one-element value repeated."""
    from graphflow.cuda.convert import convert_runner

    run = convert_runner(_shape(node.out_specs[0]), node.out_specs[0].dtype.np)
    return lambda dims, value: run(value)


def _fill_like(node: Node) -> Kernel:
    """ZerosLike, OnesLike: the op's constant repeated (uploaded once)."""
    from graphflow.cuda.convert import convert_runner
    from graphflow.cuda.device import to_device

    spec = node.out_specs[0]
    value = to_device(np.full(1, node.opdef.fill, spec.dtype.np))
    run = convert_runner(_shape(spec), spec.dtype.np)
    return lambda x: run(value)


def _softmax(node: Node) -> Kernel:
    from graphflow.cuda.softmax import softmax_runner

    return softmax_runner(_shape(node.in_specs[0]), node.in_specs[0].dtype.np,
                          log=node.type == "LogSoftmax")


def _cross_entropy(node: Node) -> Kernel:
    from graphflow.cuda.softmax import cross_entropy_runner

    return cross_entropy_runner(_shape(node.in_specs[0]), node.in_specs[0].dtype.np)


def _sparse_cross_entropy(node: Node) -> Kernel:
    """The dense cross-entropy of one-hot labels. As TF1's GPU kernel, labels outside
    [0, classes) are not checked (their rows' loss is meaningless); the CPU raises."""
    from graphflow.cuda.device import to_device
    from graphflow.cuda.one_hot import one_hot_runner
    from graphflow.cuda.softmax import cross_entropy_runner

    shape, dtype = _shape(node.in_specs[0]), node.in_specs[0].dtype.np
    one_hot = one_hot_runner(_shape(node.in_specs[1]), shape[-1], -1, dtype)
    on, off = to_device(np.ones(1, dtype)), to_device(np.zeros(1, dtype))
    dense = cross_entropy_runner(shape, dtype)
    return lambda logits, labels: dense(logits, one_hot(labels, on, off))


def _l2_loss(node: Node) -> Kernel:
    from graphflow.cuda.softmax import l2_loss_runner

    return l2_loss_runner(_shape(node.in_specs[0]), node.in_specs[0].dtype.np)


def _arg_reduction(node: Node) -> Kernel | None:
    from graphflow.cuda.reduce import reduce_runner

    x, out = node.in_specs[0], node.out_specs[0]
    shape = _shape(x)
    if x.dtype.np.kind not in "fiu" or 0 in shape:
        return None
    return reduce_runner(shape, [node.attrs["axis"]], node.type.lower(), x.dtype.np,
                         out.dtype.np, _shape(out))


def _one_hot(node: Node) -> Kernel | None:
    from graphflow.cuda.one_hot import one_hot_runner

    depth = node.inputs[1][0]
    if not depth.is_const:
        return None
    run = one_hot_runner(_shape(node.in_specs[0]), int(depth.attrs["value"]),
                         node.attrs.get("axis", -1), node.out_specs[0].dtype.np)
    return lambda indices, _depth, on, off: run(indices, on, off)


def _join(node: Node) -> Kernel:
    """ConcatV2, Pack: every input scattered to its place in the output."""
    from graphflow.cuda.gather import join_runner

    reference, attrs = node.opdef.reference, node.attrs
    return join_runner(lambda *xs: reference(attrs, *xs), [_shape(s) for s in node.in_specs],
                       node.out_specs[0].dtype.np)


def _split(node: Node) -> Kernel | None:
    """Split, SplitV, Unpack: one gather per piece."""
    from graphflow.cuda.gather import split_runner

    static = _static_inputs(node)
    if static is None:
        return None
    reference, attrs = node.opdef.reference, node.attrs
    run = split_runner(lambda x: reference(attrs, x, *static), _shape(node.in_specs[0]),
                       node.in_specs[0].dtype.np)
    return lambda x, *_: run(x)


_LAYOUT = ("Transpose", "Slice", "StridedSlice", "ReverseV2", "Tile", "Pad", "BroadcastTo")
_WINDOWED = ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "DepthwiseConv2dNative",
             "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter",
             "MaxPool", "MaxPoolGrad", "AvgPool", "AvgPoolGrad")
_REDUCTIONS = ("Sum", "Mean", "Prod", "Max", "Min", "Any", "All")

BUILDERS: dict[str, Callable[[Node], Kernel | None]] = {
    "_FusedElementwise": _program, "AddN": _add_n, "NoOp": lambda node: lambda *_: None,
    "Identity": _passthrough, "StopGradient": _passthrough,
    "Reshape": _reshape, "ExpandDims": _reshape, "Squeeze": _reshape,
    "RestoreReducedDims": _reshape,
    **dict.fromkeys(_LAYOUT, _layout), **dict.fromkeys(_REDUCTIONS, _reduction),
    "MatMul": _matmul, "BatchMatMulV2": _matmul, "SumToShape": _sum_to_shape,
    "Cast": _cast, "Fill": _fill, "ZerosLike": _fill_like,
    "OnesLike": _fill_like, "Softmax": _softmax, "LogSoftmax": _softmax,
    "SoftmaxCrossEntropyWithLogits": _cross_entropy,
    "SparseSoftmaxCrossEntropyWithLogits": _sparse_cross_entropy, "L2Loss": _l2_loss,
    "ArgMax": _arg_reduction, "ArgMin": _arg_reduction, "OneHot": _one_hot,
    "ConcatV2": _join, "Pack": _join, "Split": _split, "SplitV": _split, "Unpack": _split,
    **dict.fromkeys(_WINDOWED, _windowed), "StridedSliceGrad": _strided_slice_grad,
    "MirrorPadGrad": _mirror_pad_grad, "GatherNd": _gather_nd, "GatherV2": _gather, "ScatterNd": _scatter_nd,
    "UnsortedSegmentSum": _unsorted_segment_sum,
    **dict.fromkeys(("ResizeBilinear", "ResizeNearestNeighbor", "ResizeBilinearGrad",
                     "ResizeNearestNeighborGrad"), _resize),
    "ImageProjectiveTransformV2": _image_transform,
}

#: Ops whose output shape depends on input values (their builders need only the inputs' shapes).
VALUE_SHAPED = {"Range": _range, "Where": _where}


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
    from graphflow.ops.random import op_stream

    spec, distribution = node.out_specs[0], node.opdef.distribution
    if _shape(spec) is None or spec.dtype.name not in DTYPES[distribution]:
        return None
    stream = state.rng(node.name, lambda: op_stream(node.attrs, node.name))
    run = random_runner(distribution, _shape(spec), spec.dtype.np)
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
            _shape(s) is None for k, s in enumerate(node.in_specs) if k not in positions):
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
        known = all(_shape(s) is not None for s in node.in_specs)
        return VALUE_SHAPED[node.type](node) if known else None
    if not _shapes_known(node):
        return None
    if node.type in ELEMENTWISE:
        return _row(node)
    builder = BUILDERS.get(node.type)
    return None if builder is None else builder(node)


def host_kernel(node: Node, state: Any) -> Kernel:
    """The CPU kernel of `node` between copies: inputs down to the host, outputs up."""
    from graphflow.cuda.device import to_device, to_host

    from . import kernel_for

    kernel = kernel_for(node, "cpu", state)
    if node.type not in HOST_MEMORY_OPS and node.type not in _logged:
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
