"""The "histories" pass: a While loop records the loop vars of each iteration (its `history`
output, read by the backward loop of its gradient) only in plans that consume that output.

Consumes the scheduled-to-be IR after dce; sets attr `record_history` on each While node that
has a history output, true iff some node or fetch uses it. A forward-only plan of a loop whose
gradient exists elsewhere in the graph thus runs as fast as before the gradient was built.
It also sets attr `unused_outputs` on every While node: the loop variables whose final value
nothing in the plan uses (the While kernel then carries only the variables something needs,
graphflow.ops.control_flow_liveness).
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value


def mark_recorded_histories(nodes: Sequence[Node], fetched: Sequence[Value]) -> None:
    """Sets `record_history` on the While nodes of `nodes` with a history output (the nodes are
    this compilation's own: their attrs are replaced by a copy, never edited in place)."""
    loops = [n for n in nodes if n.type == "While"]
    if not loops:
        return
    used = {(src.id, i) for n in nodes for src, i in n.inputs}
    used |= {(n.id, i) for n, i in fetched}
    for node in loops:
        attrs = dict(node.attrs)
        if attrs.get("history"):
            attrs["record_history"] = (node.id, len(node.out_specs) - 1) in used
        n = len(attrs["output_shapes"])
        attrs["unused_outputs"] = tuple(k for k in range(n) if (node.id, k) not in used)
        node.attrs = attrs
