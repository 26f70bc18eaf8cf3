"""Random tensors (`tf.random_normal`, `tf.truncated_normal`, `tf.random_uniform`, ...).

Each call creates one stateful op that draws new values on every run. Seeds follow TF1 (see
`graphflow.framework.random_seed`), except that an op's implicit seed comes from its name.
"""

from __future__ import annotations

from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.random_seed import get_seed
from graphflow.framework.tensor import Tensor

from ._build import out
from .array import _shape_tensor, with_shape_of


def _draw(op_type: str, shape: Any, dtype: Any, seed: int | None, name: str | None,
          extra: list[Tensor] | None = None) -> Tensor:
    seed1, seed2 = get_seed(seed)
    shape = _shape_tensor(shape)
    return with_shape_of(out(op_type, [shape, *(extra or [])],
                             {"dtype": dtypes.as_dtype(dtype), "seed": seed1, "seed2": seed2}, name),
                         shape)


def _float(dtype: Any, what: str) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Invalid dtype {dtype.name} for {what}: a floating type is required")
    return dtype


def random_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
                  seed: int | None = None, name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev**2)."""
    dtype = _float(dtype, "random_normal")
    z = _draw("RandomStandardNormal", shape, dtype, seed, name or "random_normal")
    return z * convert_to_tensor(stddev, dtype) + convert_to_tensor(mean, dtype)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = dtypes.float32, seed: int | None = None,
                     name: str | None = None) -> Tensor:
    """Samples from N(mean, stddev**2) re-drawn when more than two stddevs from the mean."""
    dtype = _float(dtype, "truncated_normal")
    z = _draw("TruncatedNormal", shape, dtype, seed, name or "truncated_normal")
    return z * convert_to_tensor(stddev, dtype) + convert_to_tensor(mean, dtype)


def random_uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = dtypes.float32,
                   seed: int | None = None, name: str | None = None) -> Tensor:
    """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats).

    Raises:
        ValueError: for an integer dtype without `maxval` (as TF1).
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
        return _draw("RandomUniformInt", shape, dtype, seed, name or "random_uniform",
                     [convert_to_tensor(minval, dtype), convert_to_tensor(maxval, dtype)])
    maxval = 1.0 if maxval is None else maxval
    u = _draw("RandomUniform", shape, dtype, seed, name or "random_uniform")
    lo, hi = convert_to_tensor(minval, dtype), convert_to_tensor(maxval, dtype)
    return u * (hi - lo) + lo
