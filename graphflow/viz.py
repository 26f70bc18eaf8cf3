"""Graph rendering with graphviz: `graphflow.viz.to_dot(graph)` and `graphflow.render(graph, path)`.

Name scopes become nested clusters; each op shows its name, type and output shape; variables,
placeholders, constants and fetched tensors are drawn differently. To keep a large graph
readable (and quick for `dot` to lay out), some scopes are collapsed into one box each: by
default the `gradients` scopes, each optimizer's per-variable update scope (`Adam/update_w`)
and the internals of each Variable (its initializer, assign and read ops). A loop or branch
(While/If op) is drawn in its scope's cluster (`while`, `cond`) together with the ops of its
bodies, which are named under that scope.

The DOT text avoids constructs that break `dot`'s rank assignment ("trouble in init_rank" in
graphviz 2.42/2.43): every node is declared once, in the cluster of its own scope, and a
variable whose scope also holds other boxes (an optimizer's slots `w/Adam`, `w/Adam_1`) is drawn
inside that scope's cluster, so no node sits beside a cluster named after it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
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
_CLUSTER_STYLE = {"style": "rounded", "color": "#999999", "fontcolor": "#555555"}

#: Collapsed by default: every `gradients` scope.
DEFAULT_COLLAPSE = (r"(.*/)?gradients(_\d+)?/",)

#: Edges are labelled with their tensor's shape up to this many edges: each label is a node for
#: `dot`'s layout, which beyond this takes minutes (every box still shows its output shape).
EDGE_LABEL_LIMIT = 400

#: At most this many lines of `dot`'s error output are quoted in a RenderError.
_ERROR_LINES = 12


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's `dot` program is not installed (or not on PATH)."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, "rendering a graph needs the Graphviz `dot` program, which is "
                                    "not on PATH: install Graphviz (e.g. `apt-get install "
                                    "graphviz`), or render to a .dot file")


class RenderError(RuntimeError):
    """Graphviz's `dot` failed on the generated graph (its message is quoted)."""


def _shape_text(op: Operation) -> str:
    if not op.outputs:
        return ""
    return " ".join(format_dims(t.shape.dims) for t in op.outputs[:2]) + (
        " ..." if len(op.outputs) > 2 else "")


def _update_scope(name: str, variables: set[str]) -> str | None:
    """`Adam/update_dense/w` for an op inside the scope an optimizer creates to update the
    variable `dense/w` (TF1 names it "update_" + the variable's op name), else None."""
    for m in re.finditer(r"(^|/)update_", name):
        rest = name[m.end():].split("/")
        for k in range(len(rest) - 1, 0, -1):
            if "/".join(rest[:k]) in variables:
                return name[:m.end()] + "/".join(rest[:k])
    return None


def _collapse_target(op: Operation, patterns: Sequence[re.Pattern[str]], variables: set[str],
                     collapse_updates: bool) -> str | None:
    """The name of the box `op` is collapsed into, or None when it is drawn on its own."""
    for p in patterns:
        m = p.match(op.name)
        if m:
            return m.group(0).rstrip("/")
    if collapse_updates:
        update = _update_scope(op.name, variables)
        if update is not None:
            return update
    if op.name in variables:  # a variable (an optimizer's slot `w/Adam` too) is its own box
        return None
    parts = op.name.split("/")
    for i in range(len(parts) - 1, 0, -1):  # ops inside a variable's own scope: its internals
        prefix = "/".join(parts[:i])
        if prefix in variables:
            return prefix
    return None


def _all_ops(graph: Graph) -> list[Operation]:
    """The graph's ops and, after each loop or branch op, the ops of its bodies (FuncGraph
    attributes, recursively): named under the op's scope, they draw inside its cluster."""
    out = []
    for op in graph.get_operations():
        out.append(op)
        for value in op.attrs.values():
            if isinstance(value, Graph) and value.building_function:
                out.extend(_all_ops(value))
    return out


