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

from collections.abc import Callable, Sequence
from typing import Protocol

from graphflow.ops.elementwise import ELEMENTWISE

from .fused_op import FUSED, Program
from .ir import Node, Value
from .rewrite import Replacement, Rewriter
from .toposort import topological_order


class FusionPolicy(Protocol):
    """What a backend decides about fusion (the structural rules are the pass's own).

    A policy may also set `fuses_unknown_dims = True` (read with getattr, default False): its
    fused kernels take iteration spaces with dimensions known only at run time.
    """

    def fusable(self, node: Node) -> bool:
        """Whether the elementwise node `node` may join a fused group on this backend."""

    def worth_fusing(self, members: list[Node]) -> bool:
        """Whether a group (in topological order) runs faster fused than as separate calls."""


def _fusable(node: Node, pinned: set[int], policy: FusionPolicy) -> bool:
    if node.type not in ELEMENTWISE or node.control or node.id in pinned:
        return False
    specs = list(node.in_specs) + list(node.out_specs)
    # dimensions known only at run time (a plan general in the batch size) need a kernel that
    # checks them per call: only where the backend's kernels do
    dynamic = getattr(policy, "fuses_unknown_dims", False)
    # strings (object arrays) never enter a generated numba loop or CUDA kernel
    return all((s.shape.is_fully_defined() or (dynamic and s.shape.dims is not None))
               and s.dtype.np.kind != "O" for s in specs) and policy.fusable(node)


#: Bounds of a fused group: numba's SSA, liveness and typing passes over one generated loop
#: grow faster than linearly with its statements (a 1,000-row program took 19 s to compile, 48
#: rows about 0.3 s), and every argument is typed per call signature. Longer chains
#: become several groups; identical groups share one kernel (the kernel cache is keyed by the
#: program), so a long chain of repeating blocks compiles a handful of kernels.
MAX_GROUP_OPS = 48
MAX_GROUP_INPUTS = 16


class _Group:
    """A fused group under construction: its members' count, the first member's position,
    and the nodes feeding its members from outside (candidates for a path that would leave
    and re-enter the group)."""

    __slots__ = ("external", "first", "shape", "size")

    def __init__(self, shape: tuple, first: int) -> None:
        self.shape = shape
        self.first = first
        self.size = 0
        self.external: list[Value] = []


def _groups(nodes: Sequence[Node], fetched: Sequence[Value], policy: FusionPolicy
            ) -> dict[int, list[Node]]:
    """Group id -> members (in topological order), for groups of two or more nodes.

    A node joins (and so merges) the producer groups of its own shape while the union stays
    within MAX_GROUP_OPS / MAX_GROUP_INPUTS and cannot make a cycle: no path may leave the
    union and re-enter it. That is checked by a walk back from the union's outside inputs,
    which stops at nodes placed before the union's first member, so its cost depends on the
    neighbourhood of the group, not on the size of the graph.
    """
    pinned = {c.id for n in nodes for c in n.control} | {n.id for n, i in fetched if i < 0}
    position = {n.id: k for k, n in enumerate(nodes)}
    parent: dict[int, int] = {}  # union-find over group ids
    group_of: dict[int, int] = {}
    info: dict[int, _Group] = {}

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    def root_of(n: Node) -> int | None:
        g = group_of.get(n.id)
        return None if g is None else find(g)

    def reenters(trial: set[int], starts: list[Node]) -> bool:
        """Whether a member of the groups `trial` is upstream of an outside node in `starts`.

        Another group runs as one unit, so a node of it is downstream of every input of the
        whole group (G -> exp -> H -> G is a cycle of units though no single node closes it):
        reaching a grouped node walks on from all of its group's inputs, even when the node
        itself comes before `trial` (its group's other members may come after)."""
        first = min(info[g].first for g in trial)
        seen: set[int] = set()
        expanded: set[int] = set()
        stack = [s for s in starts if root_of(s) not in trial]
        while stack:
            n = stack.pop()
            if n.id in seen:
                continue
            seen.add(n.id)
            root = root_of(n)
            if root in trial:
                return True
            if root is not None and root not in expanded:
                expanded.add(root)
                stack.extend(src for src, _ in info[root].external)
            if position.get(n.id, -1) < first:
                continue
            stack.extend(src for src, _ in n.inputs)
            stack.extend(n.control)
        return False

    def outside_values(trial: set[int], node: Node) -> dict[Value, None]:
        """The distinct values the union of `trial` and `node` would read from outside."""
        values = [v for g in trial for v in info[g].external] + list(node.inputs)
        return {v: None for v in values if root_of(v[0]) not in trial}

    for node in nodes:
        if not _fusable(node, pinned, policy):
            continue
        shape = tuple(node.out_specs[0].shape.as_list())
        candidates = {r for r in (root_of(src) for src, _ in node.inputs)
                      if r is not None and info[r].shape == shape}
        union: set[int] = set()
        size = 1
        for g in sorted(candidates):
            trial = union | {g}
            outside = outside_values(trial, node)
            if size + info[g].size > MAX_GROUP_OPS or len(outside) > MAX_GROUP_INPUTS:
                continue
            if reenters(trial, [src for src, _ in outside]):
                continue
            union, size = trial, size + info[g].size
        if union:
            root = min(union)
            for g in union:
                if g != root:
                    parent[g] = root
                    info[root].first = min(info[root].first, info[g].first)
        else:
            root = node.id
            parent[root] = root
            info[root] = _Group(shape, position[node.id])
        info[root].external = list(outside_values(union, node))
        info[root].size = size
        group_of[node.id] = root

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

    first: dict[int, int] = {}
    successors: dict[int, list[int]] = {}
    for n in nodes:
        u = unit(n)
        first[u] = min(first.get(u, position[n.id]), position[n.id])
        successors.setdefault(u, [])
        for src in [src for src, _ in n.inputs] + list(n.control):
            if unit(src) != u:
                successors.setdefault(unit(src), []).append(u)
    order = topological_order(list(first), successors, key=lambda u: first[u])

    by_id = {n.id: n for n in nodes}
    ordered = [n for u in order for n in (groups[u] if u in groups else [by_id[u]])]
    made: dict[int, tuple[Node, list[Value]]] = {}  # group -> fused node, values it outputs

    def visit(original: Node, current: Node) -> Node | Replacement:
        u = unit_of.get(original.id)
        if u is None:
            return current
        if u not in made:  # the group's first member: the fused node takes its place
            made[u] = _fused_node(groups[u], needed, rewriter.read)
        fused, outputs = made[u]
        mapped = {0: (fused, outputs.index((original, 0)))} if (original, 0) in outputs else {}
        # a member's value nobody outside the group reads is never read again (none is a
        # control input or a target: those are pinned out of groups)
        return Replacement(fused if original is groups[u][0] else None, mapped)

    rewriter = Rewriter(visit)
    return rewriter(ordered, fetched)


def _fused_node(members: list[Node], needed: set[Value], read: Callable[[Value], Value]
                ) -> tuple[Node, list[Value]]:
    """The fused node of a group and the original values its outputs stand for; `read` gives
    what an outside input reads now (the rebuild's remapping)."""
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
            value = read((src, i))
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
