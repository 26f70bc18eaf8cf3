"""Variable initializers (`tf.zeros_initializer()`, `tf.glorot_uniform_initializer()`, ...).

An initializer is called as `init(shape, dtype=None, partition_info=None)` and returns a Tensor
(it builds ops). Defaults and formulas are TF1's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes
from .constant import constant


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None, partition_info=None)`."""

    dtype: dtypes.DType = dtypes.float32

    def __init__(self, dtype: Any = dtypes.float32) -> None:
        self.dtype = dtypes.as_dtype(dtype)

    def _dtype(self, dtype: Any) -> dtypes.DType:
        return self.dtype if dtype is None else dtypes.as_dtype(dtype)

    def get_config(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


def _dims(shape: Any) -> list[int]:
    from .tensor_shape import TensorShape

    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    return [int(d) for d in shape]


class Zeros(Initializer):
    """All zeros (b"" for strings): `tf.zeros`, so a large variable's initializer is a Fill of
    a scalar, as in TF1 (`w/Initializer/zeros`)."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.array import zeros

        return zeros(_dims(shape), self._dtype(dtype))


class Ones(Initializer):
    """All ones: `tf.ones` (a Fill of a scalar when large, as in TF1)."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.array import ones

        return ones(_dims(shape), self._dtype(dtype))


class Constant(Initializer):
    """A scalar broadcast to the shape, or an array of exactly that size."""

    def __init__(self, value: Any = 0, dtype: Any = dtypes.float32, verify_shape: bool = False) -> None:
        super().__init__(dtype)
        self.value = value
        self.verify_shape = verify_shape

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        d = self._dtype(dtype)
        value = np.asarray(self.value)
        if d.is_integer and value.dtype.kind == "f" and np.all(value == np.round(value)):
            value = value.astype(d.np)  # 3.0 is a fine int32 initial value (as TF1)
        return constant(value, d, shape=_dims(shape), verify_shape=self.verify_shape)


class RandomNormal(Initializer):
    """N(mean, stddev**2) samples."""

    def __init__(self, mean: float = 0.0, stddev: float = 1.0, seed: int | None = None,
                 dtype: Any = dtypes.float32) -> None:
        super().__init__(dtype)
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.random import random_normal

        return random_normal(_dims(shape), self.mean, self.stddev, self._dtype(dtype), self.seed)


class TruncatedNormal(RandomNormal):
    """Normal samples truncated at two standard deviations."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.random import truncated_normal

        return truncated_normal(_dims(shape), self.mean, self.stddev, self._dtype(dtype), self.seed)


class RandomUniform(Initializer):
    """Uniform samples in [minval, maxval)."""

    def __init__(self, minval: float = 0.0, maxval: float | None = None, seed: int | None = None,
                 dtype: Any = dtypes.float32) -> None:
        super().__init__(dtype)
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.random import random_uniform

        return random_uniform(_dims(shape), self.minval, self.maxval, self._dtype(dtype), self.seed)


def _fans(shape: list[int]) -> tuple[float, float]:
    """TF's fan computation: the last two dims, times the receptive field for convolutions."""
    if not shape:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = float(np.prod(shape[:-2])) if len(shape) > 2 else 1.0
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(Initializer):
    """Samples scaled to the layer's fan: stddev = sqrt(scale / n), n by `mode`.

    `distribution`: "truncated_normal" (TF1 "normal" means this too, with the 0.8796 correction),
    "untruncated_normal" or "uniform".
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None,
                 dtype: Any = dtypes.float32) -> None:
        super().__init__(dtype)
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        if distribution not in ("normal", "uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
        from graphflow.api.random import random_normal, random_uniform, truncated_normal

        dims, d = _dims(shape), self._dtype(dtype)
        fan_in, fan_out = _fans(dims)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / 0.87962566103423978  # std of N(0,1) truncated at 2
            return truncated_normal(dims, 0.0, stddev, d, self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(dims, 0.0, math.sqrt(scale), d, self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_uniform(dims, -limit, limit, d, self.seed)


class GlorotUniform(VarianceScaling):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)) (the default of get_variable and tf.layers)."""

    def __init__(self, seed: int | None = None, dtype: Any = dtypes.float32) -> None:
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, seed: int | None = None, dtype: Any = dtypes.float32) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed: int | None = None) -> VarianceScaling:
    """Truncated normal with stddev sqrt(2 / fan_in)."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


# TF1's lower-case aliases (tf.zeros_initializer(), tf.glorot_uniform_initializer(), ...)
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
random_uniform_initializer = RandomUniform
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
xavier_initializer = GlorotUniform


def get(identifier: Any) -> Any:
    """An initializer from an instance, class, or Keras-style name ("glorot_uniform", "zeros")."""
    if identifier is None or isinstance(identifier, Initializer) or callable(identifier) and \
            not isinstance(identifier, (str, type)):
        return identifier
    if isinstance(identifier, type):
        return identifier()
    table = {"zeros": Zeros, "ones": Ones, "glorot_uniform": GlorotUniform,
             "glorot_normal": GlorotNormal, "he_normal": he_normal, "he_uniform": he_uniform,
             "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
             "random_normal": RandomNormal, "random_uniform": RandomUniform,
             "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling}
    if identifier not in table:
        raise ValueError(f"Unknown initializer: {identifier!r}")
    return table[identifier]()
