"""The compiler: from (fetches, feeds) of the user's graph to an ExecutionPlan.

Passes, in pipeline order (each a pure function over IR node lists):
    lower (prune + CSE) -> fold -> simplify -> fuse -> dce -> schedule -> memory -> plan.
`GF_DISABLE_PASSES=fold,simplify,fuse` switches optional passes off (for debugging).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from graphflow.framework.tensor import Operation, Tensor
from graphflow.ops.registry import Spec

from .dce import eliminate_dead_code
from .fold import fold_constants
from .lower import lower
from .memory import last_uses
from .plan import ExecutionPlan
from .schedule import schedule
from .simplify import simplify


def _disabled() -> set[str]:
    return {p.strip() for p in os.environ.get("GF_DISABLE_PASSES", "").split(",") if p.strip()}


def compile_plan(fetch_tensors: Sequence[Tensor], target_ops: Sequence[Operation],
                 feeds: Sequence[Tensor], feed_specs: Sequence[Spec], backend: str,
                 state: Any) -> ExecutionPlan:
    """Compiles one run signature into an ExecutionPlan bound to a session's `state`.

    Raises:
        InvalidArgumentError: an unfed placeholder is needed or shapes conflict.
    """
    from graphflow.backends import make_kernels

    disabled = _disabled()
    nodes, fetched = lower(fetch_tensors, target_ops, feeds, feed_specs)
    if "fold" not in disabled:
        nodes, fetched = fold_constants(nodes, fetched)
    if "simplify" not in disabled:
        nodes, fetched = simplify(nodes, fetched)
    if "fuse" not in disabled and backend != "reference":
        from .fuse import fuse_elementwise

        nodes, fetched = fuse_elementwise(nodes, fetched, backend)
    order = schedule(eliminate_dead_code(nodes, fetched))
    fetched = fetched[: len(fetch_tensors)]  # the rest only marked target ops as live
    kernels = make_kernels(order, backend, state)
    return ExecutionPlan(order, fetched, len(feeds), kernels, last_uses(order, fetched), backend)
