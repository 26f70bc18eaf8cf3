"""`tf.losses.*`: TF1's loss functions. Each computes per-element losses, weights and reduces
them with `compute_weighted_loss` (default: mean over nonzero weights) and adds the result to
the LOSSES collection.

Labels are cast to the predictions' dtype (TF1 casts both to float32; float64 models keep
their precision here).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from graphflow.api import cross_entropy
from graphflow.api import math as gmath
from graphflow.api.array import shape, stop_gradient
from graphflow.api.indexing import squeeze
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.graph import GraphKeys, get_default_graph
from graphflow.framework.tensor import Tensor

from .reduction import Reduction, compute_weighted_loss

_LOSSES = GraphKeys.LOSSES
_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


@contextlib.contextmanager
def _loss_scope(scope: str | None, default: str, labels: Any, predictions: Any,
                label_name: str = "labels", prediction_name: str = "predictions"
                ) -> Iterator[tuple[str, Tensor, Tensor]]:
    """Checks the arguments, opens the loss's name scope, yields (scope, labels, predictions)
    with labels cast to the predictions' dtype.

    Raises:
        ValueError: for a missing argument or incompatible shapes.
    """
    if labels is None:
        raise ValueError(f"{label_name} must not be None.")
    if predictions is None:
        raise ValueError(f"{prediction_name} must not be None.")
    with get_default_graph().name_scope(scope or default) as name:
        predictions = convert_to_tensor(predictions)
        if not predictions.dtype.is_floating:
            predictions = gmath.cast(predictions, "float32")
        labels = gmath.cast(convert_to_tensor(labels), predictions.dtype)
        if not predictions.shape.is_compatible_with(labels.shape):
            raise ValueError(f"{default}: shapes {predictions.shape} ({prediction_name}) and "
                             f"{labels.shape} ({label_name}) are incompatible")
        yield name, labels, predictions


def absolute_difference(labels: Any, predictions: Any, weights: Any = 1.0,
                        scope: str | None = None, loss_collection: str = _LOSSES,
                        reduction: str = _DEFAULT) -> Tensor:
    """|predictions - labels|, weighted and reduced."""
    with _loss_scope(scope, "absolute_difference", labels, predictions) as (name, y, p):
        return compute_weighted_loss(gmath.abs(p - y), weights, name, loss_collection, reduction)


def mean_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                       scope: str | None = None, loss_collection: str = _LOSSES,
                       reduction: str = _DEFAULT) -> Tensor:
    """(predictions - labels)^2, weighted and reduced."""
    with _loss_scope(scope, "mean_squared_error", labels, predictions) as (name, y, p):
        return compute_weighted_loss(gmath.squared_difference(p, y), weights, name,
                                     loss_collection, reduction)


def huber_loss(labels: Any, predictions: Any, weights: Any = 1.0, delta: float = 1.0,
               scope: str | None = None, loss_collection: str = _LOSSES,
               reduction: str = _DEFAULT) -> Tensor:
    """0.5 e^2 for |e| <= delta, delta (|e| - 0.5 delta) beyond, with e = predictions - labels."""
    with _loss_scope(scope, "huber_loss", labels, predictions) as (name, y, p):
        error = gmath.abs(p - y)
        quadratic = gmath.minimum(error, delta)
        linear = error - quadratic  # the part beyond delta, where the loss grows linearly
        losses = 0.5 * quadratic * quadratic + delta * linear
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def log_loss(labels: Any, predictions: Any, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: str | None = None, loss_collection: str = _LOSSES,
             reduction: str = _DEFAULT) -> Tensor:
    """-labels log(predictions + eps) - (1 - labels) log(1 - predictions + eps), for
    predictions that are probabilities."""
    with _loss_scope(scope, "log_loss", labels, predictions) as (name, y, p):
        losses = -y * gmath.log(p + epsilon) - (1.0 - y) * gmath.log(1.0 - p + epsilon)
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def hinge_loss(labels: Any, logits: Any, weights: Any = 1.0, scope: str | None = None,
               loss_collection: str = _LOSSES, reduction: str = _DEFAULT) -> Tensor:
    """max(0, 1 - (2 labels - 1) logits) for labels in {0, 1}."""
    with _loss_scope(scope, "hinge_loss", labels, logits, prediction_name="logits") as \
            (name, y, x):
        signs = 2.0 * y - 1.0
        losses = gmath.maximum(1.0 - signs * x, 0.0)
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def cosine_distance(labels: Any, predictions: Any, axis: int | None = None, weights: Any = 1.0,
                    scope: str | None = None, loss_collection: str = _LOSSES,
                    reduction: str = _DEFAULT, dim: int | None = None) -> Tensor:
    """1 - sum(predictions * labels, axis) for unit-normalized inputs.

    Raises:
        ValueError: when no axis is given.
    """
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with _loss_scope(scope, "cosine_distance_loss", labels, predictions) as (name, y, p):
        losses = 1.0 - gmath.reduce_sum(p * y, axis=axis, keepdims=True)
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0.0, scope: str | None = None,
                          loss_collection: str = _LOSSES, reduction: str = _DEFAULT) -> Tensor:
    """`tf.nn.sigmoid_cross_entropy_with_logits`, weighted and reduced; label smoothing moves
    the labels towards 1/2: z (1 - s) + s / 2."""
    with _loss_scope(scope, "sigmoid_cross_entropy_loss", multi_class_labels, logits,
                     "multi_class_labels", "logits") as (name, y, x):
        if label_smoothing > 0:
            y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = cross_entropy.sigmoid_cross_entropy_with_logits(labels=y, logits=x,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0.0, scope: str | None = None,
                          loss_collection: str = _LOSSES, reduction: str = _DEFAULT) -> Tensor:
    """`tf.nn.softmax_cross_entropy_with_logits_v2` per example, weighted and reduced; label
    smoothing mixes the labels with the uniform distribution: z (1 - s) + s / classes. No
    gradient flows into the labels."""
    with _loss_scope(scope, "softmax_cross_entropy_loss", onehot_labels, logits,
                     "onehot_labels", "logits") as (name, y, x):
        if label_smoothing > 0:
            classes = gmath.cast(shape(y)[-1], x.dtype)
            y = y * (1.0 - label_smoothing) + label_smoothing / classes
        losses = cross_entropy.softmax_cross_entropy_with_logits_v2(
            labels=stop_gradient(y, name="labels_stop_gradient"), logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels: Any, logits: Any, weights: Any = 1.0,
                                 scope: str | None = None, loss_collection: str = _LOSSES,
                                 reduction: str = _DEFAULT) -> Tensor:
    """`tf.nn.sparse_softmax_cross_entropy_with_logits` per example, weighted and reduced.

    Weights of shape [batch, 1] are squeezed to [batch] first, as TF1 does.

    Raises:
        ValueError: for a missing argument.
    """
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with get_default_graph().name_scope(scope or "sparse_softmax_cross_entropy_loss") as name:
        losses = cross_entropy.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy")
        weights = convert_to_tensor(weights)
        if weights.shape.ndims is not None and losses.shape.ndims is not None and \
                weights.shape.ndims == losses.shape.ndims + 1 and weights.shape.dims[-1] == 1:
            weights = squeeze(weights, [-1])
        return compute_weighted_loss(losses, weights, name, loss_collection, reduction)
