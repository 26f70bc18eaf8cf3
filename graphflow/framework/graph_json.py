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
#: Attribute values nest lists, tuples and dicts at most this deep (graphflow writes 3 or 4).
MAX_VALUE_DEPTH = 32


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
    if isinstance(value, Graph) and value.building_function:  # a loop's or branch's body
        from .function_json import encode_function

        return {"function": encode_function(value, where)}
    raise TypeError(f"{where}: a graph file cannot hold a {type(value).__name__} ({value!r})")


def decode_value(data: Any, depth: int = 0) -> Any:
    """The attribute value of `encode_value`'s output.

    Raises:
        GraphFormatError: for a form `encode_value` never writes (or nested deeper than
            `MAX_VALUE_DEPTH`).
    """
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if depth >= MAX_VALUE_DEPTH:
        raise GraphFormatError(f"attribute value nested deeper than {MAX_VALUE_DEPTH} levels")
    if isinstance(data, list):
        return [decode_value(v, depth + 1) for v in data]
    if not isinstance(data, dict) or len(data) != 1:
        raise GraphFormatError(f"malformed attribute value {_clip(data)}")
    (tag, body), = data.items()
    if tag == "float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "dtype" and isinstance(body, str):
        try:
            return dtypes.as_dtype(body)
        except (TypeError, ValueError, KeyError):
            raise GraphFormatError(f"unknown dtype {_clip(body)}") from None
    if tag == "shape" and (body is None or isinstance(body, list)):
        return TensorShape(_dims(body, "shape"))
    if tag == "array" and isinstance(body, dict):
        return _decode_array(body)
    if tag == "function" and isinstance(body, dict):
        from .function_json import decode_function

        return decode_function(body, depth)
    if tag == "tuple" and isinstance(body, list):
        return tuple(decode_value(v, depth + 1) for v in body)
    if tag == "dict" and isinstance(body, list) and all(
            isinstance(kv, list) and len(kv) == 2 for kv in body):
        out = {}
        for k, v in body:
            key = decode_value(k, depth + 1)
            if isinstance(key, (list, dict)):
                raise GraphFormatError(f"unhashable dict key {_clip(k)}")
            out[key] = decode_value(v, depth + 1)
        return out
    if tag not in ("float", "dtype", "shape", "array", "tuple", "dict", "function"):
        raise GraphFormatError(f"unknown attribute value tag {_clip(tag)}")
    raise GraphFormatError(f"malformed attribute value {_clip(data)}")


def _clip(value: Any, limit: int = 80) -> str:
    """`repr(value)` cut to `limit` characters (a hostile file's values can be huge)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _dims(body: Any, what: str) -> list[int | None] | None:
    """A checked list of dimensions (ints >= 0 or None), or None for an unknown rank."""
    if body is None:
        return None
    if not isinstance(body, list) or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in body):
        raise GraphFormatError(f"malformed {what} {_clip(body)}: dimensions are ints >= 0 or null")
    return body


def _encode_array(value: np.ndarray | np.generic, where: str) -> dict[str, Any]:
    array = np.asarray(value)
    if array.dtype.kind == "O":  # string tensors: a list of UTF-8/bytes values
        items = [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
                 for v in array.ravel()]
        return {"array": {"dtype": "string", "shape": list(array.shape), "strings": items}}
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: cannot store an array of dtype {array.dtype}")
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    body: dict[str, Any] = {"dtype": array.dtype.name, "shape": list(array.shape)}
    if data.size > 1 and (data == data.flat[0]).all():
        # one value for an array of equal values (`tf.zeros([4096, 4096])`, `tf.constant(0.5,
        # shape=...)`), as TF's TensorProto stores it: files stay small
        body["fill"], data = True, data.ravel()[:1]
    body["data"] = base64.b64encode(data.tobytes()).decode("ascii")
    if isinstance(value, np.generic):
        body["scalar"] = True  # a numpy scalar, not a 0-d array
    return {"array": body}


def _decode_array(body: dict[str, Any]) -> np.ndarray:
    shape = _dims(body.get("shape"), "array shape")
    if shape is None or None in shape:
        raise GraphFormatError(f"array without a complete shape: {_clip(body.get('shape'))}")
    shape = tuple(shape)
    if body.get("dtype") == "string":
        strings = body.get("strings")
        if not isinstance(strings, list) or not all(isinstance(s, str) for s in strings) \
                or len(strings) != math.prod(shape):
            raise GraphFormatError(f"string array of shape {list(shape)} needs as many strings")
        return np.array([s.encode("utf-8", "surrogateescape") for s in strings],
                        dtype=object).reshape(shape)
    if not isinstance(body.get("dtype"), str) or not isinstance(body.get("data"), str):
        raise GraphFormatError(f"malformed array {_clip(body)}")
    try:
        dtype = np.dtype(body["dtype"])
    except TypeError:
        raise GraphFormatError(f"unknown array dtype {_clip(body['dtype'])}") from None
    if dtype.kind not in "biuf":
        raise GraphFormatError(f"arrays of dtype {dtype} are not allowed in graph files")
    try:
        raw = base64.b64decode(body["data"], validate=True)
    except ValueError as e:  # binascii.Error
        raise GraphFormatError(f"array data is not base64: {e}") from None
    fill = body.get("fill") is True
    if len(raw) != dtype.itemsize * (1 if fill else math.prod(shape)):
        raise GraphFormatError(f"array of shape {list(shape)} and dtype {dtype} has "
                               f"{len(raw)} bytes")
    values = np.frombuffer(raw, dtype.newbyteorder("<")).astype(dtype)
    array = np.full(shape, values[0], dtype) if fill else values.reshape(shape)
    return array[()] if body.get("scalar") else array


# ---- whole graphs ------------------------------------------------------------------------------
def graph_to_json(graph: Graph, ops: Iterable[Operation] | None = None,
                  clear_devices: bool = False) -> dict[str, Any]:
    """The graph's ops (all, or `ops` in graph order) as a JSON-able dict."""
    selected = graph.get_operations() if ops is None else sorted(ops, key=lambda o: o._id)
    nodes = [node_json(op, clear_devices) for op in selected]
    return {"format": "graphflow.graph", "version": GRAPH_FORMAT_VERSION, "node": nodes}


