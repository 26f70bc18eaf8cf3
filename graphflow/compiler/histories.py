"""The "histories" pass: a While loop records the loop vars of each iteration (its `history`
output, read by the backward loop of its gradient) only in plans that consume that output.

Consumes the scheduled-to-be IR after dce; sets attr `record_history` on each While node that
has a history output, true iff some node or fetch uses it. A forward-only plan of a loop whose
gradient exists elsewhere in the graph thus runs as fast as before the gradient was built.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ir import Node, Value


def mark_recorded_histories(nodes: Sequence[Node], fetched: Sequence[Value]) -> None:
    """Sets `record_history` on the While nodes of `nodes` with a history output (the nodes are
    this compilation's own: their attrs are replaced by a copy, never edited in place)."""
    loops = [n for n in nodes if n.type == "While" and n.attrs.get("history")]
    if not loops:
        return
    used = {(src.id, i) for n in nodes for src, i in n.inputs}
    used |= {(n.id, i) for n, i in fetched}
    for node in loops:
        record = (node.id, len(node.out_specs) - 1) in used
        node.attrs = {**node.attrs, "record_history": record}
