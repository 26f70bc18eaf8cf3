"""What the pattern-fusion passes share (fuse_batch_norm_relu before "fuse"; fuse_pool_relu_grad,
fuse_bias_relu_pool and fuse_conv_backprops after it), besides the rebuild of compiler/rewrite.py:
the pipeline entry that steps aside wherever "fuse" is off (a backend's skipped pass, or
GF_DISABLE_PASSES), so the reference backend and an unfused plan still run op by op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .ir import Node, Value

NodeListRewrite = Callable[[Sequence[Node], Sequence[Value]], tuple[list[Node], list[Value]]]


def run_where_fusing(compilation: Any, policy: Any, rewrite: NodeListRewrite) -> None:
    """Applies `rewrite` to the compilation's nodes and fetched values, unless "fuse" is off."""
    from .passes import disabled_passes

    if "fuse" in getattr(policy, "skipped_passes", ()) or "fuse" in disabled_passes():
        return
    compilation.nodes, compilation.fetched = rewrite(compilation.nodes, compilation.fetched)
