"""SessionState: what a session owns across `run` calls: variable values and random streams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class SessionState:
    """Variable storage (`variables[op name] -> ndarray`) and per-op random generators."""

    def __init__(self) -> None:
        self.variables: dict[str, np.ndarray] = {}
        self._rngs: dict[str, Any] = {}

    def rng(self, op_name: str, make: Callable[[], Any]) -> Any:
        """The random generator of op `op_name`, created on first use in this session."""
        gen = self._rngs.get(op_name)
        if gen is None:
            gen = self._rngs[op_name] = make()
        return gen
