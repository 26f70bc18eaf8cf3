"""`tf.nn.dropout`: inverted dropout (kept values scaled by 1 / keep_prob), TF1's formula."""

from __future__ import annotations

import numbers
from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op_scope
from .array import shape as shape_of
from .random import random_uniform


def dropout(x: Any, keep_prob: Any = None, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None, rate: Any = None) -> Tensor:
    """Zeroes each element with probability 1 - keep_prob (or `rate`) and scales the kept
    ones by 1 / keep_prob, so the expected value is unchanged; keep_prob may be a tensor
    (feed 1.0 at evaluation). `noise_shape` shares one decision along dimensions of size 1.
    A Python keep_prob of 1 returns x itself.

    Raises:
        ValueError: for both or neither of keep_prob and rate, or a Python keep_prob outside
            (0, 1].
    """
    if (keep_prob is None) == (rate is None):
        raise ValueError("dropout needs exactly one of keep_prob and rate")
    if rate is not None:
        keep_prob = 1.0 - rate if isinstance(rate, numbers.Real) else 1.0 - convert_to_tensor(rate)
    if isinstance(keep_prob, numbers.Real):
        if not 0.0 < keep_prob <= 1.0:
            raise ValueError(f"keep_prob must be a scalar tensor or a float in the range "
                             f"(0, 1], got {keep_prob:g}")
        if keep_prob == 1.0:
            return convert_to_tensor(x)
    with op_scope([x], name, "dropout") as scope:
        x = convert_to_tensor(x)
        keep = gmath.cast(convert_to_tensor(keep_prob), x.dtype)
        noise_shape = shape_of(x) if noise_shape is None else noise_shape
        random = keep + random_uniform(noise_shape, seed=seed, dtype=x.dtype)
        output = gmath.multiply(x / keep, gmath.floor(random), name=scope)
        # A keep_prob placeholder fed without a shape has unknown rank, which broadcasting
        # would carry into the output; dropout never changes x's shape (TF1 sets it too).
        output.set_shape(x.get_shape())
        return output
