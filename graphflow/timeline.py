"""`graphflow.timeline.Timeline`: a traced run's step statistics as a Chrome trace (the role of
TF1's `tensorflow.python.client.timeline`), for chrome://tracing and https://ui.perfetto.dev.

Consumes a `StepStats` (graphflow's, from `RunMetadata.step_stats`, or tensorboard's compiled
proto: both have the same fields) and produces the Trace Event Format's JSON:
- `M` metadata events naming each device's process (`<device> Compute`) and its threads;
- one `X` (complete) event per kernel, named by op type, with `args` holding the node name, the
  op type, the inputs (`input0`, ...) and, for a fused kernel, the ops it computes;
- with `show_dataflow`, `s`/`t` flow arrows from the kernel making a tensor to each consumer on
  another device or thread;
- with `show_memory`, a `<device> Tensors` process with each output tensor's lifetime (`N`/`O`/
  `D` object events, from its producer's start to its last consumer's end) and a per-allocator
  counter (`C`) of the bytes those tensors hold.
Timestamps are microseconds since the first kernel of the step (floats: graphflow records
nanoseconds, and many kernels last under a microsecond).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_LABEL = re.compile(r"^(?P<name>.*?) = (?P<op>[^(]*)\((?P<inputs>.*?)\)(?: fused: (?P<fused>.*))?$")


@dataclass
class _Kernel:
    name: str
    op: str
    inputs: list[str]
    fused: list[str]
    pid: int
    tid: int
    start_us: float
    dur_us: float
    outputs: list[Any]
    device: str

    @property
    def end_us(self) -> float:
        return self.start_us + self.dur_us


def _times_ns(stats: Any) -> tuple[int, int]:
    """(start, duration) in nanoseconds, from the nanosecond fields when a tracer filled them."""
    if getattr(stats, "all_start_nanos", 0):
        return stats.all_start_nanos, stats.all_end_rel_nanos
    return stats.all_start_micros * 1000, stats.all_end_rel_micros * 1000


def _parse_label(stats: Any) -> tuple[str, list[str], list[str]]:
    """(op type, input names, fused ops) read from `name = Type(a, b) fused: n:T, ...`."""
    match = _LABEL.match(stats.timeline_label or "")
    if match is None:
        return stats.node_name, [], []
    inputs = [s for s in match.group("inputs").split(", ") if s]
    fused = [s for s in (match.group("fused") or "").split(", ") if s]
    return match.group("op"), inputs, fused


class Timeline:
    """A Chrome trace of one run's step statistics.

    Args:
        step_stats: `run_metadata.step_stats` of a traced run.
        graph: accepted for TF1 compatibility (op types come from the labels).
    """

    def __init__(self, step_stats: Any, graph: Any = None) -> None:
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow: bool = True, show_memory: bool = False) -> str:
        """The trace as a JSON string (`{"traceEvents": [...]}`).

        Args:
            show_dataflow: add flow arrows from each tensor's producer to its consumers.
            show_memory: add tensor lifetimes and per-allocator memory counters.

        Returns:
            The JSON text, ready to write to a `.json` file and load in chrome://tracing.
        """
        events: list[dict[str, Any]] = []
        kernels = self._kernels(events)
        if show_dataflow:
            events.extend(_flows(kernels))
        if show_memory:
            events.extend(_memory(kernels))
        return json.dumps({"traceEvents": events})

    def _kernels(self, events: list[dict[str, Any]]) -> list[_Kernel]:
        """Emits the process/thread metadata and one `X` event per kernel."""
        devices = list(self._step_stats.dev_stats)
        starts = [_times_ns(ns)[0] for dev in devices for ns in dev.node_stats]
        base = min(starts) if starts else 0
        kernels: list[_Kernel] = []
        for pid, dev in enumerate(devices):
            events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                           "args": {"name": f"{dev.device} Compute"}})
            events.append({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
                           "args": {"sort_index": pid}})
            names = dict(getattr(dev, "thread_names", {}) or {})
            for tid in sorted({ns.thread_id for ns in dev.node_stats}):
                events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                               "args": {"name": names.get(tid, f"kernels (thread {tid})")}})
            for ns in dev.node_stats:
                start, duration = _times_ns(ns)
                op, inputs, fused = _parse_label(ns)
                kernel = _Kernel(ns.node_name, op, inputs, fused, pid, ns.thread_id,
                                 (start - base) / 1000.0, duration / 1000.0, list(ns.output), dev.device)
                kernels.append(kernel)
                args: dict[str, Any] = {"name": kernel.name, "op": op}
                args.update({f"input{i}": name for i, name in enumerate(inputs)})
                if fused:
                    args["fused_ops"] = fused
                events.append({"name": op, "cat": "Op", "ph": "X", "pid": pid, "tid": kernel.tid,
                               "ts": kernel.start_us, "dur": kernel.dur_us, "args": args})
        return kernels


def _flows(kernels: list[_Kernel]) -> list[dict[str, Any]]:
    """One arrow per (tensor, consumer) crossing devices or threads: from the producer's end to
    the consumer's start. As TF1's timeline, a tensor used on its producer's own thread gets no
    arrow (a row of horizontal arrows would hide the kernels)."""
    producers = {k.name: k for k in kernels}
    events = []
    flow_id = 0
    for consumer in kernels:
        for tensor in consumer.inputs:
            producer = producers.get(tensor.split(":")[0])
            if producer is None:  # a feed, constant or variable: no kernel made it this step
                continue
            if (producer.pid, producer.tid) == (consumer.pid, consumer.tid):
                continue
            flow_id += 1
            events.append({"name": tensor, "cat": "DataFlow", "ph": "s", "id": flow_id,
                           "pid": producer.pid, "tid": producer.tid, "ts": producer.end_us})
            events.append({"name": tensor, "cat": "DataFlow", "ph": "t", "id": flow_id, "bp": "e",
                           "pid": consumer.pid, "tid": consumer.tid, "ts": consumer.start_us})
    return events


def _tensor_bytes(output: Any) -> tuple[int, str]:
    allocation = output.tensor_description.allocation_description
    return int(allocation.allocated_bytes), allocation.allocator_name or "cpu"


def _memory(kernels: list[_Kernel]) -> list[dict[str, Any]]:
    """Tensor lifetimes (object events) and live bytes per allocator (counter events)."""
    last_use: dict[str, float] = {}
    for consumer in kernels:
        for tensor in consumer.inputs:
            last_use[tensor] = max(last_use.get(tensor, 0.0), consumer.end_us)
    pid_base = max((k.pid for k in kernels), default=-1) + 1
    tensor_pids: dict[int, int] = {}
    events: list[dict[str, Any]] = []
    changes: list[tuple[float, str, int]] = []  # (time, allocator, +/- bytes)
    for kernel in kernels:
        if kernel.pid not in tensor_pids:
            tensor_pids[kernel.pid] = pid = pid_base + len(tensor_pids)
            events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                           "args": {"name": f"{kernel.device} Tensors"}})
        pid = tensor_pids[kernel.pid]
        for slot, output in enumerate(kernel.outputs):
            tensor = kernel.name if slot == 0 else f"{kernel.name}:{slot}"
            nbytes, allocator = _tensor_bytes(output)
            # an output is allocated when its kernel starts and lives to its last consumer's end
            born = kernel.start_us
            dies = max(last_use.get(tensor, kernel.end_us), kernel.end_us)
            description = output.tensor_description
            snapshot = {"tensor_description": {
                "dtype": int(description.dtype), "shape": [int(d.size) for d in description.shape.dim],
                "allocated_bytes": nbytes, "allocator_name": allocator}}
            common = {"name": tensor, "cat": "Tensor", "pid": pid, "tid": 0, "id": f"{pid}:{tensor}"}
            events.append({**common, "ph": "N", "ts": born})
            events.append({**common, "ph": "O", "ts": born, "args": {"snapshot": snapshot}})
            events.append({**common, "ph": "D", "ts": dies})
            changes += [(born, allocator, nbytes), (dies, allocator, -nbytes)]
    allocators_pid = pid_base + len(tensor_pids)
    events.append({"name": "process_name", "ph": "M", "pid": allocators_pid, "tid": 0,
                   "args": {"name": "Allocators"}})
    live: dict[str, int] = {}
    # at equal times allocations go first, so the counter never dips below zero
    for ts, allocator, delta in sorted(changes, key=lambda c: (c[0], c[2] < 0)):
        live[allocator] = live.get(allocator, 0) + delta
        events.append({"name": allocator, "ph": "C", "pid": allocators_pid, "tid": 0, "ts": ts,
                       "args": {"Allocator Bytes in Use": live[allocator]}})
    return events
