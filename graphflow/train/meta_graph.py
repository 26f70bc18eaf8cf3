"""Graph structure on disk: `tf.train.export_meta_graph`, `import_meta_graph`, `write_graph`.

A meta graph is one JSON document: the graph (see `graphflow.framework.graph_json`), its
collections (variables, tensors, ops and plain values, by name) and the Saver that goes with
it. `import_meta_graph` rebuilds all of it in another process with no model code: the ops,
their attributes and shapes, the Variables, the train op in its collection, and a Saver.
Nothing in the file is ever executed or imported.
"""

from __future__ import annotations

import json
import os
from typing import Any

from graphflow import logging
from graphflow.framework.graph import Graph, GraphKeys, get_default_graph
from graphflow.framework.graph_json import (
    GraphFormatError,
    check_header,
    graph_to_json,
    import_graph_json,
)
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.variables import Variable

from .atomic_files import atomic_write

META_FORMAT = "graphflow.meta_graph"
META_FORMAT_VERSION = 1


def export_meta_graph(filename: str | None = None, meta_info_def: Any = None,
                      graph_def: Any = None, saver_def: dict[str, Any] | None = None,
                      collection_list: Any = None, as_text: bool = False,
                      graph: Graph | None = None, export_scope: str | None = None,
                      clear_devices: bool = False, clear_extraneous_savers: bool = False,
                      strip_default_attrs: bool = False, save_debug_info: bool = False,
                      **kwargs: Any) -> dict[str, Any]:
    """The meta graph of `graph` (default graph) as a dict, also written to `filename`.

    Collections whose items cannot be written (Python objects other than Variables, tensors,
    ops, numbers and strings) are skipped with a warning, as TF1 does.
    """
    graph = graph if graph is not None else get_default_graph()
    from graphflow import __version__

    meta = {
        "format": META_FORMAT,
        "version": META_FORMAT_VERSION,
        "meta_info_def": {"graphflow_version": __version__, **(meta_info_def or {})},
        "graph_def": graph_to_json(graph, clear_devices=clear_devices),
        "collection_def": _collections(graph, collection_list),
    }
    if saver_def is not None:
        meta["saver_def"] = saver_def
    if filename:
        _write_json(filename, meta, as_text)
    return meta


def import_meta_graph(meta_graph_or_file: str | dict[str, Any], clear_devices: bool = False,
                      import_scope: str | None = None, **kwargs: Any) -> Any:
    """Rebuilds a meta graph in the default graph; returns its Saver (None if it has no
    variables).

    Raises:
        OSError: when the file cannot be read.
        ValueError (GraphFormatError): when it is not a graphflow meta graph, is from a newer
            graphflow, or names ops this graphflow does not define.
    """
    meta = _read_json(meta_graph_or_file) if isinstance(meta_graph_or_file, (str, os.PathLike)) \
        else meta_graph_or_file
    check_header(meta, META_FORMAT, META_FORMAT_VERSION)
    graph = get_default_graph()
    graph_def = meta["graph_def"]
    if clear_devices:
        graph_def = {**graph_def, "node": [{**n, "device": ""} for n in graph_def["node"]]}
    import_graph_json(graph_def, graph, import_scope)
    variables: dict[str, Variable] = {}

    def variable(variable_def: dict[str, Any]) -> Variable:
        key = variable_def["variable_name"]
        if key not in variables:
            variables[key] = Variable.from_proto(variable_def, import_scope)
        return variables[key]

    prefix = f"{import_scope.rstrip('/')}/" if import_scope else ""
    for key, items in meta.get("collection_def", {}).items():
        for item in items:
            graph.add_to_collection(key, _decode_item(item, graph, prefix, variable))
    from .saver import Saver

    saver_def = meta.get("saver_def")
    if saver_def is not None:
        return Saver({name: variable(d) for name, d in saver_def["variables"].items()},
                     max_to_keep=saver_def.get("max_to_keep", 5),
                     keep_checkpoint_every_n_hours=saver_def.get(
                         "keep_checkpoint_every_n_hours", 10000.0), allow_empty=True)
    if graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
        return Saver()
    logging.info("Saver not created because there are no variables in the graph to restore")
    return None


def write_graph(graph_or_graph_def: Graph | dict[str, Any], logdir: str, name: str,
                as_text: bool = True) -> str:
    """Writes the graph structure alone (ops, no values of variables) to `logdir/name`;
    returns the path. `as_text` indents the JSON for reading and diffing."""
    data = graph_to_json(graph_or_graph_def) if isinstance(graph_or_graph_def, Graph) \
        else graph_or_graph_def
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    _write_json(path, data, as_text)
    return path


def _collections(graph: Graph, keys: Any) -> dict[str, list[Any]]:
    out = {}
    for key in keys if keys is not None else graph.get_all_collection_keys():
        try:
            out[key] = [_encode_item(item) for item in graph.get_collection(key)]
        except TypeError as e:
            logging.warning("Issue encountered when serializing %s: %s", key, e)
    return out


def _encode_item(item: Any) -> dict[str, Any]:
    if isinstance(item, Variable):
        return {"variable": item.to_proto()}
    if isinstance(item, Tensor):
        return {"tensor": item.name}
    if isinstance(item, Operation):
        return {"operation": item.name}
    if isinstance(item, (bool, int, float, str)):
        return {"value": item}
    raise TypeError(f"cannot write a {type(item).__name__} to a meta graph")


def _decode_item(item: dict[str, Any], graph: Graph, prefix: str, variable: Any) -> Any:
    (kind, body), = item.items()
    if kind == "variable":
        return variable(body)
    if kind == "tensor":
        return graph.get_tensor_by_name(prefix + body)
    if kind == "operation":
        return graph.get_operation_by_name(prefix + body)
    if kind == "value":
        return body
    raise GraphFormatError(f"unknown collection item {item!r}")


def _write_json(path: str, data: dict[str, Any], as_text: bool) -> None:
    with atomic_write(path, binary=False) as f:
        json.dump(data, f, indent=1 if as_text else None,
                  separators=None if as_text else (",", ":"))


def _read_json(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise GraphFormatError(f"{path} is not a graphflow meta graph (invalid JSON: {e})") \
            from None
