"""The CUDA backend's kernels for stateless ops: each builder turns a plan node (static shapes)
into a function of device arrays, configuring its launches and uploading any index maps once,
or returns None when the node's variant has no device kernel. `graphflow.backends.cuda`
dispatches to these tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from graphflow.compiler.fused_op import Program, single_row
from graphflow.compiler.ir import Node

Kernel = Callable[..., Any]


def shape_of(spec: Any) -> tuple[int, ...] | None:
    """The concrete shape of a plan value, or None when some dimension is unknown."""
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


def shapes_known(node: Node) -> bool:
    """Whether every input and output shape of `node` is concrete."""
    return all(shape_of(s) is not None for s in (*node.in_specs, *node.out_specs))


# ---- builders: node -> kernel of device arrays, or None when this variant has none ------------

def _program(node: Node) -> Kernel:
    from graphflow.cuda.elementwise import program_runner

    return program_runner(node.attrs["program"])


def row_kernel(node: Node) -> Kernel:
    """A single (unfused) elementwise op, as a one-step program."""
    from graphflow.cuda.elementwise import program_runner

    return program_runner(single_row(node.type, tuple(shape_of(s) for s in node.in_specs),
                                     tuple(s.dtype.name for s in node.in_specs),
                                     node.out_specs[0].dtype.name))


def _add_n(node: Node) -> Kernel:
    from graphflow.cuda.elementwise import program_runner

    if len(node.inputs) == 1:
        return lambda x: x
    steps = [("Add", (("in", 0), ("in", 1)))]
    steps += [("Add", (("step", k - 2), ("in", k))) for k in range(2, len(node.inputs))]
    spec = node.out_specs[0]
    program = Program(steps=tuple(steps), outputs=(len(steps) - 1,), shape=shape_of(spec),
                      in_shapes=(shape_of(spec),) * len(node.inputs),
                      in_dtypes=(spec.dtype.name,) * len(node.inputs), out_dtypes=(spec.dtype.name,))
    return program_runner(program)


def _passthrough(node: Node) -> Kernel:
    return lambda x, *_: x


def _reshape(node: Node) -> Kernel:
    """Reshape, ExpandDims, Squeeze, RestoreReducedDims: a view of the contiguous array."""
    shape = shape_of(node.out_specs[0])
    return lambda x, *_: x.reshape(shape)


def _layout(node: Node) -> Kernel | None:
    from graphflow.cuda.gather import layout_runner

    static = _static_inputs(node)
    if static is None:
        return None
    run = layout_runner(node.opdef.reference, node.attrs, shape_of(node.in_specs[0]),
                        node.in_specs[0].dtype.np, static)
    return lambda x, *_: run(x)


def _matmul(node: Node) -> Kernel | None:
    from graphflow.cuda.gemm import matmul_runner

    a, b = node.in_specs
    if a.dtype.np.kind != "f":
        return None
    opdef = node.opdef
    return matmul_runner(shape_of(a), shape_of(b), a.dtype.np, bool(node.attrs.get(opdef.a_attr)),
                         bool(node.attrs.get(opdef.b_attr)))


def _reduction(node: Node) -> Kernel | None:
    from graphflow.cuda.reduce import reduce_runner
    from graphflow.ops._rules import normalize_axes

    x, out = node.in_specs[0], node.out_specs[0]
    shape = shape_of(x)
    axes = normalize_axes(node.attrs.get("axis"), len(shape))
    if any(shape[a] == 0 for a in axes) and out.shape.num_elements():
        return None  # an empty reduction: the host knows each op's initial value
    return reduce_runner(shape, axes, node.type.lower(), x.dtype.np, out.dtype.np, shape_of(out))


def _sum_to_shape(node: Node) -> Kernel:
    """The gradient of broadcasting: sum over the axes that were broadcast, then reshape."""
    from graphflow.cuda.reduce import reduce_runner

    shape, target = shape_of(node.in_specs[0]), shape_of(node.out_specs[0])
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
    return windowed_runner(node.type, [shape_of(s) for s in node.in_specs],
                           shape_of(node.out_specs[0]), dtype, node.attrs)


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
    shape = shape_of(spec)
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
    run = resize_runner(shape_of(node.in_specs[0]), shape_of(spec), spec.dtype.np, method,
                        node.attrs, gradient=node.type.endswith("Grad"))
    return lambda x, _size: run(x)


def _image_transform(node: Node) -> Kernel | None:
    """ImageProjectiveTransformV2(images, transforms, output_shape)."""
    from graphflow.cuda.image import transform_runner

    images, transforms, _ = node.in_specs
    if images.dtype.np.kind != "f" or transforms.dtype.np.kind != "f":
        return None
    per_image = shape_of(transforms)[0] > 1
    run = transform_runner(shape_of(images), per_image, shape_of(node.out_specs[0]),
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

    shape = shape_of(node.in_specs[0])
    return where_runner(shape) if shape else None  # a scalar condition stays on the host


def _gather_nd(node: Node) -> Kernel:
    from graphflow.cuda.indexing import gather_nd_runner

    params, indices = node.in_specs
    return gather_nd_runner(shape_of(params), shape_of(indices), shape_of(node.out_specs[0]),
                            params.dtype.np)


def _gather(node: Node) -> Kernel | None:
    """GatherV2: one precomputed gather map when the indices are constant, else a gather
    through the indices at run time."""
    from graphflow.cuda.indexing import take_runner

    if _static_inputs(node) is not None:
        return _layout(node)
    params, indices = node.in_specs
    return take_runner(shape_of(params), shape_of(indices), node.attrs.get("axis", 0) % params.rank,
                       shape_of(node.out_specs[0]), params.dtype.np)


def _scatter_nd(node: Node) -> Kernel | None:
    """ScatterNd(indices, updates, shape)."""
    from graphflow.cuda.indexing import ATOMIC_DTYPES, scatter_add_runner

    indices, updates, _ = node.in_specs
    if updates.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(shape_of(node.out_specs[0]), shape_of(indices)[-1],
                             updates.shape.num_elements(), updates.dtype.np)
    return lambda indices, updates, _shape: run(indices, updates)


def _unsorted_segment_sum(node: Node) -> Kernel | None:
    """UnsortedSegmentSum(data, segment_ids, num_segments): a ScatterNd with one index per
    leading position of data."""
    from graphflow.cuda.indexing import ATOMIC_DTYPES, scatter_add_runner

    data = node.in_specs[0]
    if data.dtype.name not in ATOMIC_DTYPES:
        return None
    run = scatter_add_runner(shape_of(node.out_specs[0]), 1, data.shape.num_elements(),
                             data.dtype.np)
    return lambda data, ids, _num: run(ids, data)


def _cast(node: Node) -> Kernel | None:
    from graphflow.cuda.convert import PAIRS, convert_runner

    pair = (node.in_specs[0].dtype.name, node.out_specs[0].dtype.name)
    if pair[1] == "bool" and pair[0] != "bool":
        return _nonzero(node)
    if pair not in PAIRS:
        return None
    return convert_runner(shape_of(node.out_specs[0]), node.out_specs[0].dtype.np)


def _nonzero(node: Node) -> Kernel:
    """A cast to bool: x != 0, as TF (one program against an uploaded zero)."""
    from graphflow.cuda.device import to_device
    from graphflow.cuda.elementwise import program_runner

    spec = node.in_specs[0]
    compare = program_runner(single_row("NotEqual", (shape_of(spec), ()),
                                        (spec.dtype.name, spec.dtype.name), "bool"))
    zero = to_device(np.zeros((), spec.dtype.np))
    return lambda x: compare(x, zero)


def _fill(node: Node) -> Kernel:
    """Fill(dims, value): the one-element value repeated."""
    from graphflow.cuda.convert import convert_runner

    run = convert_runner(shape_of(node.out_specs[0]), node.out_specs[0].dtype.np)
    return lambda dims, value: run(value)


def _fill_like(node: Node) -> Kernel:
    """ZerosLike, OnesLike: the op's constant repeated (uploaded once)."""
    from graphflow.cuda.convert import convert_runner
    from graphflow.cuda.device import to_device

    spec = node.out_specs[0]
    value = to_device(np.full(1, node.opdef.fill, spec.dtype.np))
    run = convert_runner(shape_of(spec), spec.dtype.np)
    return lambda x: run(value)


