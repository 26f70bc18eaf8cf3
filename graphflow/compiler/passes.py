"""The compiler's pipeline as data: `PASSES`, in order, is what `compile_plan` runs and what
GF_DEBUG=3 prints after each step.

Each pass reads and updates one `Compilation` (the IR nodes, the fetched values, ...); the
rewriting passes themselves are pure functions over node lists (fold.py, simplify.py, ...),
which the per-pass tests call directly. A backend takes part only through its `CompilePolicy`:
which optional passes it skips and its fusion policy; the compiler never asks for its name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from graphflow.framework.tensor import Operation, Tensor
from graphflow.ops.registry import Spec

from . import fuse_bias_relu_pool, fuse_conv_backprops, fuse_pool_relu_grad
from .dce import eliminate_dead_code
from .fold import fold_constants
from .fuse import FusionPolicy, fuse_elementwise
from .fuse_batch_norm_relu import fuse_batch_norm_relu_pass
from .fuse_slices import read_split_pieces_in_place
from .histories import mark_recorded_histories
from .ir import Node, Value
from .lower import lower
from .memory import last_uses
from .schedule import schedule
from .simplify import simplify
from .sink_control_inputs import sink_control_inputs_pass


class CompilePolicy(FusionPolicy, Protocol):
    """What the compiler needs to know of a backend."""

    #: Optional passes this backend's plans must not run (the reference backend runs every op
    #: alone, so it skips "fuse").
    skipped_passes: frozenset[str]


@dataclass
class Compilation:
    """The state of one compilation as it goes through the passes."""

    fetch_tensors: Sequence[Tensor]
    target_ops: Sequence[Operation]
    feeds: Sequence[Tensor]
    feed_specs: Sequence[Spec]
    nodes: list[Node] = field(default_factory=list)
    #: the fetched tensors' values, then one `(node, -1)` per target op until "memory"
    fetched: list[Value] = field(default_factory=list)
    ops: list[Operation] = field(default_factory=list)  # the framework ops the run needs
    releases: dict[int, list[Value]] = field(default_factory=dict)


@dataclass(frozen=True)
class Pass:
    """One step of the pipeline. `optional` passes can be switched off (GF_DISABLE_PASSES, or
    a backend's `skipped_passes`); the others are needed for a correct plan."""

    name: str
    run: Callable[[Compilation, CompilePolicy], None]
    optional: bool = False


def _lower(c: Compilation, _: CompilePolicy) -> None:
    c.nodes, c.fetched, c.ops = lower(c.fetch_tensors, c.target_ops, c.feeds, c.feed_specs)


def _fold(c: Compilation, _: CompilePolicy) -> None:
    c.nodes, c.fetched = fold_constants(c.nodes, c.fetched)


def _simplify(c: Compilation, _: CompilePolicy) -> None:
    c.nodes, c.fetched = simplify(c.nodes, c.fetched)


def _fuse(c: Compilation, policy: CompilePolicy) -> None:
    c.nodes, c.fetched = fuse_elementwise(c.nodes, c.fetched, policy)
    if getattr(policy, "fuses_split_pieces", False):
        c.nodes, c.fetched = read_split_pieces_in_place(c.nodes, c.fetched)


def _dce(c: Compilation, _: CompilePolicy) -> None:
    c.nodes = eliminate_dead_code(c.nodes, c.fetched)


def _histories(c: Compilation, _: CompilePolicy) -> None:
    mark_recorded_histories(c.nodes, c.fetched)


def _schedule(c: Compilation, _: CompilePolicy) -> None:
    c.nodes = schedule(c.nodes)


def _memory(c: Compilation, _: CompilePolicy) -> None:
    c.fetched = c.fetched[: len(c.fetch_tensors)]  # the rest only marked target ops as live
    c.releases = last_uses(c.nodes, c.fetched)


PASSES: tuple[Pass, ...] = (
    Pass("lower", _lower),  # prune + CSE + placement
    Pass("sink_control_inputs", sink_control_inputs_pass, optional=True),
    Pass("fold", _fold, optional=True),
    Pass("simplify", _simplify, optional=True),
    Pass("fuse_batch_norm_relu", fuse_batch_norm_relu_pass, optional=True),
    Pass("fuse", _fuse, optional=True),
    Pass("fuse_pool_relu_grad", fuse_pool_relu_grad.run_pass, optional=True),  # after "fuse"
    Pass("fuse_bias_relu_pool", fuse_bias_relu_pool.run_pass, optional=True),  # after "fuse"
    Pass("fuse_conv_backprops", fuse_conv_backprops.run_pass, optional=True),  # after "fuse"
    Pass("dce", _dce),
    Pass("histories", _histories),  # loops record iterations only for a consumed gradient
    Pass("schedule", _schedule),
    Pass("memory", _memory),
)


def disabled_passes() -> set[str]:
    """The optional passes switched off by GF_DISABLE_PASSES (comma-separated names)."""
    return {p.strip() for p in os.environ.get("GF_DISABLE_PASSES", "").split(",") if p.strip()}