def _scope_of(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


class _Boxes:
    """The boxes (graphviz nodes) of a graph: which box each op is drawn in, and the clusters
    they are declared in."""

    def __init__(self, graph: Graph, patterns: Sequence[re.Pattern[str]], variables: set[str],
                 collapse_updates: bool, cluster_depth: int | None) -> None:
        self.cluster_depth = cluster_depth
        self.box_of: dict[str, str] = {}
        self.collapsed: dict[str, int] = {}  # box of a collapsed scope -> its number of ops
        for op in _all_ops(graph):
            target = _collapse_target(op, patterns, variables, collapse_updates)
            self.box_of[op.name] = target or op.name
            if target and target not in variables:
                self.collapsed[target] = self.collapsed.get(target, 0) + 1
        boxes = set(self.box_of.values())
        # A box whose name is also the scope of other boxes is drawn inside that scope's cluster.
        self.scopes = {s for b in boxes for s in _prefixes(b)}

    def cluster_of(self, box: str) -> str:
        """The scope whose cluster declares `box` ("" = the top level)."""
        scope = box if box in self.scopes else _scope_of(box)
        if self.cluster_depth is None or not scope:
            return scope
        return "/".join(scope.split("/")[:self.cluster_depth])


def _prefixes(name: str) -> list[str]:
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def to_dot(graph: Graph | None = None, fetches: Iterable[Any] = (),
           collapse: Sequence[str] = DEFAULT_COLLAPSE, collapse_variables: bool = True,
           collapse_updates: bool = True, rankdir: str = "TB",
           cluster_depth: int | None = None, edge_labels: bool | None = None) -> graphviz.Digraph:
    """Builds a graphviz Digraph of `graph` (default graph).

    Args:
        graph: the graph to draw.
        fetches: tensors/ops to highlight (drawn with a bold red border).
        collapse: regexes (matched at the start of op names) of scopes drawn as one box each;
            by default every `gradients` scope. Pass () to draw them op by op.
        collapse_variables: draw each Variable as one node (hiding initial value/assign/read).
        collapse_updates: draw each optimizer update scope (`Adam/update_w`) as one box.
        rankdir: graphviz layout direction ("TB" or "LR").
        cluster_depth: how many levels of name scopes become nested clusters (None = all,
            0 = none); deeper scopes are drawn in their ancestor's cluster.
        edge_labels: label data edges with their tensor's shape (None = when the drawing has
            at most EDGE_LABEL_LIMIT edges).

    Returns:
        A `graphviz.Digraph`; `.source` is the DOT text, `.render()` needs the `dot` program.
    """
    graph = graph or get_default_graph()
    variables = {op.name for op in _all_ops(graph) if op.type == "VariableV2"}
    boxes = _Boxes(graph, [re.compile(p) for p in collapse],
                   variables if collapse_variables else set(), collapse_updates, cluster_depth)
    highlighted = {getattr(f, "op", f).name for f in fetches if isinstance(f, (Tensor, Operation))}
    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir, "fontsize": "10"},
                           node_attr={"fontsize": "10", "fontname": "Helvetica"},
                           edge_attr={"fontsize": "8", "color": "#666666"})
    members: dict[str, list[tuple[str, dict[str, str]]]] = {}
    drawn: set[str] = set()
    for op in _all_ops(graph):
        box = boxes.box_of[op.name]
        if box in drawn:
            continue
        drawn.add(box)
        members.setdefault(boxes.cluster_of(box), []).append((box, _box_attrs(
            graph, op, box, boxes, highlighted)))
    _declare(dot, "", members, _scope_tree(members))
    edges = _edges(graph, boxes.box_of)
    if edge_labels is None:
        edge_labels = len(edges) <= EDGE_LABEL_LIMIT
    for src, dst, label in edges:
        if label == "^":
            dot.edge(src, dst, style="dashed")
        else:
            dot.edge(src, dst, **({"label": label} if edge_labels else {}))
    return dot


def _box_attrs(graph: Graph, op: Operation, box: str, boxes: _Boxes,
               highlighted: set[str]) -> dict[str, str]:
    if box in boxes.collapsed:
        return dict(_COLLAPSED_STYLE, label=f"{box}\n({boxes.collapsed[box]} ops)")
    real = graph.get_operation_by_name(box) if box != op.name else op
    short = real.name.rsplit("/", 1)[-1]
    label = short if short == real.type else f"{short}\n{real.type}"
    shape = _shape_text(real)
    if shape:
        label += f"\n{shape}"
    attrs = dict(_STYLE.get(real.type, _DEFAULT_STYLE), label=label)
    if real.name in highlighted:
        attrs.update(color="#cc0000", penwidth="2.5")
    return attrs


