"""BackendState: what a session owns across `run` calls: variable values and random streams.

A backend makes it (`Backend.new_state()`); values are stored in the backend's own form (device
arrays on a GPU backend) and moved only by `host_values` / `set_values` (Saver,
`Variable.load`), through the backend's upload and download.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


def _same(value: Any) -> Any:
    return value


class BackendState:
    """Variable storage (`variables[op name] -> value`) and per-op random generators.

    Args:
        upload: host array -> the backend's stored form (identity on host backends).
        download: the stored form -> a host array (identity on host backends).
        backend: the Backend that made it (binds the sub-plans of loops and branches).
    """

    def __init__(self, upload: Callable[[np.ndarray], Any] = _same,
                 download: Callable[[Any], np.ndarray] = _same, backend: Any = None) -> None:
        self.variables: dict[str, Any] = {}
        #: the backend whose state this is: control-flow ops bind their sub-plans with it
        self.backend = backend
        self._upload = upload
        self._download = download
        self._rngs: dict[str, Any] = {}

    def rng(self, op_name: str, make: Callable[[], Any]) -> Any:
        """The random generator of op `op_name`, created on first use in this session."""
        gen = self._rngs.get(op_name)
        if gen is None:
            gen = self._rngs[op_name] = make()
        return gen

    def host_values(self, names: list[str]) -> dict[str, np.ndarray]:
        """Host values of variables `names` (the stored arrays themselves on host backends)."""
        return {n: self._download(self.variables[n]) for n in names}

    def set_values(self, values: Mapping[str, np.ndarray]) -> None:
        """Stores copies of host arrays (uploaded where the backend keeps values apart)."""
        copies = {name: self._upload(np.array(value, copy=True)) for name, value in values.items()}
        self.variables.update(copies)
