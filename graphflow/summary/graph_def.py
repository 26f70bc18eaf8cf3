"""Converts a graphflow `Graph` to TensorBoard's `GraphDef` proto for the graph tab: node names
(so name scopes group), op types, inputs ("op:k", ":0" omitted, "^op" for control inputs),
devices, and the attributes TensorBoard shows: `dtype`/`T` and `_output_shapes`."""

from __future__ import annotations

from typing import Any

from .protos import protos

# graphflow dtype names whose DataType enum name is not "DT_" + the upper-cased name
_DT_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF"}


def datatype_enum(dtype: Any) -> int:
    """The tensorflow DataType enum value of a graphflow dtype (DT_INVALID if unknown)."""
    types_pb2 = protos().types_pb2
    name = _DT_NAMES.get(dtype.name, "DT_" + dtype.name.upper())
    known = types_pb2.DataType.keys()  # noqa: SIM118 - a protobuf enum wrapper, not a dict
    return types_pb2.DataType.Value(name) if name in known else 0


def _shape_proto(shape: Any):
    proto = protos().tensor_shape_pb2.TensorShapeProto()
    if shape.dims is None:
        proto.unknown_rank = True
    else:
        for d in shape.dims:
            proto.dim.add(size=-1 if d is None else int(d))
    return proto


def _input_name(tensor: Any) -> str:
    return tensor.op.name if tensor.value_index == 0 else f"{tensor.op.name}:{tensor.value_index}"


def to_graph_def(graph: Any):
    """A TensorBoard `GraphDef` of every op of `graph`, in creation order.

    Args:
        graph: a graphflow Graph.

    Returns:
        A tensorboard.compat.proto.graph_pb2.GraphDef.

    Raises:
        ImportError: when tensorboard is not installed.
    """
    p = protos()
    graph_def = p.graph_pb2.GraphDef()
    graph_def.versions.producer = 134  # TF 1.15's GraphDef version, so readers accept it
    for op in graph.get_operations():
        node = graph_def.node.add(name=op.name, op=op.type, device=op.device or "")
        node.input.extend(_input_name(t) for t in op.inputs)
        node.input.extend(f"^{c.name}" for c in op.control_inputs)
        if op.inputs:
            node.attr["T"].type = datatype_enum(op.inputs[0].dtype)
        if op.outputs:
            node.attr["dtype"].type = datatype_enum(op.outputs[0].dtype)
            shapes = node.attr["_output_shapes"].list.shape
            shapes.extend(_shape_proto(t.shape) for t in op.outputs)
        for key, value in op.attrs.items():
            _simple_attr(node.attr, key, value)
    return graph_def


def to_meta_graph_def(graph: Any, saver: Any = None):
    """A TensorBoard `MetaGraphDef`: the graph (see `to_graph_def`) and, given a Saver, its
    settings as a V2 `SaverDef` (graphflow's Saver has no save/restore ops to name).

    Raises:
        ImportError: when tensorboard is not installed.
    """
    protos()  # the clear ImportError naming the extra
    from tensorboard.compat.proto import meta_graph_pb2, saver_pb2

    meta = meta_graph_pb2.MetaGraphDef()
    meta.graph_def.CopyFrom(to_graph_def(graph))
    if saver is not None:
        settings = saver.as_saver_def()
        meta.saver_def.max_to_keep = int(settings.get("max_to_keep") or 0)
        meta.saver_def.keep_checkpoint_every_n_hours = float(settings.get("keep_checkpoint_every_n_hours") or 0)
        meta.saver_def.version = saver_pb2.SaverDef.V2
    return meta


def _simple_attr(attr_map: Any, key: str, value: Any) -> None:
    """Copies a bool/int/float/str attribute or a list of ints (strides, ksize) verbatim;
    other attribute kinds are left out (TensorBoard only displays them)."""
    if key in ("T", "dtype", "_output_shapes"):
        return
    if isinstance(value, bool):
        attr_map[key].b = value
    elif isinstance(value, int):
        attr_map[key].i = value
    elif isinstance(value, float):
        attr_map[key].f = value
    elif isinstance(value, str):
        attr_map[key].s = value.encode()
    elif isinstance(value, (list, tuple)) and value and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        attr_map[key].list.i.extend(value)