def _declare(parent: graphviz.Digraph, scope: str,
             members: dict[str, list[tuple[str, dict[str, str]]]],
             children: dict[str, list[str]]) -> None:
    """Declares the boxes of `scope` in `parent`, then one nested cluster per child scope."""
    for box, attrs in members.get(scope, []):
        parent.node(box, **attrs)
    for child in children.get(scope, []):
        sub = graphviz.Digraph(name=f"cluster_{child}",
                               graph_attr=dict(_CLUSTER_STYLE, label=child.rsplit("/", 1)[-1]))
        _declare(sub, child, members, children)
        parent.subgraph(sub)


def _scope_tree(scopes: Iterable[str]) -> dict[str, list[str]]:
    """scope -> its child scopes, for the scopes holding boxes and every scope above them."""
    everything = {p for s in scopes if s for p in [*_prefixes(s), s]}
    children: dict[str, list[str]] = {}
    for s in sorted(everything):
        children.setdefault(_scope_of(s), []).append(s)
    return children


def _edges(graph: Graph, box_of: dict[str, str]) -> list[tuple[str, str, str]]:
    """(source box, destination box, label) once per pair of boxes: the shape of the first
    tensor between them, or "^" for a control edge when no tensor flows between them."""
    edges: dict[tuple[str, str], str] = {}
    for op in _all_ops(graph):
        dst = box_of[op.name]
        for t in op.inputs:
            src = box_of[t.op.name]
            if src != dst and edges.get((src, dst), "^") == "^":
                edges[(src, dst)] = format_dims(t.shape.dims)
        for c in op.control_inputs:
            src = box_of[c.name]
            if src != dst:
                edges.setdefault((src, dst), "^")
    return [(src, dst, label) for (src, dst), label in sorted(edges.items())]


def render(graph: Graph | None, path: str, fetches: Iterable[Any] = (), timeout: float | None = None,
           **kwargs: Any) -> str:
    """Renders `graph` to `path`; the format comes from the suffix (.svg, .png, .pdf, .dot).

    `dot` works in a temporary folder next to `path`: the file appears complete or not at all,
    and nothing else is left behind, also when `dot` fails. Graphviz's rank assignment still
    fails on some graphs with deeply nested clusters ("trouble in init_rank"): the layout is
    then retried with top-level scopes only as clusters, and then without clusters.

    Args:
        graph: the graph to draw (None = the default graph).
        path: the output file; its suffix picks the format (none = svg).
        fetches: tensors/ops to highlight.
        timeout: seconds each `dot` attempt may run (None = no limit).
        **kwargs: passed to `to_dot` (collapse, collapse_variables, collapse_updates, rankdir,
            cluster_depth, edge_labels).

    Returns:
        The path written.

    Raises:
        GraphvizNotFoundError: (a `graphviz.ExecutableNotFound`) the `dot` program is not
            installed; not raised for .dot/.gv output.
        RenderError: `dot` failed on every layout, or ran past `timeout`.
    """
    fmt = os.path.splitext(path)[1].lstrip(".") or "svg"
    folder = os.path.dirname(os.path.abspath(path))
    if fmt in ("dot", "gv"):
        source = to_dot(graph, fetches, **kwargs).source
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False) as f:
            f.write(source)
        os.replace(f.name, path)
        return path
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizNotFoundError()
    depths = [kwargs.pop("cluster_depth", None)]
    depths += [d for d in (1, 0) if depths[0] is None or d < depths[0]]
    failures = []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".render-") as work:
        output = os.path.join(work, f"graph.{fmt}")
        for depth in depths:
            source = to_dot(graph, fetches, cluster_depth=depth, **kwargs).source
            error = _run_dot(executable, fmt, source, output, work, timeout, path)
            if error is None:
                os.replace(output, path)
                return path
            failures.append(error)
    raise RenderError(f"graphviz's dot failed rendering {path}:\n{failures[0]}")


def _run_dot(executable: str, fmt: str, source: str, output: str, work: str,
             timeout: float | None, path: str) -> str | None:
    """Runs `dot` on `source` into `output`; None on success, else its (shortened) error."""
    source_file = os.path.join(work, "graph.gv")
    with open(source_file, "w") as f:
        f.write(source)
    try:
        run = subprocess.run([executable, f"-T{fmt}", "-o", output, source_file],
                             capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"graphviz's dot did not finish rendering {path} within {timeout} s"
                          ) from None
    if run.returncode == 0 and os.path.exists(output):
        return None
    lines = run.stderr.strip().splitlines()
    return "\n".join(lines[:_ERROR_LINES] + (["..."] if len(lines) > _ERROR_LINES else [])) + \
        f"\n(exit status {run.returncode})"
