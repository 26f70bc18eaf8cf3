"""The tables of `python -m graphflow.profile`: mean kernel times over several traced runs of one
run signature, per op and per name scope, split into forward and backward (an op under a
`gradients/` scope is backward, as `tf.gradients` names its ops).

Consumes the `StepStats` of the runs (graphflow's or tensorboard's proto: same fields) and
produces a `StepProfile`, whose `format()` is the printed report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_LABEL = re.compile(r"^.*? = (?P<op>[^(]*)\(.*?\)(?: fused: (?P<fused>.*))?$")
_GRADIENTS = re.compile(r"^(?:.*/)?gradients(?:_\d+)?/")
_FUSED_SUFFIX = re.compile(r"/fused\d+$")


def is_backward(name: str) -> bool:
    """Whether op `name` is part of a gradient computation (under `gradients/`, `gradients_1/`,
    or such a scope inside another scope)."""
    return _GRADIENTS.match(name) is not None


def forward_name(name: str) -> str:
    """The forward op an op stands for: a fused kernel's last op, a gradient op's forward op
    (`gradients/dense/MatMul_grad/MatMul_1` -> `dense/MatMul`)."""
    name = _FUSED_SUFFIX.sub("", name)
    match = _GRADIENTS.match(name)
    if match is None:
        return name
    rest = name[match.end():]
    parts = rest.split("/")
    for i, part in enumerate(parts):
        if part.endswith("_grad"):
            return "/".join([*parts[:i], part[: -len("_grad")]])
    return rest


def scope_of(name: str, depth: int) -> str:
    """The first `depth` name scopes of the op a kernel stands for (`(root)` for none)."""
    parts = forward_name(name).split("/")[:-1]
    return "/".join(parts[:depth]) if parts else "(root)"


@dataclass
class OpRow:
    """One kernel: its mean time over the runs."""

    name: str
    op_type: str
    backward: bool
    mean_ms: float
    fused: list[str] = field(default_factory=list)


@dataclass
class ScopeRow:
    scope: str
    forward_ms: float = 0.0
    backward_ms: float = 0.0

    @property
    def total_ms(self) -> float:
        return self.forward_ms + self.backward_ms


def _kernels(step_stats: Any) -> list[tuple[str, str, list[str], int, int]]:
    """(name, op type, fused ops, start ns, duration ns) of each kernel of one run."""
    out = []
    for dev in step_stats.dev_stats:
        for ns in dev.node_stats:
            match = _LABEL.match(ns.timeline_label or "")
            op_type = match.group("op") if match else ""
            fused = (match.group("fused") or "").split(", ") if match and match.group("fused") else []
            start = ns.all_start_nanos or ns.all_start_micros * 1000
            duration = ns.all_end_rel_nanos or ns.all_end_rel_micros * 1000
            out.append((ns.node_name, op_type, fused, start, duration))
    return out


@dataclass
class StepProfile:
    """Mean per-kernel times of `runs` traced runs of one signature.

    Attributes:
        ops: one row per kernel, slowest first.
        step_ms: mean span of a run, from its first kernel's start to its last kernel's end.
        runs: how many runs the means are over.
    """

    ops: list[OpRow]
    step_ms: float
    runs: int

    @classmethod
    def from_step_stats(cls, runs: Sequence[Any]) -> StepProfile:
        """Averages the kernels of several runs of the same plan.

        Raises:
            ValueError: when `runs` is empty.
        """
        if not runs:
            raise ValueError("no traced runs to profile")
        totals: dict[str, float] = {}
        info: dict[str, tuple[str, list[str]]] = {}
        spans = []
        for stats in runs:
            kernels = _kernels(stats)
            if kernels:
                spans.append(max(s + d for _, _, _, s, d in kernels) - min(s for _, _, _, s, _ in kernels))
            for name, op_type, fused, _, duration in kernels:
                totals[name] = totals.get(name, 0.0) + duration
                info[name] = (op_type, fused)
        rows = [OpRow(name, info[name][0], is_backward(name), total / len(runs) / 1e6, info[name][1])
                for name, total in totals.items()]
        rows.sort(key=lambda r: (-r.mean_ms, r.name))
        step_ms = sum(spans) / len(spans) / 1e6 if spans else 0.0
        return cls(rows, step_ms, len(runs))

    @property
    def kernel_ms(self) -> float:
        return sum(r.mean_ms for r in self.ops)

    def scopes(self, depth: int = 1) -> list[ScopeRow]:
        """Forward and backward time per name scope (the first `depth` scopes), slowest first."""
        rows: dict[str, ScopeRow] = {}
        for op in self.ops:
            row = rows.setdefault(scope_of(op.name, depth), ScopeRow(scope_of(op.name, depth)))
            if op.backward:
                row.backward_ms += op.mean_ms
            else:
                row.forward_ms += op.mean_ms
        return sorted(rows.values(), key=lambda r: (-r.total_ms, r.scope))

    def format(self, top: int = 25, depth: int = 1, title: str = "") -> str:
        """The report: a summary line, the `top` slowest kernels, and the scope table."""
        step = self.step_ms or 1e-12
        forward = sum(r.mean_ms for r in self.ops if not r.backward)
        backward = self.kernel_ms - forward
        lines = [title] if title else []
        lines += [
            f"mean step {self.step_ms:.3f} ms over {self.runs} runs: kernels {self.kernel_ms:.3f} ms "
            f"({self.kernel_ms / step:.0%}; forward {forward:.3f} ms, backward {backward:.3f} ms), "
            f"between kernels {max(self.step_ms - self.kernel_ms, 0.0):.3f} ms",
            "",
            f"Per op ({min(top, len(self.ops))} slowest of {len(self.ops)} kernels):",
        ]
        shown = self.ops[:top]
        width = max([4, *(len(r.op_type) for r in shown)])
        lines.append(f"{'mean ms':>9} {'share':>6}  {'phase':<8}  {'type':<{width}}  op")
        for row in shown:
            fused = f"  [fused: {', '.join(row.fused)}]" if row.fused else ""
            phase = "backward" if row.backward else "forward"
            lines.append(f"{row.mean_ms:9.3f} {row.mean_ms / step:6.1%}  {phase:<8}  {row.op_type:<{width}}  "
                         f"{row.name}{fused}")
        lines += ["", f"Per name scope (depth {depth}):",
                  f"{'forward ms':>10} {'backward ms':>11} {'total ms':>9} {'share':>6}  scope"]
        for scope in self.scopes(depth):
            lines.append(f"{scope.forward_ms:10.3f} {scope.backward_ms:11.3f} {scope.total_ms:9.3f} "
                         f"{scope.total_ms / step:6.1%}  {scope.scope}")
        return "\n".join(lines) + "\n"
