"""Gradient clipping (`tf.clip_by_norm`, `tf.clip_by_global_norm`, `tf.global_norm`), with
TF1's formulas; `tf.clip_by_value` lives with the indexing ops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from .array import identity


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """t * clip_norm / max(||t||_2, clip_norm): rescales `t` so its L2 norm (over `axes`, default
    all) is at most `clip_norm`; a zero tensor stays zero."""
    t = convert_to_tensor(t)
    l2sum = gmath.reduce_sum(t * t, axes, keepdims=True)
    positive = l2sum > 0.0
    safe = gmath.where(positive, l2sum, gmath.ones_like(l2sum))  # no NaN gradient at zero
    l2norm = gmath.where(positive, gmath.sqrt(safe), l2sum)
    clip_norm = gmath.cast(convert_to_tensor(clip_norm), t.dtype)
    return identity(t * clip_norm / gmath.maximum(l2norm, clip_norm), name=name)


def global_norm(t_list: Sequence[Any], name: str | None = None) -> Tensor:
    """sqrt(sum of squares of every element of every tensor); None entries are ignored."""
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm needs at least one tensor")
    squares = gmath.add_n([gmath.reduce_sum(t * t) for t in tensors])
    return gmath.sqrt(squares, name=name)


def clip_by_global_norm(t_list: Sequence[Any], clip_norm: Any, use_norm: Any = None,
                        name: str | None = None) -> tuple[list[Tensor | None], Tensor]:
    """Scales every tensor by clip_norm / max(global_norm, clip_norm).

    Returns:
        (the clipped tensors, with None kept in place; the global norm before clipping).

    Raises:
        TypeError: if `t_list` is a single tensor rather than a sequence.
    """
    if isinstance(t_list, Tensor) or not isinstance(t_list, (list, tuple)):
        raise TypeError("t_list should be a sequence")
    norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    clip_norm = gmath.cast(convert_to_tensor(clip_norm), norm.dtype)
    scale = clip_norm * gmath.minimum(1.0 / norm, 1.0 / clip_norm)
    clipped = [None if t is None else identity(convert_to_tensor(t) * gmath.cast(
        scale, convert_to_tensor(t).dtype)) for t in t_list]
    return clipped, norm
