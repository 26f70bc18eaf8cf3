"""The LOSSES and REGULARIZATION_LOSSES collections: `tf.losses.add_loss`, `get_total_loss`."""

from __future__ import annotations

from typing import Any

from graphflow.api import math as gmath
from graphflow.framework.constant import constant
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor


def add_loss(loss: Tensor, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """Adds `loss` to `loss_collection` (nothing when it is None)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list[Any]:
    """The losses added with `add_loss` (every `tf.losses.*` adds its result)."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list[Any]:
    """The penalties regularizers added (e.g. through `get_variable(regularizer=...)`)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: str | None = None,
                            name: str = "total_regularization_loss") -> Tensor:
    """The sum of the regularization losses, or a 0.0 constant when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return gmath.add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss",
                   scope: str | None = None) -> Tensor:
    """The sum of `get_losses()` and, by default, of the regularization losses.

    Raises:
        ValueError: when there is no loss at all.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found: add losses with tf.losses.* or tf.losses.add_loss "
                         "before asking for the total.")
    return gmath.add_n(losses, name=name)
