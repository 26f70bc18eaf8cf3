"""A graph as plain JSON data (graphflow's GraphDef), and back.

Every op is written as its name, type, attributes, input tensor names, control inputs and
device. Loading never executes anything from the file: op types are looked up only in
graphflow's own op registry and attribute values are rebuilt from a closed set of tagged JSON
forms (numbers, strings, lists, tuples, dtypes, shapes and arrays), so a graph file can come
from anywhere.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import dtypes
from .graph import Graph
from .op_names import OP_NAME, check_scope_name, is_valid_op_name
from .tensor import Operation, Tensor
from .tensor_shape import TensorShape

#: Bumped when the layout changes; readers accept every version up to theirs.
GRAPH_FORMAT_VERSION = 1


class GraphFormatError(ValueError):
    """A graph file that graphflow cannot rebuild (unknown op, malformed entry, newer format)."""


# ---- attribute values --------------------------------------------------------------------------
def encode_value(value: Any, where: str = "value") -> Any:
    """A JSON-able form of an attribute value.

    Raises:
        TypeError: for a value of a type graph files cannot hold, naming `where`.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, dtypes.DType):
        return {"dtype": value.name}
    if isinstance(value, TensorShape):
        return {"shape": None if value.dims is None else list(value.dims)}
    if isinstance(value, (np.ndarray, np.generic)):
        return _encode_array(value, where)
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v, where) for v in value]}
    if isinstance(value, list):
        return [encode_value(v, where) for v in value]
    if isinstance(value, dict):
        return {"dict": [[encode_value(k, where), encode_value(v, where)]
                         for k, v in value.items()]}
    raise TypeError(f"{where}: a graph file cannot hold a {type(value).__name__} ({value!r})")


def decode_value(data: Any) -> Any:
    """The attribute value of `encode_value`'s output.

    Raises:
        GraphFormatError: for a form `encode_value` never writes.
    """
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(v) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise GraphFormatError(f"malformed attribute value {data!r}")
    (tag, body), = data.items()
    if tag == "float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "dtype":
        return dtypes.as_dtype(body)
    if tag == "shape":
        return TensorShape(body)
    if tag == "array":
        return _decode_array(body)
    if tag == "tuple":
        return tuple(decode_value(v) for v in body)
    if tag == "dict":
        return {decode_value(k): decode_value(v) for k, v in body}
    raise GraphFormatError(f"unknown attribute value tag {tag!r}")


def _encode_array(value: np.ndarray | np.generic, where: str) -> dict[str, Any]:
    array = np.asarray(value)
    if array.dtype.kind == "O":  # string tensors: a list of UTF-8/bytes values
        items = [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
                 for v in array.ravel()]
        return {"array": {"dtype": "string", "shape": list(array.shape), "strings": items}}
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: cannot store an array of dtype {array.dtype}")
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    body = {"dtype": array.dtype.name, "shape": list(array.shape),
            "data": base64.b64encode(data.tobytes()).decode("ascii")}
    if isinstance(value, np.generic):
        body["scalar"] = True  # a numpy scalar, not a 0-d array
    return {"array": body}


def _decode_array(body: dict[str, Any]) -> np.ndarray:
    shape = tuple(body["shape"])
    if body["dtype"] == "string":
        return np.array([s.encode("utf-8", "surrogateescape") for s in body["strings"]],
                        dtype=object).reshape(shape)
    dtype = np.dtype(body["dtype"])
    if dtype.kind not in "biuf":
        raise GraphFormatError(f"arrays of dtype {dtype} are not allowed in graph files")
    raw = base64.b64decode(body["data"], validate=True)
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise GraphFormatError(f"array of shape {list(shape)} and dtype {dtype} has "
                               f"{len(raw)} bytes")
    array = np.frombuffer(raw, dtype.newbyteorder("<")).astype(dtype).reshape(shape)
    return array[()] if body.get("scalar") else array


