"""Graph structure on disk: `tf.train.export_meta_graph`, `import_meta_graph`, `write_graph`.

A meta graph is one JSON document: the graph (see `graphflow.framework.graph_json`), its
collections (variables, tensors, ops and plain values, by name) and the Saver that goes with
it. `import_meta_graph` rebuilds all of it in another process with no model code: the ops,
their attributes and shapes, the Variables, the train op in its collection, and a Saver.
Nothing in the file is ever executed or imported, and a malformed file (invalid UTF-8 or JSON,
nesting deeper than the JSON parser allows, missing keys, wrong types anywhere) is a
GraphFormatError (a ValueError), never another exception.
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
            graphflow, names ops this graphflow does not define, or is malformed; the
            default graph is then left as it was (nothing of the file is added).
        RuntimeError: when the default graph is finalized.
    """
    meta = _read_json(meta_graph_or_file) if isinstance(meta_graph_or_file, (str, os.PathLike)) \
        else meta_graph_or_file
    check_header(meta, META_FORMAT, META_FORMAT_VERSION)
    for key, kind in (("graph_def", dict), ("collection_def", dict), ("saver_def", dict)):
        if key in meta and not isinstance(meta[key], kind):
            raise GraphFormatError(f"the meta graph's {key!r} is not a {kind.__name__}")
    try:
        with get_default_graph()._all_or_nothing():  # a failure part way leaves the graph as it was
            return _import(meta, clear_devices, import_scope)
    except (KeyError, IndexError, TypeError, AttributeError, OverflowError, RecursionError) as e:
        # Collections and the Saver reference ops by name; what a file can get wrong there.
        raise GraphFormatError(f"malformed meta graph: {type(e).__name__}: {str(e)[:300]}") \
            from None
    except ValueError as e:
        if isinstance(e, GraphFormatError):
            raise
        raise GraphFormatError(f"malformed meta graph: {str(e)[:300]}") from None


def _import(meta: dict[str, Any], clear_devices: bool, import_scope: str | None) -> Any:
    graph = get_default_graph()
    if graph.finalized:
        raise RuntimeError("Graph is finalized and cannot be modified.")
    graph_def = meta.get("graph_def")
    if not isinstance(graph_def, dict):
        raise GraphFormatError("the meta graph has no 'graph_def' object")
    if clear_devices and isinstance(graph_def.get("node"), list):
        graph_def = {**graph_def, "node": [{**n, "device": ""} if isinstance(n, dict) else n
                                           for n in graph_def["node"]]}
    import_graph_json(graph_def, graph, import_scope)
    variables: dict[str, Variable] = {}

    def variable(variable_def: dict[str, Any]) -> Variable:
        key = variable_def["variable_name"]
        if key not in variables:
            variables[key] = Variable.from_proto(variable_def, import_scope)
        return variables[key]

    prefix = f"{import_scope.rstrip('/')}/" if import_scope else ""
    for key, items in meta.get("collection_def", {}).items():
        if not isinstance(items, list):
            raise GraphFormatError(f"collection {key!r} is not a list")
        for item in items:
            graph.add_to_collection(key, _decode_item(item, graph, prefix, variable))
    from .saver import Saver

    saver_def = meta.get("saver_def")
    if saver_def is not None:
        if not isinstance(saver_def.get("variables"), dict):
            raise GraphFormatError("the meta graph's saver_def has no 'variables' object")
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
        if key == GraphKeys.SAVERS:  # a Saver is written as the meta graph's saver_def
            continue
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
    if not isinstance(item, dict) or len(item) != 1:
        raise GraphFormatError(f"malformed collection item {str(item)[:80]}")
    (kind, body), = item.items()
    if kind in ("tensor", "operation") and not isinstance(body, str):
        raise GraphFormatError(f"collection item {kind} is not a name: {str(body)[:80]}")
    if kind == "variable" and not isinstance(body, dict):
        raise GraphFormatError(f"collection variable is not an object: {str(body)[:80]}")
    if kind == "variable":
        return variable(body)
    if kind == "tensor":
        return graph.get_tensor_by_name(prefix + body)
    if kind == "operation":
        return graph.get_operation_by_name(prefix + body)
    if kind == "value":
        return body
    raise GraphFormatError(f"unknown collection item {str(item)[:80]}")


def _write_json(path: str, data: dict[str, Any], as_text: bool) -> None:
    with atomic_write(path, binary=False) as f:
        json.dump(data, f, indent=1 if as_text else None,
                  separators=None if as_text else (",", ":"))


def _read_json(path: str) -> dict[str, Any]:
    """The JSON document in `path`.

    Raises:
        OSError: when the file cannot be read.
        GraphFormatError: when it is not UTF-8 JSON (or nests deeper than the parser allows).
    """
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise GraphFormatError(f"{path} is not a graphflow meta graph (not UTF-8: {e})") \
            from None
    except ValueError as e:  # JSONDecodeError, or an integer literal of too many digits
        raise GraphFormatError(f"{path} is not a graphflow meta graph (invalid JSON: "
                               f"{str(e)[:200]})") from None
    except RecursionError:
        raise GraphFormatError(f"{path} is not a graphflow meta graph (JSON nested too "
                               f"deeply)") from None
