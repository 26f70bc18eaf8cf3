"""Sequence losses: `tf.contrib.legacy_seq2seq.sequence_loss_by_example` / `sequence_loss` (lists
of per-step logits) and `tf.contrib.seq2seq.sequence_loss` (`[batch, time, classes]` logits),
each a weighted softmax cross-entropy averaged or summed as TF1 does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphflow.api import array as garray
from graphflow.api import math as gmath
from graphflow.api.cross_entropy import sparse_softmax_cross_entropy_with_logits
from graphflow.api.math_compose import count_nonzero
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import get_default_graph


def _crossent(softmax_loss_function: Callable[..., Any] | None, target: Any, logit: Any) -> Any:
    if softmax_loss_function is None:
        return sparse_softmax_cross_entropy_with_logits(labels=garray.reshape(target, [-1]),
                                                        logits=logit)
    return softmax_loss_function(labels=target, logits=logit)


def sequence_loss_by_example(logits: list[Any], targets: list[Any], weights: list[Any],
                             average_across_timesteps: bool = True,
                             softmax_loss_function: Callable[..., Any] | None = None,
                             name: str | None = None) -> Any:
    """The weighted cross-entropy of each batch entry summed over the steps.

    Args:
        logits: list of `[batch, classes]` logits, one per step.
        targets: list of `[batch]` int class ids.
        weights: list of `[batch]` float weights.
        average_across_timesteps: divide by the sum of the weights (+1e-12).
        softmax_loss_function: `fn(labels=, logits=) -> [batch]` replacing the sparse softmax
            cross-entropy.
        name: the op name scope (default "sequence_loss_by_example").

    Returns:
        A `[batch]` tensor.

    Raises:
        ValueError: when the three lists differ in length.
    """
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with get_default_graph().name_scope(name or "sequence_loss_by_example"):
        weights = [convert_to_tensor(w) for w in weights]
        terms = [gmath.multiply(_crossent(softmax_loss_function, target, logit), weight)
                 for logit, target, weight in zip(logits, targets, weights)]
        log_perps = gmath.add_n(terms)
        if average_across_timesteps:
            # TF1's epsilon keeps all-zero weights from dividing by zero.
            total_size = gmath.add(gmath.add_n(weights), 1e-12)
            log_perps = gmath.truediv(log_perps, total_size)
        return log_perps


def legacy_sequence_loss(logits: list[Any], targets: list[Any], weights: list[Any],
                         average_across_timesteps: bool = True, average_across_batch: bool = True,
                         softmax_loss_function: Callable[..., Any] | None = None,
                         name: str | None = None) -> Any:
    """`sequence_loss_by_example` summed over the batch (divided by the batch size when
    `average_across_batch`): `tf.contrib.legacy_seq2seq.sequence_loss`.

    Returns:
        A scalar.
    """
    with get_default_graph().name_scope(name or "sequence_loss"):
        cost = gmath.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            batch_size = garray.shape(convert_to_tensor(targets[0]))[0]
            return gmath.truediv(cost, gmath.cast(batch_size, cost.dtype))
        return cost


def _rank_is(value: Any, rank: int) -> bool:
    return value.shape.ndims is None or value.shape.ndims == rank


def sequence_loss(logits: Any, targets: Any, weights: Any, average_across_timesteps: bool = True,
                  average_across_batch: bool = True, sum_over_timesteps: bool = False,
                  sum_over_batch: bool = False,
                  softmax_loss_function: Callable[..., Any] | None = None,
                  name: str | None = None) -> Any:
    """Weighted cross-entropy of `[batch, time, classes]` logits (`tf.contrib.seq2seq`).

    Averaging divides by the sum of the weights over the averaged axes, summing divides by
    the number of nonzero weights there (TF1's meaning of `sum_over_*`; the count takes the
    loss's dtype, where TF1 fixes float32 and so fails for float64 losses); both use
    `div_no_nan`, so an all-zero weight row gives 0.

    Args:
        logits: `[batch, time, classes]` floats.
        targets: `[batch, time]` int class ids.
        weights: `[batch, time]` floats.
        average_across_timesteps, average_across_batch: average over that axis.
        sum_over_timesteps, sum_over_batch: reduce that axis by the count of nonzero weights.
        softmax_loss_function: `fn(labels=, logits=)` on the flattened `[batch*time]` targets
            and `[batch*time, classes]` logits.
        name: the op name scope (default "sequence_loss").

    Returns:
        A scalar, `[time]` or `[batch]` vector, or `[batch, time]` tensor.

    Raises:
        ValueError: for wrong ranks, or average and sum asked over the same axis.
    """
    logits, targets, weights = (convert_to_tensor(v) for v in (logits, targets, weights))
    if not _rank_is(logits, 3):
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if not _rank_is(targets, 2):
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if not _rank_is(weights, 2):
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True "
                         "at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same "
                         "time.")
    with get_default_graph().name_scope(name or "sequence_loss"):
        num_classes = garray.shape(logits)[2]
        logits_flat = garray.reshape(logits, [-1, num_classes])
        targets_flat = garray.reshape(targets, [-1])
        crossent = _crossent(softmax_loss_function, targets_flat, logits_flat)
        crossent = gmath.multiply(crossent, garray.reshape(weights, [-1]))
        if average_across_timesteps and average_across_batch:
            return gmath.div_no_nan(gmath.reduce_sum(crossent), gmath.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = gmath.cast(count_nonzero(weights), crossent.dtype)
            return gmath.div_no_nan(gmath.reduce_sum(crossent), count)
        crossent = garray.reshape(crossent, garray.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return gmath.div_no_nan(gmath.reduce_sum(crossent, axis=axis),
                                    gmath.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = gmath.cast(count_nonzero(weights, axis=axis), crossent.dtype)
            return gmath.div_no_nan(gmath.reduce_sum(crossent, axis=axis), count)
        return crossent
