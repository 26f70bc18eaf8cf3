"""The rebuild step every rewriting pass shares (fold, simplify, sink_control_inputs, the pattern
fusions, fuse_slices): walk a node list in order, let the pass decide what each node becomes, and
make every later node, control edge and fetched value read the result.

A pass supplies `visit(original, current)`: `original` is the node of the input list (what a
pass's own scan of the input found, keyed by `original.id`), `current` the same node with its
inputs and control inputs already remapped to what the earlier nodes became (the original
itself when nothing changed; else a copy with a new id). It returns one of:

- `current`: keep it (its outputs are read index-wise);
- a new `Node`: put it in the original's place; output i of the original is output i of it;
- a `Value` `(node, index)`: drop the original; its single output is that existing value;
- `None`: drop the original; nothing may read it (by value or by control edge);
- a `Replacement(node, outputs)`: `node` (or nothing, when None) in the original's place, and
  the original's output i read as `outputs[i]` where given (else index-wise from `node`;
  without a node, an output not given must be unread).
  This is how a two-into-one fusion lands: visiting the first node of the pattern it returns
  the fused node (`outputs` saying which fused output each of that node's outputs is); visiting
  the later node it returns `Replacement(None, {0: (fused, k)})` to drop it, or
  `Replacement(current, {0: (fused, k)})` to leave it in place, unread, for "dce".

Control edges on a replaced node wait for what took its place: the new node, or the producer of
the value (of the first mapped output, for a `Replacement` without node) that replaced it. A
visit that must read a value other than `current`'s inputs (an input of a later node of its
pattern, whose producer it has passed) asks the `Rewriter` running it (`read`, `waited_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .ir import Node, Value


@dataclass(frozen=True)
class Replacement:
    """What a visited node becomes when not simply one node read index-wise (see the module
    docstring): `node` takes its place in the list (None: nothing does), and its output i is
    read as `outputs[i]` where given, else as `(node, i)`."""

    node: Node | None
    outputs: Mapping[int, Value] = field(default_factory=dict)


Visit = Callable[[Node, Node], Node | Value | Replacement | None]


class Rewriter:
    """One rebuild of a node list by a `visit` function (the contract is the module docstring's).

    Call it once with the nodes and fetched values; during that call `read` and `waited_for`
    answer for every node visited so far.
    """

    def __init__(self, visit: Visit) -> None:
        self._visit = visit
        self._values: dict[tuple[int, int], Value] = {}  # (original id, output) -> value read now
        self._waited: dict[int, Node] = {}  # original id -> what a control edge on it waits for

    def read(self, value: Value) -> Value:
        """`value`, an output of a node of the input list already visited, as it is read now."""
        return self._values.get((value[0].id, value[1]), value)

    def waited_for(self, node: Node) -> Node:
        """What a control edge on `node` (of the input list, already visited) waits for now."""
        return self._waited.get(node.id, node)

    def __call__(self, nodes: Sequence[Node], fetched: Sequence[Value]
                 ) -> tuple[list[Node], list[Value]]:
        """Rebuilds `nodes` in order.

        Args:
            nodes: the IR nodes in a valid order.
            fetched: the fetched values (and target ops' `(node, -1)` markers).

        Returns:
            (nodes, fetched): the nodes the visits kept or made, in order, and the fetched
            values as they are read now.
        """
        out: list[Node] = []
        for node in nodes:
            inputs = tuple(self.read(v) for v in node.inputs)
            control = tuple(self.waited_for(c) for c in node.control)
            current = node if inputs == node.inputs and control == node.control else node.replace(
                inputs=inputs, control=control)
            result = self._visit(node, current)
            if result is None:
                continue
            if isinstance(result, Node):
                result = Replacement(result)
            elif isinstance(result, tuple):
                result = Replacement(None, {0: result})
            self._place(node, result, out)
        # a target op's marker (node, -1) follows the node that took the op's place
        return out, [self._values.get((n.id, i), (self.waited_for(n), i)) for n, i in fetched]

    def _place(self, original: Node, result: Replacement, out: list[Node]) -> None:
        new = result.node
        if new is not None:
            out.append(new)
            self._waited[original.id] = new
            if new is not original:
                for i in range(len(original.out_specs)):
                    self._values[(original.id, i)] = (new, i)
        elif result.outputs:
            self._waited[original.id] = result.outputs[min(result.outputs)][0]
        for i, value in result.outputs.items():
            self._values[(original.id, i)] = value


def rewrite(nodes: Sequence[Node], fetched: Sequence[Value], visit: Visit
            ) -> tuple[list[Node], list[Value]]:
    """Rebuilds `nodes` in order, each node becoming what `visit(original, current)` returns
    (see the module docstring), and returns (nodes, fetched values) after it."""
    return Rewriter(visit)(nodes, fetched)
