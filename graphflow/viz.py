"""Graph rendering with graphviz: `graphflow.viz.to_dot(graph)` and `graphflow.render(graph, path)`.

Name scopes become nested clusters; each op shows its name, type and output shape; variables,
placeholders, constants and fetched tensors are drawn differently. To keep a large graph
readable, some scopes are collapsed into one box each (by default the `gradients` scopes and
the internals of each Variable: its initializer, assign and read ops).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

import graphviz

from graphflow.framework.graph import Graph, get_default_graph
from graphflow.framework.tensor import Operation, Tensor
from graphflow.framework.tensor_shape import format_dims

_STYLE = {
    "VariableV2": {"shape": "cylinder", "style": "filled", "fillcolor": "#cfe2f3"},
    "Placeholder": {"shape": "parallelogram", "style": "filled", "fillcolor": "#d9ead3"},
    "Const": {"shape": "box", "style": "rounded,filled", "fillcolor": "#eeeeee", "fontsize": "9"},
    "NoOp": {"shape": "octagon"},
}
_DEFAULT_STYLE = {"shape": "box", "style": "rounded"}
_COLLAPSED_STYLE = {"shape": "box3d", "style": "filled", "fillcolor": "#fff2cc"}


def _shape_text(op: Operation) -> str:
    if not op.outputs:
        return ""
    return " ".join(format_dims(t.shape.dims) for t in op.outputs[:2]) + (
        " ..." if len(op.outputs) > 2 else "")


def _collapse_target(op: Operation, patterns: Sequence[re.Pattern[str]],
                     variables: set[str]) -> str | None:
    """The name of the box `op` is collapsed into, or None when it is drawn on its own."""
    for p in patterns:
        m = p.match(op.name)
        if m:
            return m.group(0).rstrip("/")
    parts = op.name.split("/")
    for i in range(len(parts) - 1, 0, -1):  # ops inside a variable's own scope: its internals
        prefix = "/".join(parts[:i])
        if prefix in variables:
            return prefix
    return None


def to_dot(graph: Graph | None = None, fetches: Iterable[Any] = (),
           collapse: Sequence[str] = (r"(.*/)?gradients(_\d+)?/",),
           collapse_variables: bool = True, rankdir: str = "TB") -> graphviz.Digraph:
    """Builds a graphviz Digraph of `graph` (default graph).

    Args:
        graph: the graph to draw.
        fetches: tensors/ops to highlight (drawn with a bold red border).
        collapse: regexes (matched at the start of op names) of scopes drawn as one box each;
            by default every `gradients` scope. Pass () to draw everything.
        collapse_variables: draw each Variable as one node (hiding initial value/assign/read).
        rankdir: graphviz layout direction ("TB" or "LR").

    Returns:
        A `graphviz.Digraph`; `.source` is the DOT text, `.render()` needs the `dot` program.
    """
    graph = graph or get_default_graph()
    patterns = [re.compile(p) for p in collapse]
    variables = {op.name for op in graph.get_operations() if op.type == "VariableV2"} \
        if collapse_variables else set()
    highlighted = {getattr(f, "op", f).name for f in fetches if isinstance(f, (Tensor, Operation))}
    node_of: dict[str, str] = {}
    counts: dict[str, int] = {}
    for op in graph.get_operations():
        target = _collapse_target(op, patterns, variables)
        node_of[op.name] = target or op.name
        if target and target not in variables:
            counts[target] = counts.get(target, 0) + 1

    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir, "compound": "true", "fontsize": "10"},
                           node_attr={"fontsize": "10", "fontname": "Helvetica"},
                           edge_attr={"fontsize": "8", "color": "#666666"})
    clusters: dict[str, Any] = {}

    def container(name: str) -> Any:
        scope = name.rsplit("/", 1)[0] if "/" in name else ""
        if not scope:
            return dot
        if scope not in clusters:
            parent = container(scope)
            sub = graphviz.Digraph(name=f"cluster_{scope}",
                                   graph_attr={"label": scope.rsplit("/", 1)[-1], "style": "rounded",
                                               "color": "#999999", "fontcolor": "#555555"})
            clusters[scope] = (sub, parent)
        return clusters[scope][0]

    drawn: set[str] = set()
    for op in graph.get_operations():
        node = node_of[op.name]
        if node in drawn:
            continue
        drawn.add(node)
        if node != op.name and node not in variables:  # a collapsed scope
            attrs = dict(_COLLAPSED_STYLE, label=f"{node}\n({counts[node]} ops)")
            container(node).node(node, **attrs)
            continue
        real = graph.get_operation_by_name(node) if node != op.name else op
        short = real.name.rsplit("/", 1)[-1]
        label = short if short == real.type else f"{short}\n{real.type}"
        shape = _shape_text(real)
        if shape:
            label += f"\n{shape}"
        attrs = dict(_STYLE.get(real.type, _DEFAULT_STYLE), label=label)
        if real.name in highlighted:
            attrs.update(color="#cc0000", penwidth="2.5")
        container(real.name).node(real.name, **attrs)
    for sub, parent in reversed(list(clusters.values())):
        parent.subgraph(sub)

    edges: set[tuple[str, str, str]] = set()
    for op in graph.get_operations():
        dst = node_of[op.name]
        for t in op.inputs:
            src = node_of[t.op.name]
            if src != dst:
                edges.add((src, dst, format_dims(t.shape.dims)))
        for c in op.control_inputs:
            src = node_of[c.name]
            if src != dst:
                edges.add((src, dst, "^"))
    for src, dst, label in sorted(edges):
        style = {"style": "dashed"} if label == "^" else {"label": label}
        dot.edge(src, dst, **style)
    return dot


def render(graph: Graph | None, path: str, fetches: Iterable[Any] = (), **kwargs: Any) -> str:
    """Renders `graph` to `path`; the format comes from the suffix (.svg, .png, .pdf, .dot).

    Returns:
        The path written.

    Raises:
        graphviz.ExecutableNotFound: if the `dot` program is not installed (except for .dot).
    """
    dot = to_dot(graph, fetches, **kwargs)
    base, ext = os.path.splitext(path)
    fmt = ext.lstrip(".") or "svg"
    if fmt in ("dot", "gv"):
        with open(path, "w") as f:
            f.write(dot.source)
        return path
    dot.render(base, format=fmt, cleanup=True)
    return path
