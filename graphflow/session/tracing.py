"""A traced `Session.run`: turns the kernel records of graphflow.compiler.trace into TF1's
`RunMetadata.step_stats` (one `DeviceStepStats` per device, one `NodeExecStats` per kernel).

TF1 conventions kept: devices are named `/job:localhost/replica:0/task:0/device:CPU:0`; times
are microseconds (and nanoseconds) with `all_start_*` since the epoch and the rest relative to
it; `timeline_label` reads `name = Type(input, ...)`, the names of the input ops (`op:k` for
outputs past the first). A fused kernel's label ends with `fused: name:Type, ...` listing the
ops it computes (outside the parentheses, so TF's own timeline parser still reads the label).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import Any

from graphflow.compiler.plan import ExecutionPlan
from graphflow.compiler.trace import KernelRecord, run_traced
from graphflow.framework.dtypes import as_dtype

from .step_stats import DeviceStepStats, NodeExecStats, StepStats

CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU_DEVICE = "/job:localhost/replica:0/task:0/device:GPU:0"


def wants_trace(options: Any) -> bool:
    """Whether `RunOptions` ask for step statistics (any trace level above NO_TRACE)."""
    return options is not None and bool(getattr(options, "trace_level", 0))


def _input_name(value: Any) -> str:
    node, index = value
    return node.name if index == 0 else f"{node.name}:{index}"


@functools.lru_cache(maxsize=8192)  # nodes are immutable; a plan's nodes are traced again and again
def timeline_label(node: Any) -> str:
    """`name = Type(inputs)`, plus `fused: name:Type, ...` for a fused kernel."""
    # an assignment's variable is an input in TF1's label (graphflow keeps it as a reference)
    inputs = ", ".join([*node.ref_vars, *(_input_name(v) for v in node.inputs)])
    label = f"{node.name} = {node.type}({inputs})"
    fused = node.attrs.get("fused_ops") if node.type == "_FusedElementwise" else None
    if fused:
        label += " fused: " + ", ".join(f"{name}:{op_type}" for name, op_type in fused)
    return label


@functools.lru_cache(maxsize=64)
def _datatype_enum(dtype: Any) -> int:
    try:
        return as_dtype(dtype).as_datatype_enum if dtype is not None else 0
    except (TypeError, ValueError, KeyError):
        return 0


def _node_stats(record: KernelRecord, wall_ns: int, allocator: str) -> NodeExecStats:
    start_ns = wall_ns + record.start_ns
    duration_ns = max(record.end_ns - record.start_ns, 0)
    stats = NodeExecStats(
        node_name=record.node.name, timeline_label=timeline_label(record.node),
        all_start_micros=start_ns // 1000, op_start_rel_micros=0,
        op_end_rel_micros=duration_ns // 1000, all_end_rel_micros=duration_ns // 1000,
        all_start_nanos=start_ns, op_start_rel_nanos=0, op_end_rel_nanos=duration_ns,
        all_end_rel_nanos=duration_ns, scheduled_micros=start_ns // 1000, scheduled_nanos=start_ns)
    for slot, out in enumerate(record.outputs):
        output = stats.output.add(slot=slot)
        description = output.tensor_description
        description.dtype = _datatype_enum(out.dtype)
        for size in out.shape:
            description.shape.dim.add(size=size)
        allocation = description.allocation_description
        allocation.requested_bytes = allocation.allocated_bytes = out.nbytes
        allocation.allocator_name = allocator
    return stats


def step_stats(plan: ExecutionPlan, records: Sequence[KernelRecord], wall_ns: int) -> StepStats:
    """TF1's StepStats for one traced run of `plan`.

    Args:
        plan: the plan that ran (its backend and host nodes give each kernel's device).
        records: the run's kernel records (perf_counter nanoseconds).
        wall_ns: epoch nanoseconds minus perf_counter nanoseconds, taken at the run's start.

    Returns:
        A StepStats with the CPU's kernels first, then the GPU's (on a device plan).
    """
    on_device = plan.backend not in (None, "cpu", "reference")
    host = {n.id for n in plan.host_nodes}
    stats = StepStats()
    cpu = stats.dev_stats.add(device=CPU_DEVICE)
    gpu: DeviceStepStats | None = stats.dev_stats.add(device=GPU_DEVICE) if on_device else None
    for record in records:
        if gpu is not None and not (record.node.host or record.node.id in host):
            gpu.node_stats.append(_node_stats(record, wall_ns, "GPU_0_bfc"))
        else:
            cpu.node_stats.append(_node_stats(record, wall_ns, "cpu"))
    return stats


class _RecordedStepStats(StepStats):
    """A traced run's StepStats, built from its kernel records when first read: building the
    messages costs more than recording the times, and a caller often reads none of it."""

    def __init__(self, plan: ExecutionPlan, records: Sequence[KernelRecord], wall_ns: int) -> None:
        self.__dict__["_pending"] = (plan, records, wall_ns)

    def __getattr__(self, name: str) -> Any:
        pending = self.__dict__.pop("_pending", None) if name == "dev_stats" else None
        if pending is None:
            raise AttributeError(name)
        dev_stats = step_stats(*pending).dev_stats
        self.__dict__["dev_stats"] = dev_stats
        return dev_stats


def run_plan_traced(plan: ExecutionPlan, feeds: Sequence[Any], run_metadata: Any) -> tuple[Any, ...]:
    """Runs `plan` with every kernel timed and stores the statistics in
    `run_metadata.step_stats` (replacing what it held, as TF1 does).

    Returns:
        The fetched values, as `plan.run` returns them.
    """
    wall_ns = time.time_ns() - time.perf_counter_ns()
    outputs, records = run_traced(plan, feeds)
    if run_metadata is not None:
        current = getattr(run_metadata, "step_stats", None)
        if hasattr(current, "CopyFrom") and not isinstance(current, StepStats):
            # the caller passed a real RunMetadata proto
            current.CopyFrom(step_stats(plan, records, wall_ns).to_proto())
        else:
            run_metadata.step_stats = _RecordedStepStats(plan, records, wall_ns)
    return outputs
