"""What the pattern-fusion passes share (fuse_batch_norm_relu before "fuse"; fuse_pool_relu_grad,
fuse_bias_relu_pool and fuse_conv_backprops after it): following a value through a rewrite, and
the pipeline entry that steps aside wherever "fuse" is off (a backend's skipped pass, or
GF_DISABLE_PASSES), so the reference backend and an unfused plan still run op by op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .ir import Node, Value

Rewrite = Callable[[Sequence[Node], Sequence[Value]], tuple[list[Node], list[Value]]]


def follow(value: Value, remap: dict[Value, Value], replaced: dict[int, Node]) -> Value:
    """`value` after a rewrite: a fused node's output, or the same output of a rewritten node."""
    if value in remap:
        return remap[value]
    node, k = value
    return replaced.get(node.id, node), k


def run_where_fusing(compilation: Any, policy: Any, rewrite: Rewrite) -> None:
    """Applies `rewrite` to the compilation's nodes and fetched values, unless "fuse" is off."""
    from .passes import disabled_passes

    if "fuse" in getattr(policy, "skipped_passes", ()) or "fuse" in disabled_passes():
        return
    compilation.nodes, compilation.fetched = rewrite(compilation.nodes, compilation.fetched)
