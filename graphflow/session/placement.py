"""TF1's device placement rules for ops pinned with `tf.device`.

A session runs on one backend ("cuda" when a GPU is present and allowed, else "cpu"). An op
pinned to a GPU that this session cannot use is TF1's InvalidArgumentError, unless the
session's ConfigProto has `allow_soft_placement=True`, which runs it on the CPU and logs that
once. `log_device_placement=True` logs where each op of a compiled plan runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from graphflow import logging
from graphflow.framework import errors
from graphflow.framework.tensor import Operation, Tensor

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:0"

_DEVICE = re.compile(r"(?:^|/)(?:device:)?(?P<kind>cpu|gpu)(?::(?P<index>\d+))?\s*$", re.I)


def parse_device(spec: str) -> tuple[str, int] | None:
    """("CPU" | "GPU", index) of a device string ("/gpu:0", "/device:GPU:1", ...), or None
    when it names no device type.

    Raises:
        ValueError: for a device string graphflow cannot read.
    """
    if not spec:
        return None
    match = _DEVICE.search(spec.strip())
    if match is None:
        if re.fullmatch(r"(/job:[^/]+)?(/replica:\d+)?(/task:\d+)?", spec.strip()):
            return None  # only a job/replica/task: no device type pinned
        raise ValueError(f"Unknown device specification {spec!r}")
    return match.group("kind").upper(), int(match.group("index") or 0)


def pinned_to_host(op: Operation | None) -> bool:
    """Whether a GPU session runs `op` on the CPU: it was created under `tf.device("/cpu:...")`
    and is stateless. Variables, their updates and random ops stay with the session's storage
    and streams on the device wherever they are pinned."""
    if op is None or not op.device:
        return False
    from graphflow.ops.registry import REGISTRY

    device = parse_device(op.device)
    opdef = REGISTRY.get(op.type)
    return device is not None and device[0] == "CPU" and not (opdef is None or opdef.stateful)


def needed_ops(elements: Sequence[Tensor | Operation], feeds: Iterable[Tensor]) -> list[Operation]:
    """The ops a run of `elements` executes (fed tensors cut the walk), in no fixed order."""
    fed = {t.op for t in feeds}
    seen: dict[Operation, None] = {}
    stack = [e.op if isinstance(e, Tensor) else e for e in elements]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen[op] = None
        if op in fed:
            continue
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)
    return list(seen)


class Placement:
    """Placement checks of one session (remembers what it logged)."""

    def __init__(self, config: Any, backend: str) -> None:
        self.soft = bool(getattr(config, "allow_soft_placement", False))
        self.log = bool(getattr(config, "log_device_placement", False))
        self.gpus = 1 if backend == "cuda" else 0
        self.device = GPU if self.gpus else CPU
        self._warned: set[str] = set()

    def check(self, ops: Iterable[Operation]) -> None:
        """Validates the pinned devices of `ops` and logs placement if asked.

        Raises:
            InvalidArgumentError: for an op pinned to a GPU this session does not have (without
                allow_soft_placement), naming the op and the devices there are.
        """
        for op in ops:
            device = parse_device(op.device)
            if device is not None and device[0] == "GPU" and device[1] >= self.gpus:
                if not self.soft:
                    available = [CPU] + ([GPU] if self.gpus else [])
                    raise errors.InvalidArgumentError(
                        None, op, f"Cannot assign a device for operation {op.name}: "
                        f"{op.name} was explicitly assigned to {op.device} but available "
                        f"devices are [ {', '.join(available)} ]. Make sure the device "
                        f"specification refers to a valid device (or set "
                        f"allow_soft_placement=True).")
                if op.device not in self._warned:
                    self._warned.add(op.device)
                    logging.warning("No device %s here (%s): ops pinned to it run on %s "
                                    "(allow_soft_placement).", op.device, _why(), CPU)
            if self.log:
                logging.info("%s: (%s): %s", op.name, op.type,
                             CPU if pinned_to_host(op) else self.device)


def _why() -> str:
    from graphflow.backends.devices import gpu_available

    if gpu_available():
        return "the session was configured without GPUs"
    from graphflow.test import is_built_with_cuda

    return "no GPU found" if is_built_with_cuda() else \
        "no GPU found; `pip install graphflow[cuda]` enables GPUs where one is present"
