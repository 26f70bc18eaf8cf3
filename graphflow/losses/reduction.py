"""`tf.losses.Reduction` and `compute_weighted_loss`: how per-element losses become one loss."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.api.array import size
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor

from .collection import add_loss


class Reduction:
    """The reductions of `compute_weighted_loss` (TF1's string constants)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """losses * weights (weights broadcast to the losses' shape), reduced by `reduction`:
        NONE: the weighted losses;  SUM: their sum;
        MEAN: sum / sum(weights broadcast to the losses' shape);
        SUM_OVER_BATCH_SIZE: sum / number of loss elements;
        SUM_BY_NONZERO_WEIGHTS (default): sum / number of elements with a nonzero weight.
    Divisions by zero give 0. The result is added to `loss_collection`.

    Unlike TF1, which computes in float32 and casts back, the loss keeps its dtype (float64
    losses stay exact).

    Raises:
        ValueError: for an unknown reduction or weights that do not broadcast to the losses.
    """
    Reduction.validate(reduction)
    with get_default_graph().name_scope(scope or "weighted_loss"):
        losses = convert_to_tensor(losses)
        weights = gmath.cast(convert_to_tensor(weights), losses.dtype)
        _check_broadcastable(weights, losses)
        weighted = gmath.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = gmath.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = gmath.div_no_nan(
                    loss, gmath.reduce_sum(gmath.ones_like(losses) * weights), name="value")
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = gmath.div_no_nan(loss, _num_present(losses, weights), name="value")
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                count = gmath.cast(size(losses), losses.dtype)
                loss = gmath.div_no_nan(loss, count, name="value")
        add_loss(loss, loss_collection)
        return loss


def _num_present(losses: Tensor, weights: Tensor) -> Tensor:
    """How many loss elements carry a nonzero weight."""
    present = gmath.where(gmath.equal(weights, 0.0), gmath.zeros_like(weights),
                          gmath.ones_like(weights))
    return gmath.reduce_sum(present * gmath.ones_like(losses), name="num_present")


def _check_broadcastable(weights: Tensor, losses: Tensor) -> None:
    """TF1's rule: weights are a scalar or have the losses' rank, each dim 1 or equal."""
    w, l = weights.shape, losses.shape
    if w.ndims in (None, 0) or l.ndims is None:
        return
    fits = w.ndims == l.ndims and all(a is None or b is None or a in (1, b)
                                      for a, b in zip(w.dims, l.dims))
    if not fits:
        raise ValueError(f"weights can not be broadcast to values. values.rank={l.ndims}. "
                         f"weights.rank={w.ndims}. values.shape={l}. weights.shape={w}.")
