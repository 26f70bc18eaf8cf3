"""TF1's device placement rules for ops pinned with `tf.device`.

A session runs on one backend (with a GPU when one is present and allowed, else on the CPU).
An op pinned to a GPU that this session cannot use is TF1's InvalidArgumentError, unless the
session's ConfigProto has `allow_soft_placement=True`, which runs it on the CPU and logs that
once. `log_device_placement=True` logs where each op of a compiled plan runs. The ops checked
are those lowering found the run needs (`ExecutionPlan.ops`): the graph is walked once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphflow import logging
from graphflow.compiler.lower import pinned_to_host
from graphflow.framework import errors
from graphflow.framework.device import CPU, GPU, parse_device
from graphflow.framework.tensor import Operation
from graphflow.ops.registry import REGISTRY


class Placement:
    """Placement checks of one session (remembers what it logged).

    Args:
        config: the session's ConfigProto (or None).
        num_gpus: GPUs the session's backend has.
    """

    def __init__(self, config: Any, num_gpus: int) -> None:
        self.soft = bool(getattr(config, "allow_soft_placement", False))
        self.log = bool(getattr(config, "log_device_placement", False))
        self.gpus = num_gpus
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
                opdef = REGISTRY.get(op.type)
                on_host = opdef is not None and pinned_to_host(opdef, op)
                logging.placement("%s: (%s): %s", op.name, op.type, CPU if on_host else self.device)


def _why() -> str:
    from graphflow.backends.devices import gpu_available

    if gpu_available():
        return "the session was configured without GPUs"
    from graphflow.test import is_built_with_cuda

    return "no GPU found" if is_built_with_cuda() else \
        "no GPU found; `pip install graphflow[cuda]` enables GPUs where one is present"
