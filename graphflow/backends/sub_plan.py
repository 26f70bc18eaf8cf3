"""Sub-plans: a function body (a branch of `tf.cond`, a loop's predicate or body) compiled
by the ordinary compiler and bound by the session's backend, for the kernels of If and While.

A `SubPlan` compiles its FuncGraph once per input signature (the shapes of the values it is
called with; dtypes are fixed by the graph) through the same passes as any plan (fold,
simplify, CSE, fusion, dce, schedule, memory), and binds it with the session's backend and
state: variables read or assigned inside the body are the session's. Its feeds and results
stay in the backend's own form (device arrays on the CUDA backend), so a loop's values never
leave the device; only a predicate is read on the host (`to_bool`).

A fed LoopHistory (the record a backward loop reads) also selects the plan by the shapes its
slots kept (`LoopHistory.entry_shapes`), which its LoopHistoryRead nodes then have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphflow.compiler import compile_plan, debug
from graphflow.compiler.plan import ExecutionPlan
from graphflow.framework.tensor_shape import TensorShape
from graphflow.ops.control_flow_history import HistorySpec, LoopHistory
from graphflow.ops.registry import Spec

from .state import BackendState

#: Signatures compiled into a plan specialized to their shapes, per body; beyond them one
#: generic plan, compiled with the varying dims unknown (as the shape invariants leave them),
#: serves every further signature: a loop whose values grow each iteration compiles a few
#: plans, not one per iteration.
MAX_SIGNATURES = 8


def _spec(value: Any, declared: Any) -> Spec:
    shape = getattr(value, "shape", None)
    if shape is None or declared.dtype.np.kind == "O" and not isinstance(value, np.ndarray):
        return Spec(declared.shape, declared.dtype)  # a host object (TensorList): as declared
    return Spec(TensorShape(tuple(shape)), declared.dtype)


def _recorded_shapes(value: Any) -> Any:
    """The slot shapes of a LoopHistory (None for any other value)."""
    return value.entry_shapes() if isinstance(value, LoopHistory) else None


class SubPlan:
    """One FuncGraph bound to one session's backend and state (see the module docstring).

    Args:
        func: the FuncGraph (its `inputs` are fed, `outputs` fetched, `control_outputs` run).
        state: the session's BackendState (its `backend` binds the plans).
        label: what GF_DEBUG prints above the sub-plan (e.g. "while/While body").
        outputs: the positions in `func.outputs` the plan returns, in order (default: all); a
            loop leaves out the loop variables no one needs (ops.control_flow_liveness).
    """

    def __init__(self, func: Any, state: BackendState, label: str,
                 outputs: Sequence[int] | None = None) -> None:
        self.func = func
        positions = list(range(len(func.outputs))) if outputs is None else list(outputs)
        self.outputs = [func.outputs[k] for k in positions]
        self.state = state
        self.backend = state.backend
        self.label = label
        self._plans: dict[tuple[Any, ...], ExecutionPlan] = {}
        self._generic: ExecutionPlan | None = None
        #: inputs whose static shape leaves dims open: only their shapes select a plan
        self.dynamic = tuple(i for i, t in enumerate(func.inputs)
                             if t.dtype.np.kind != "O" and not t.shape.is_fully_defined())
        #: list-valued inputs: a LoopHistory among them selects a plan by its slots' shapes
        self.variants = tuple(i for i, t in enumerate(func.inputs) if t.dtype.np.kind == "O")
        download = self.backend.download
        self.truth: Any = bool if not self.backend.moves_values else (
            lambda value: bool(np.asarray(download(value))))

    def plan_for(self, values: Sequence[Any]) -> ExecutionPlan:
        """The bound plan for the shapes of `values` (compiled on first use)."""
        key = tuple(values[i].shape for i in self.dynamic)
        if self.variants:
            key += tuple(_recorded_shapes(values[i]) for i in self.variants)
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) < MAX_SIGNATURES:
                plan = self._plans[key] = self._compile(values)
            else:
                if self._generic is None:
                    self._generic = self._compile(values, generic=True)
                plan = self._generic
        return plan

    def _compile(self, values: Sequence[Any], generic: bool = False) -> ExecutionPlan:
        func = self.func
        specs = [_spec(v, Spec(t.shape, t.dtype)) for v, t in zip(values, func.inputs)]
        if generic:  # the dims the static shapes leave open stay open
            for i in self.dynamic:
                specs[i] = Spec(func.inputs[i].shape, func.inputs[i].dtype)
        else:
            for i in self.variants:
                recorded = _recorded_shapes(values[i])
                if recorded is not None:
                    specs[i] = HistorySpec(specs[i].shape, specs[i].dtype, entry_shapes=recorded)
        plan = compile_plan(self.outputs, func.control_outputs, func.inputs, specs, self.backend)
        plan = self.backend.bind_sub_plan(plan, self.state)
        level = debug.debug_level()
        if level:
            debug.write(f"graphflow sub-plan of {self.label}:\n"
                        + self.backend.debug_text(plan, level))
        return plan

    def __call__(self, values: Sequence[Any]) -> tuple[Any, ...]:
        """Runs the body on `values` (one per `func.inputs`); returns its outputs."""
        return self.plan_for(values).run(values)
