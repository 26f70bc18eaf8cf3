"""Weight regularizers (`tf.contrib.layers.l1_regularizer`, `l2_regularizer`, ...).

A regularizer maps a weight tensor to a scalar penalty (or None when disabled). Pass one as
`regularizer=` to `tf.get_variable` or `tf.variable_scope` and the penalty lands in the
REGULARIZATION_LOSSES collection, which `tf.losses.get_total_loss()` adds to the loss.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from graphflow.api import math as gmath
from graphflow.api.cross_entropy import l2_loss
from graphflow.framework.constant import constant, convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor

Regularizer = Callable[[Tensor], "Tensor | None"]


def _checked_scale(scale: Any) -> bool:
    """Validates a scale as TF1 does; False when the scale disables the regularizer.

    Raises:
        ValueError: for an integer or negative scale.
    """
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")
        return scale != 0.0
    return True


def _scaled(penalty: Callable[[Tensor], Tensor], scale: Any, scope: str | None,
            default: str) -> Regularizer:
    def regularizer(weights: Any, name: str | None = None) -> Tensor:
        weights = convert_to_tensor(weights)
        with get_default_graph().name_scope(scope or default) as name:
            my_scale = convert_to_tensor(scale, weights.dtype, name="scale")
            return gmath.multiply(my_scale, penalty(weights), name=name)
    return regularizer


def l1_regularizer(scale: float, scope: str | None = None) -> Regularizer:
    """weights -> scale * sum(|weights|) (a scale of 0.0 disables it).

    Raises:
        ValueError: for an integer or negative scale.
    """
    if not _checked_scale(scale):
        return lambda _: None
    return _scaled(lambda w: gmath.reduce_sum(gmath.abs(w)), scale, scope, "l1_regularizer")


def l2_regularizer(scale: float, scope: str | None = None) -> Regularizer:
    """weights -> scale * sum(weights^2) / 2 (`tf.nn.l2_loss`; a scale of 0.0 disables it).

    Raises:
        ValueError: for an integer or negative scale.
    """
    if not _checked_scale(scale):
        return lambda _: None
    return _scaled(l2_loss, scale, scope, "l2_regularizer")


def sum_regularizer(regularizer_list: Sequence[Regularizer],
                    scope: str | None = None) -> Regularizer:
    """weights -> the sum of the penalties of `regularizer_list` (None if none applies)."""
    def regularizer(weights: Any) -> Tensor | None:
        with get_default_graph().name_scope(scope or "sum_regularizer") as name:
            penalties = [p for p in (r(weights) for r in regularizer_list) if p is not None]
            return gmath.add_n(penalties, name=name) if penalties else None
    return regularizer


def l1_l2_regularizer(scale_l1: float = 1.0, scale_l2: float = 1.0,
                      scope: str | None = None) -> Regularizer:
    """weights -> scale_l1 * sum(|weights|) + scale_l2 * sum(weights^2) / 2."""
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.0 and scale_l2 == 0.0:
        return lambda _: None
    if scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope)


def apply_regularization(regularizer: Regularizer, weights_list: Sequence[Any] | None = None
                         ) -> Tensor:
    """Sums `regularizer` over `weights_list` (default: the WEIGHTS collection), adds the sum
    to REGULARIZATION_LOSSES and returns it.

    Raises:
        ValueError: when there are no weights or a penalty is not a scalar.
    """
    graph = get_default_graph()
    weights_list = graph.get_collection(GraphKeys.WEIGHTS) if weights_list is None \
        else list(weights_list)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with graph.name_scope("get_regularization_penalty") as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [constant(0.0) if p is None else p for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError(f"regularizer must return a scalar Tensor instead of a Tensor "
                                 f"with rank {p.shape.ndims}.")
        total = gmath.add_n(penalties, name=scope)
    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, total)
    return total