def _softmax(node: Node) -> Kernel:
    from graphflow.cuda.softmax import softmax_runner

    return softmax_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np,
                          log=node.type == "LogSoftmax")


def _cross_entropy(node: Node) -> Kernel:
    from graphflow.cuda.softmax import cross_entropy_runner

    return cross_entropy_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np)


def _sparse_cross_entropy(node: Node) -> Kernel:
    """The dense cross-entropy of one-hot labels. As TF1's GPU kernel, labels outside
    [0, classes) are not checked (their rows' loss is meaningless); the CPU raises."""
    from graphflow.cuda.device import to_device
    from graphflow.cuda.one_hot import one_hot_runner
    from graphflow.cuda.softmax import cross_entropy_runner

    shape, dtype = shape_of(node.in_specs[0]), node.in_specs[0].dtype.np
    one_hot = one_hot_runner(shape_of(node.in_specs[1]), shape[-1], -1, dtype)
    on, off = to_device(np.ones(1, dtype)), to_device(np.zeros(1, dtype))
    dense = cross_entropy_runner(shape, dtype)
    return lambda logits, labels: dense(logits, one_hot(labels, on, off))


def _l2_loss(node: Node) -> Kernel:
    from graphflow.cuda.softmax import l2_loss_runner

    return l2_loss_runner(shape_of(node.in_specs[0]), node.in_specs[0].dtype.np)


def _arg_reduction(node: Node) -> Kernel | None:
    from graphflow.cuda.reduce import reduce_runner

    x, out = node.in_specs[0], node.out_specs[0]
    shape = shape_of(x)
    if x.dtype.np.kind not in "fiu" or 0 in shape:
        return None
    return reduce_runner(shape, [node.attrs["axis"]], node.type.lower(), x.dtype.np,
                         out.dtype.np, shape_of(out))


def _one_hot(node: Node) -> Kernel | None:
    from graphflow.cuda.one_hot import one_hot_runner

    depth = node.inputs[1][0]
    if not depth.is_const:
        return None
    run = one_hot_runner(shape_of(node.in_specs[0]), int(depth.attrs["value"]),
                         node.attrs.get("axis", -1), node.out_specs[0].dtype.np)
    return lambda indices, _depth, on, off: run(indices, on, off)


def _join(node: Node) -> Kernel:
    """ConcatV2, Pack: every input scattered to its place in the output."""
    from graphflow.cuda.gather import join_runner

    reference, attrs = node.opdef.reference, node.attrs
    return join_runner(lambda *xs: reference(attrs, *xs), [shape_of(s) for s in node.in_specs],
                       node.out_specs[0].dtype.np)


def _split(node: Node) -> Kernel | None:
    """Split, SplitV, Unpack: one gather per piece."""
    from graphflow.cuda.gather import split_runner

    static = _static_inputs(node)
    if static is None:
        return None
    reference, attrs = node.opdef.reference, node.attrs
    run = split_runner(lambda x: reference(attrs, x, *static), shape_of(node.in_specs[0]),
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
