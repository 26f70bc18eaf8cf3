"""SessionState: what a session owns across `run` calls: variable values and random streams."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


class SessionState:
    """Variable storage (`variables[op name] -> array`) and per-op random generators.

    On the CUDA backend the stored arrays are device arrays: they stay on the device between
    runs, and only `host_values` / `set_values` (Saver, `Variable.load`) move them.
    """

    def __init__(self, on_device: bool = False) -> None:
        self.variables: dict[str, Any] = {}
        self.on_device = on_device
        self._rngs: dict[str, Any] = {}

    def rng(self, op_name: str, make: Callable[[], Any]) -> Any:
        """The random generator of op `op_name`, created on first use in this session."""
        gen = self._rngs.get(op_name)
        if gen is None:
            gen = self._rngs[op_name] = make()
        return gen

    def host_values(self, names: list[str]) -> dict[str, np.ndarray]:
        """Host copies (on the device backend) or the stored arrays of variables `names`."""
        if not self.on_device:
            return {n: self.variables[n] for n in names}
        from graphflow.cuda.device import to_host

        return {n: to_host(self.variables[n]) for n in names}

    def set_values(self, values: Mapping[str, np.ndarray]) -> None:
        """Stores copies of host arrays (on the device when the session runs there)."""
        copies = {name: np.array(value, copy=True) for name, value in values.items()}
        if self.on_device:
            from graphflow.cuda.device import to_device

            copies = {name: to_device(value) for name, value in copies.items()}
        self.variables.update(copies)
