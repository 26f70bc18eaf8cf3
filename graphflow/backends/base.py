"""The Backend protocol: what the session and the compiler know of a backend.

A backend has a name, a fusion policy and the optional passes it skips (its `CompilePolicy`,
which is all the compiler sees), a kernel per IR node (`kernel`), `bind(plan, state)` attaching
those kernels to an unbound ExecutionPlan, `upload`/`download` between host arrays and its own
values, and `new_state()` for a session's storage. Nothing outside graphflow/backends compares
backend names: a new backend is one module with a `Backend` subclass, named in
`graphflow.backends.BACKENDS`.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any, ClassVar

from graphflow.compiler import debug
from graphflow.compiler.ir import Node
from graphflow.compiler.plan import ExecutionPlan

from .state import BackendState

Kernel = Callable[..., Any]


def executable(node: Node) -> bool:
    """Whether a plan calls a kernel for `node` (feeds and constants are values, not calls)."""
    return node.type != "_Feed" and not node.is_const


def reference_kernel(node: Node) -> Kernel:
    """The op's numpy reference with the node's attributes bound."""
    reference, attrs = node.opdef.reference, node.attrs
    return lambda *xs: reference(attrs, *xs)


class Backend(abc.ABC):
    """One way of executing plans (see the module docstring)."""

    #: The name sessions report (`Session.backend`) and GF_BACKEND selects.
    name: ClassVar[str] = ""
    #: Optional compiler passes this backend's plans skip (PyTensor's incompatible rewrites).
    skipped_passes: ClassVar[frozenset[str]] = frozenset()
    #: GPUs a session on this backend has (TF1's device placement checks read it).
    num_gpus: ClassVar[int] = 0
    #: Whether values live apart from the host: feeds and constants are uploaded, fetches
    #: downloaded. False: host arrays pass through unchanged (no call on the hot path).
    moves_values: ClassVar[bool] = False
    #: Whether the session may compile plans general in the feeds' unknown dimensions (one
    #: plan for every batch size, see graphflow.session.plan_cache): the backend's kernels
    #: must all take shapes known only at run time. False: a plan per feed shape.
    general_plans: ClassVar[bool] = False

    # ---- compile policy --------------------------------------------------------------------
    def fusable(self, node: Node) -> bool:
        """Whether the elementwise node `node` may join a fused group."""
        return True

    def worth_fusing(self, members: list[Node]) -> bool:
        """Whether a group of elementwise nodes runs faster as one fused kernel."""
        return len(members) > 1

    # ---- values -------------------------------------------------------------------------------
    def upload(self, value: Any) -> Any:
        """A host array in this backend's form (identity on host backends)."""
        return value

    def download(self, value: Any) -> Any:
        """A fresh host copy of a value in this backend's form (identity on host backends)."""
        return value

    def new_state(self) -> BackendState:
        """Empty storage (variables, random streams) for one session on this backend."""
        return BackendState(self.upload, self.download, self)

    # ---- kernels ------------------------------------------------------------------------------
    @abc.abstractmethod
    def kernel(self, node: Node, state: BackendState, host_nodes: list[Node]) -> Kernel:
        """The callable that executes `node` (stateful ops bound to `state`).

        Args:
            node: an executable IR node of a plan.
            state: the session's storage.
            host_nodes: the plan's list of nodes that run on the host; a device backend
                appends to it, when binding or later, at run time.
        """

    def kernel_sources(self, node: Node) -> list[str]:
        """Generated kernel sources behind `node` (for GF_DEBUG=2); none by default."""
        return []

    def bind(self, plan: ExecutionPlan, state: BackendState) -> ExecutionPlan:
        """Attaches a kernel to every executable node of `plan` and returns it, runnable.

        GF_DEBUG=1 prints the bound plan, =2 adds its generated function and kernel sources.
        """
        host_nodes: list[Node] = []
        kernels = {n.id: self.kernel(n, state, host_nodes) for n in plan.order if executable(n)}
        if self.moves_values:
            plan.attach(self.name, kernels, host_nodes, self.upload, self.download)
        else:
            plan.attach(self.name, kernels, host_nodes)
        level = debug.debug_level()
        if level:
            debug.write(self.debug_text(plan, level))
        return plan

    def bind_sub_plan(self, plan: ExecutionPlan, state: BackendState) -> ExecutionPlan:
        """As `bind`, for the plan of a function body (a loop's predicate or body, a branch):
        its feeds and results stay in this backend's form, so loop values never leave it."""
        host_nodes: list[Node] = []
        kernels = {n.id: self.kernel(n, state, host_nodes) for n in plan.order if executable(n)}
        plan.attach(self.name, kernels, host_nodes, self.upload if self.moves_values else None,
                    raw_io=True)
        return plan

    def debug_text(self, plan: ExecutionPlan, level: int) -> str:
        """What GF_DEBUG=`level` prints for a bound plan."""
        parts = [f"graphflow plan {plan.id} ({self.name}):", plan.describe()]
        if level >= 2:
            parts.append(plan.listing().rstrip("\n"))
            for node in plan.order:
                for source in self.kernel_sources(node):
                    parts.append(f"# kernel of %{node.id} {node.type} '{node.name}':")
                    parts.append(source.rstrip("\n"))
        return "\n".join(parts) + "\n"
