"""`tf.contrib.layers` initializers: xavier_initializer and the contrib variance_scaling one.

TF1's contrib version differs from the core `tf.variance_scaling_initializer`: `factor` and an
upper-case `mode` ("FAN_IN", "FAN_OUT", "FAN_AVG"), `uniform` draws from +-sqrt(3 factor / n),
and the normal draws are truncated at two standard deviations with stddev sqrt(1.3 factor / n).
xavier_initializer is factor 1 over FAN_AVG (uniform: Glorot's +-sqrt(6 / (fan_in + fan_out))).
"""

from __future__ import annotations

import math
from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.initializers import Initializer, _dims, _fans

MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


class ContribVarianceScaling(Initializer):
    """Draws scaled by the fan of the variable's shape (see the module docstring)."""

    def __init__(self, factor: float = 2.0, mode: str = "FAN_IN", uniform: bool = False,
                 seed: int | None = None, dtype: Any = dtypes.float32) -> None:
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError(f"Cannot create initializer for non-floating point type {dtype.name}.")
        if mode not in MODES:
            raise TypeError(f"Unknown mode {mode} [{', '.join(MODES)}]")
        super().__init__(dtype)
        self.factor, self.mode, self.uniform, self.seed = factor, mode, uniform, seed

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.random import random_uniform, truncated_normal

        dims, d = _dims(shape), self._dtype(dtype)
        fan_in, fan_out = _fans(dims)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[self.mode]
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return random_uniform(dims, -limit, limit, d, self.seed)
        return truncated_normal(dims, 0.0, math.sqrt(1.3 * self.factor / n), d, self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode, "uniform": self.uniform, "seed": self.seed,
                "dtype": self.dtype.name}


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN", uniform: bool = False,
                                 seed: int | None = None, dtype: Any = dtypes.float32) -> Initializer:
    """He-style initialization by default (factor 2 over fan_in, truncated normal).

    Raises:
        TypeError: for a non-floating dtype or an unknown mode (TF1's errors).
    """
    return ContribVarianceScaling(factor, mode, uniform, seed, dtype)


def xavier_initializer(uniform: bool = True, seed: int | None = None,
                       dtype: Any = dtypes.float32) -> Initializer:
    """Glorot/Xavier initialization: factor 1 over the average fan.

    Raises:
        TypeError: for a non-floating dtype.
    """
    return ContribVarianceScaling(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer
