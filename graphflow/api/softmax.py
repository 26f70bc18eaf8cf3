"""`tf.nn.softmax` and `tf.nn.log_softmax` along any axis (the ops work on the last one)."""

from __future__ import annotations

from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from ._build import out


def swap_with_last(t: Tensor, axis: int) -> Tensor:
    """`t` with `axis` and the last axis swapped (its own inverse); `t` itself when `axis`
    is the last one.

    Raises:
        ValueError: when the rank is unknown or `axis` is out of range.
    """
    rank = t.shape.ndims
    if axis == -1 or (rank is not None and axis == rank - 1):
        return t
    if rank is None:
        raise ValueError(f"an operation along axis {axis} needs a tensor of known rank")
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}")
    from .indexing import transpose

    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return transpose(t, perm)


def _along_axis(op_type: str, logits: Any, axis: int, name: str | None) -> Tensor:
    """Applies a last-axis op along `axis` by swapping that axis with the last one."""
    logits = convert_to_tensor(logits)
    swapped = swap_with_last(logits, axis)
    if swapped is logits:
        return out(op_type, [logits], name=name)
    from .array import identity

    return identity(swap_with_last(out(op_type, [swapped]), axis), name=name or op_type)


def softmax(logits: Any, axis: int = -1, name: str | None = None, dim: Any = None) -> Tensor:
    """exp(logits) / sum(exp(logits), axis), computed stably (the row maximum is removed)."""
    return _along_axis("Softmax", logits, axis if dim is None else dim, name)


def log_softmax(logits: Any, axis: int = -1, name: str | None = None, dim: Any = None) -> Tensor:
    """logits - log(sum(exp(logits), axis)), computed stably."""
    return _along_axis("LogSoftmax", logits, axis if dim is None else dim, name)
