"""Elementwise fusion: convex groups of fusable elementwise nodes with one iteration space become
one `_FusedElementwise` node, which the CPU backend runs as one generated numba loop and the
CUDA backend as one generated kernel.

Grouping walks the nodes in topological order. A node joins the groups of its producers that
iterate over the same (static) output shape, merging them, when that cannot create a cycle:
no path may leave the merged group and re-enter it. Values of a group that are used outside it
(or fetched) become outputs of the fused node; values used only inside never exist as arrays.
Which rows may fuse and which groups pay off is the backend's fusion policy (`FusionPolicy`):
on the CPU single nodes and small groups over few elements stay numpy calls; on a GPU every
elementwise op is a kernel launch, so every row fuses and any group of two or more pays off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import networkx as nx

from graphflow.ops.elementwise import ELEMENTWISE

from .fused_op import FUSED, Program
from .ir import Node, Value


class FusionPolicy(Protocol):
    """What a backend decides about fusion (the structural rules are the pass's own)."""

    def fusable(self, node: Node) -> bool:
        """Whether the elementwise node `node` may join a fused group on this backend."""

    def worth_fusing(self, members: list[Node]) -> bool:
        """Whether a group (in topological order) runs faster fused than as separate calls."""


def _fusable(node: Node, pinned: set[int], policy: FusionPolicy) -> bool:
    if node.type not in ELEMENTWISE or node.control or node.id in pinned:
        return False
    specs = list(node.in_specs) + list(node.out_specs)
    # strings (object arrays) never enter a generated numba loop or CUDA kernel
    return all(s.shape.is_fully_defined() and s.dtype.np.kind != "O" for s in specs) \
        and policy.fusable(node)


def _groups(nodes: Sequence[Node], fetched: Sequence[Value], policy: FusionPolicy
            ) -> dict[int, list[Node]]:
    """Group id -> members (in topological order), for groups of two or more nodes.

    A node joins (and so merges) every producer group of its own shape, unless that would
    make a cycle: a group may not reach another member of the union through an outside node.
    """
    pinned = {c.id for n in nodes for c in n.control} | {n.id for n, i in fetched if i < 0}
    parent: dict[int, int] = {}  # union-find over group ids
    group_of: dict[int, int] = {}
    shape_of: dict[int, tuple[int, ...]] = {}
    depends: dict[int, set[int]] = {}  # node id -> group ids upstream of it (and its own)
    outside: dict[int, set[int]] = {}  # group id -> groups its members reach from outside

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    def roots(ids: set[int]) -> set[int]:
        return {find(g) for g in ids}

    for node in nodes:
        upstream: set[int] = set()
        for src, _ in node.inputs:
            upstream |= depends.get(src.id, set())
        depends[node.id] = upstream
        if not _fusable(node, pinned, policy):
            continue
        shape = tuple(node.out_specs[0].shape.as_list())
        candidates = {find(group_of[src.id]) for src, _ in node.inputs
                      if src.id in group_of and shape_of[find(group_of[src.id])] == shape}
        union: set[int] = set()
        for g in sorted(candidates):
            trial = union | {g}
            external = [src for src, _ in node.inputs
                        if src.id not in group_of or find(group_of[src.id]) not in trial]
            if any(roots(depends.get(o.id, set())) & trial for o in external):
                continue  # another input reaches the union through an outside node
            if any(roots(outside[a]) & (trial - {a}) for a in trial):
                continue  # one group reaches another through an outside node
            union = trial
        if union:
            root = min(union)
            for g in union:
                parent[g] = root
                outside[root] = outside.get(root, set()) | outside[g]
        else:
            root = node.id
            parent[root] = root
            shape_of[root] = shape
            outside[root] = set()
        group_of[node.id] = root
        for src, _ in node.inputs:
            if src.id not in group_of or find(group_of[src.id]) != root:
                outside[root] |= depends.get(src.id, set())
        depends[node.id] = upstream | {root}

    members: dict[int, list[Node]] = {}
    for node in nodes:
        if node.id in group_of:
            members.setdefault(find(group_of[node.id]), []).append(node)
    return {g: m for g, m in members.items() if policy.worth_fusing(m)}


def fuse_elementwise(nodes: Sequence[Node], fetched: Sequence[Value], policy: FusionPolicy
                     ) -> tuple[list[Node], list[Value]]:
    """Replaces each fusable group by one fused node; returns nodes in a topological order."""
    groups = _groups(nodes, fetched, policy)
    if not groups:
        return list(nodes), list(fetched)
    unit_of = {m.id: g for g, ms in groups.items() for m in ms}
    position = {n.id: k for k, n in enumerate(nodes)}

    # Used outside their group (or fetched): the fused node must output these values.
    needed: set[Value] = {(n, i) for n, i in fetched if i >= 0}
    for n in nodes:
        for src, i in n.inputs:
            if src.id in unit_of and unit_of.get(n.id) != unit_of[src.id]:
                needed.add((src, i))

    # Order units (single nodes and whole groups) topologically, ties by original position.
    def unit(n: Node) -> int:
        return unit_of.get(n.id, n.id)

    dag = nx.DiGraph()
    first: dict[int, int] = {}
    for n in nodes:
        u = unit(n)
        first[u] = min(first.get(u, position[n.id]), position[n.id])
        dag.add_node(u)
        for src, _ in n.inputs:
            if unit(src) != u:
                dag.add_edge(unit(src), u)
        for c in n.control:
            if unit(c) != u:
                dag.add_edge(unit(c), u)
    order = nx.lexicographical_topological_sort(dag, key=lambda u: first[u])

    by_id = {n.id: n for n in nodes}
    remap: dict[Value, Value] = {}
    node_map: dict[int, Node] = {}
    out: list[Node] = []
    for u in order:
        if u not in groups:
            n = by_id[u]
            inputs = tuple(remap.get(v, v) for v in n.inputs)
            control = tuple(node_map.get(c.id, c) for c in n.control)
            new = n if inputs == n.inputs and control == n.control else n.replace(
                inputs=inputs, control=control)
            node_map[n.id] = new
            for i in range(len(n.out_specs)):
                remap[(n, i)] = (new, i)
            out.append(new)
            continue
        fused, outputs = _fused_node(groups[u], needed, remap)
        out.append(fused)
        for k, value in enumerate(outputs):
            remap[value] = (fused, k)
    return out, [remap.get(v, v) if v[1] >= 0 else (node_map.get(v[0].id, v[0]), -1)
                 for v in fetched]


def _fused_node(members: list[Node], needed: set[Value], remap: dict[Value, Value]
                ) -> tuple[Node, list[Value]]:
    """The fused node of a group and the original values its outputs stand for."""
    step_of = {m.id: k for k, m in enumerate(members)}
    inputs: list[Value] = []
    in_specs = []
    steps = []
    for m in members:
        operands = []
        for (src, i), spec in zip(m.inputs, m.in_specs):
            if src.id in step_of:
                operands.append(("step", step_of[src.id]))
                continue
            value = remap.get((src, i), (src, i))
            if value not in inputs:
                inputs.append(value)
                in_specs.append(spec)
            operands.append(("in", inputs.index(value)))
        steps.append((m.type, tuple(operands)))
    outputs = [(m, 0) for m in members if (m, 0) in needed]
    program = Program(
        steps=tuple(steps),
        outputs=tuple(step_of[m.id] for m, _ in outputs),
        shape=tuple(members[0].out_specs[0].shape.as_list()),
        in_shapes=tuple(tuple(s.shape.as_list()) for s in in_specs),
        in_dtypes=tuple(s.dtype.np.str for s in in_specs),
        out_dtypes=tuple(m.out_specs[0].dtype.np.str for m, _ in outputs),
    )
    last = members[-1]
    # the members' names and types: a traced run and the profiler report what a kernel contains
    fused_ops = tuple((m.name, m.type) for m in members)
    node = Node(FUSED, f"{last.name}/fused{len(members)}", {"program": program, "fused_ops": fused_ops},
                inputs, (), in_specs, [m.out_specs[0] for m, _ in outputs], op=last.op,
                host=all(m.host for m in members))
    return node, outputs