def node_json(op: Operation, clear_devices: bool = False) -> dict[str, Any]:
    """One op as a JSON-able node."""
    return {
        "name": op.name,
        "op": op.type,
        "inputs": [t.name for t in op.inputs],
        "control_inputs": [c.name for c in op.control_inputs],
        "attrs": {k: encode_value(v, f"attribute {k!r} of op {op.name!r}")
                  for k, v in op._attrs.items()},
        "device": "" if clear_devices else op.device,
    }


def import_graph_json(data: dict[str, Any], graph: Graph, import_scope: str | None = None
                      ) -> dict[str, Operation]:
    """Recreates the ops of `graph_to_json`'s output in `graph`, names prefixed with
    `import_scope/`. Returns the new ops by their name in the file.

    Raises:
        GraphFormatError: for a file of another kind or a newer version, an unknown op type,
            or an input naming an op that does not precede it.
    """
    check_header(data, "graphflow.graph", GRAPH_FORMAT_VERSION)
    nodes = data.get("node")
    if not isinstance(nodes, list):
        raise GraphFormatError("the graph's 'node' entry is not a list")
    prefix = f"{import_scope.rstrip('/')}/" if import_scope else ""
    check_node_names(nodes, prefix)
    return import_nodes(nodes, graph, prefix)


def import_nodes(nodes: list[Any], graph: Graph, prefix: str,
                 outer: dict[str, Operation] | None = None) -> dict[str, Operation]:
    """Creates `nodes` (checked node dicts) in `graph`; returns the new ops by file name.

    Args:
        outer: ops of enclosing graphs by file name: a function body's references to its
            enclosing graph's variables.
    """
    from graphflow.ops import registry

    from .function_json import importing

    created: dict[str, Operation] = {}
    visible = created if outer is None else _Chain(created, outer)

    def tensor(name: str, where: str) -> Tensor:
        op_name, _, index = name.rpartition(":")
        if op_name not in visible:
            raise GraphFormatError(f"{where}: input {_clip(name)} refers to an op not defined "
                                   f"before its use")
        outputs = visible[op_name].outputs
        if not (index.isdigit() and index.isascii()) or int(index) >= len(outputs):
            raise GraphFormatError(f"{where}: input {_clip(name)} names no output of op "
                                   f"{op_name!r} ({len(outputs)} outputs)")
        return outputs[int(index)]

    for number, node in enumerate(nodes):
        _check_node(node, number)
        where = f"op {node['name']!r}"
        if node["op"] not in registry.REGISTRY:
            raise GraphFormatError(f"{where} has type {_clip(node['op'])}, which this "
                                   f"graphflow does not define")
        if node["name"] in created:
            raise GraphFormatError(f"{where} is defined twice")
        with importing(graph, visible, prefix):
            attrs = {k: decode_value(v) for k, v in node["attrs"].items()}
        inputs = [tensor(n, where) for n in node["inputs"]]
        missing = [c for c in node["control_inputs"] if c not in created]
        if missing:
            raise GraphFormatError(f"{where} has control inputs {_clip(missing)} not defined "
                                   f"before it")
        try:
            with graph.device(node.get("device") or None), graph.control_dependencies(None):
                op = graph.create_op(node["op"], inputs, attrs, name=f"{prefix}{node['name']}/")
        except (KeyError, IndexError, TypeError, AttributeError, ValueError, OverflowError,
                RecursionError) as e:
            # The op's own checks of its attributes and inputs, which assume a sane caller.
            raise GraphFormatError(f"{where} (type {node['op']}) cannot be rebuilt: "
                                   f"{type(e).__name__}: {_clip(str(e), 300)}") from None
        op._add_control_inputs([created[c] for c in node["control_inputs"]])
        created[node["name"]] = op
    return created


class _Chain(dict):
    """A function body's names, then its enclosing graphs' (read-only view)."""

    def __init__(self, own: dict[str, Operation], outer: dict[str, Operation]) -> None:
        super().__init__()
        self.own, self.outer = own, outer

    def __contains__(self, name: object) -> bool:
        return name in self.own or name in self.outer

    def __getitem__(self, name: str) -> Operation:
        return self.own[name] if name in self.own else self.outer[name]


_NODE_FIELDS = {"name": str, "op": str, "inputs": list, "control_inputs": list, "attrs": dict}


def _check_node(node: Any, number: int) -> None:
    """Raises GraphFormatError unless `node` has every field, each of the right type."""
    if not isinstance(node, dict):
        raise GraphFormatError(f"node {number} is not an object")
    for key, kind in _NODE_FIELDS.items():
        if not isinstance(node.get(key), kind):
            raise GraphFormatError(f"node {number} ({_clip(node.get('name'))}): field {key!r} "
                                   f"is missing or not a {kind.__name__}")
    if not node["name"]:
        raise GraphFormatError(f"node {number} has an empty name")
    for key in ("inputs", "control_inputs"):
        if not all(isinstance(v, str) for v in node[key]):
            raise GraphFormatError(f"node {number} ({node['name']!r}): {key} are not all strings")
    if not isinstance(node.get("device", ""), (str, type(None))):
        raise GraphFormatError(f"node {number} ({node['name']!r}): device is not a string")


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
