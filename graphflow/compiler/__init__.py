"""The compiler: from (fetches, feeds) of the user's graph to an unbound ExecutionPlan.

Passes, in pipeline order (`passes.PASSES`, each a pure function over IR node lists):
    lower (prune + CSE + placement) -> fold -> simplify -> fuse -> dce -> histories -> schedule
    -> memory
and then the plan. `GF_DISABLE_PASSES=fold,simplify,fuse` switches optional passes off (for
debugging); GF_DEBUG=3 prints the IR after each pass. The plan comes back unbound: a backend
(graphflow.backends) attaches its kernels with `Backend.bind`. The compiler imports no backend;
a backend shapes compilation only through its `CompilePolicy`.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphflow.framework.tensor import Operation, Tensor
from graphflow.ops.registry import Spec

from . import debug
from .ir import format_nodes, numbering
from .passes import PASSES, Compilation, CompilePolicy, disabled_passes
from .plan import ExecutionPlan


def compile_plan(fetch_tensors: Sequence[Tensor], target_ops: Sequence[Operation],
                 feeds: Sequence[Tensor], feed_specs: Sequence[Spec],
                 policy: CompilePolicy) -> ExecutionPlan:
    """Compiles one run signature into an ExecutionPlan, not yet bound to a backend.

    Args:
        fetch_tensors: the tensors whose values the run returns.
        target_ops: the ops the run executes for their effects.
        feeds: the fed tensors; `feed_specs` their concrete specs (shapes of the fed values).
        policy: the backend's compile policy (skipped passes, fusion policy).

    Returns:
        The plan; its node ids are numbered from 0 for this compilation.

    Raises:
        InvalidArgumentError: an unfed placeholder is needed or shapes conflict.
    """
    skipped = disabled_passes() | set(policy.skipped_passes)
    trace = debug.debug_level() >= 3
    compilation = Compilation(fetch_tensors, target_ops, feeds, feed_specs)
    with numbering():
        for step in PASSES:
            if step.optional and step.name in skipped:
                continue
            step.run(compilation, policy)
            if trace:
                debug.write(f"graphflow IR after {step.name}:\n{format_nodes(compilation.nodes)}")
    c = compilation
    return ExecutionPlan(c.nodes, c.fetched, len(feeds), c.releases, c.ops)


__all__ = ["ExecutionPlan", "compile_plan"]