# ---- whole graphs ------------------------------------------------------------------------------
def graph_to_json(graph: Graph, ops: Iterable[Operation] | None = None,
                  clear_devices: bool = False) -> dict[str, Any]:
    """The graph's ops (all, or `ops` in graph order) as a JSON-able dict."""
    selected = graph.get_operations() if ops is None else sorted(ops, key=lambda o: o._id)
    nodes = []
    for op in selected:
        nodes.append({
            "name": op.name,
            "op": op.type,
            "inputs": [t.name for t in op.inputs],
            "control_inputs": [c.name for c in op.control_inputs],
            "attrs": {k: encode_value(v, f"attribute {k!r} of op {op.name!r}")
                      for k, v in op._attrs.items()},
            "device": "" if clear_devices else op.device,
        })
    return {"format": "graphflow.graph", "version": GRAPH_FORMAT_VERSION, "node": nodes}


def import_graph_json(data: dict[str, Any], graph: Graph, import_scope: str | None = None
                      ) -> dict[str, Operation]:
    """Recreates the ops of `graph_to_json`'s output in `graph`, names prefixed with
    `import_scope/`. Returns the new ops by their name in the file.

    Raises:
        GraphFormatError: for a file of another kind or a newer version, an unknown op type,
            or an input naming an op that does not precede it.
    """
    check_header(data, "graphflow.graph", GRAPH_FORMAT_VERSION)
    from graphflow.ops import registry

    prefix = f"{import_scope.rstrip('/')}/" if import_scope else ""
    check_node_names(data.get("node"), prefix)
    created: dict[str, Operation] = {}

    def tensor(name: str) -> Tensor:
        op_name, _, index = name.rpartition(":")
        if op_name not in created:
            raise GraphFormatError(f"input {name!r} refers to an op not defined before its use")
        return created[op_name].outputs[int(index)]

    for node in data["node"]:
        if node["op"] not in registry.REGISTRY:
            raise GraphFormatError(f"op {node['name']!r} has type {node['op']!r}, which this "
                                   f"graphflow does not define")
        attrs = {k: decode_value(v) for k, v in node["attrs"].items()}
        with graph.device(node.get("device") or None), graph.control_dependencies(None):
            op = graph.create_op(node["op"], [tensor(n) for n in node["inputs"]], attrs,
                                 name=f"{prefix}{node['name']}/")
        missing = [c for c in node["control_inputs"] if c not in created]
        if missing:
            raise GraphFormatError(f"op {node['name']!r} has control inputs {missing} not "
                                   f"defined before it")
        op._add_control_inputs([created[c] for c in node["control_inputs"]])
        created[node["name"]] = op
    return created


def check_node_names(nodes: Any, prefix: str = "") -> None:
    """Rejects a file whose op names break TF1's name pattern before anything is built, so no
    name from a file reaches a graph (or anything generated from one) unchecked.

    Raises:
        GraphFormatError: naming the first invalid name (escaped, see op_names).
        ValueError: for an invalid `prefix` (TF1's "not a valid scope name").
    """
    if prefix:
        check_scope_name(prefix, nested=False)
    if not isinstance(nodes, list):
        return  # the builder reports a malformed node list
    for node in nodes:
        name = node.get("name") if isinstance(node, dict) else None
        if not is_valid_op_name(f"{prefix}{name}" if isinstance(name, str) else name):
            text = repr(name if not isinstance(name, str) or len(name) <= 200 else
                        f"{name[:200]}...")
            raise GraphFormatError(f"op name {text} is not a valid node name "
                                   f"(TF1's pattern {OP_NAME.pattern})")


def check_header(data: Any, kind: str, version: int) -> None:
    """Raises GraphFormatError unless `data` is a `kind` document no newer than `version`."""
    if not isinstance(data, dict) or data.get("format") != kind:
        raise GraphFormatError(f"not a {kind} file")
    if not isinstance(data.get("version"), int) or data["version"] > version:
        raise GraphFormatError(f"{kind} version {data.get('version')} is newer than this "
                               f"graphflow reads (up to {version}); upgrade graphflow")
