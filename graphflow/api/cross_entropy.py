"""`tf.nn` cross-entropies and `tf.nn.l2_loss`, numerically stable for logits of any size.

Softmax cross-entropies run TF1's fused ops on 2-D logits; other ranks are flattened to
[-1, classes] and the loss reshaped back, as TF1 does. Sigmoid cross-entropies use TF1's
formulation max(x, 0) - x z + log(1 + exp(-|x|)), which never exponentiates a positive number.
"""

from __future__ import annotations

from typing import Any

from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.tensor import Tensor

from . import math as gmath
from ._build import op, op_scope, operands, out
from .array import reshape, shape, stop_gradient
from .softmax import swap_with_last


def _named_only(sentinel: Any, fn: str) -> None:
    if sentinel is not None:
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...)")


def _flattened(op_type: str, logits: Tensor, labels: Tensor, labels_rank: int,
               name: str) -> Tensor:
    """Runs a cross-entropy op on logits flattened to 2-D; the loss (named `name`) takes the
    logits' outer shape."""
    from .indexing import concat

    if logits.shape.ndims == 2:
        if labels_rank == 2 and labels.shape.ndims != 2:
            # TF1 flattens the labels to [-1, classes] as well, so labels of another rank
            # (e.g. a list around a one-hot tensor: [1, N, C]) pair with logits [N, C].
            labels = reshape(labels, concat([convert_to_tensor([-1]), shape(logits)[-1:]], 0))
        return op(op_type, [logits, labels], name=name).outputs[0]

    classes = shape(logits)[-1:]
    rows = concat([convert_to_tensor([-1]), classes], 0)
    flat_labels = reshape(labels, [-1] if labels_rank == 1 else rows)
    loss = op(op_type, [reshape(logits, rows), flat_labels]).outputs[0]
    result = reshape(loss, shape(logits)[:-1], name=name)
    if logits.shape.ndims is not None:
        result.set_shape(logits.shape[:-1])
    return result


def softmax_cross_entropy_with_logits_v2(_sentinel: Any = None, labels: Any = None,
                                         logits: Any = None, axis: int = -1,
                                         name: str | None = None, dim: Any = None) -> Tensor:
    """-sum(labels * log_softmax(logits), axis): one loss per example. Gradients flow into
    both `labels` and `logits`."""
    _named_only(_sentinel, "softmax_cross_entropy_with_logits_v2")
    axis = axis if dim is None else dim
    with op_scope([logits, labels], name, "softmax_cross_entropy_with_logits") as scope:
        logits = convert_to_tensor(logits)
        labels = gmath.cast(convert_to_tensor(labels), logits.dtype)
        return _flattened("SoftmaxCrossEntropyWithLogits", swap_with_last(logits, axis),
                          swap_with_last(labels, axis), 2, scope)


def softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1,
                                      name: str | None = None, axis: Any = None) -> Tensor:
    """TF1's original version: as the _v2 one, but no gradient flows into `labels`."""
    _named_only(_sentinel, "softmax_cross_entropy_with_logits")
    return softmax_cross_entropy_with_logits_v2(
        labels=stop_gradient(labels), logits=logits, axis=dim if axis is None else axis,
        name=name)


def sparse_softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                             logits: Any = None,
                                             name: str | None = None) -> Tensor:
    """-log_softmax(logits)[..., labels]: `labels` are class indices with the shape of
    `logits` minus its last axis.

    Raises:
        ValueError: when the ranks do not fit (labels must have rank of logits - 1).
    """
    _named_only(_sentinel, "sparse_softmax_cross_entropy_with_logits")
    with op_scope([logits, labels], name, "SparseSoftmaxCrossEntropyWithLogits") as scope:
        logits = convert_to_tensor(logits)
        labels = convert_to_tensor(labels)
        if logits.shape.ndims is not None and labels.shape.ndims is not None and \
                labels.shape.ndims != logits.shape.ndims - 1:
            raise ValueError(
                f"Rank mismatch: Rank of labels (received {labels.shape.ndims}) should equal "
                f"rank of logits minus 1 (received {logits.shape.ndims}).")
        if logits.shape.ndims == 2:
            # TF1 names the op again inside its own scope: "xentropy/xentropy",
            # "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits".
            return op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels],
                      name=name or "SparseSoftmaxCrossEntropyWithLogits").outputs[0]
        return _flattened("SparseSoftmaxCrossEntropyWithLogits", logits, labels, 1, scope)


def sigmoid_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, name: str | None = None) -> Tensor:
    """Elementwise -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) for labels z, logits x,
    computed as max(x, 0) - x z + log1p(exp(-|x|)).

    Raises:
        ValueError: when labels and logits have different shapes.
    """
    _named_only(_sentinel, "sigmoid_cross_entropy_with_logits")
    with op_scope([logits, labels], name, "logistic_loss") as scope:
        logits, labels = operands(logits, labels)
        _same_shape(logits, labels)
        zeros = gmath.zeros_like(logits)
        positive = logits >= zeros
        relu_logits = gmath.where(positive, logits, zeros)
        neg_abs_logits = gmath.where(positive, -logits, logits)
        return gmath.add(relu_logits - logits * labels, gmath.log1p(gmath.exp(neg_abs_logits)),
                         name=scope)


def weighted_cross_entropy_with_logits(targets: Any = None, logits: Any = None,
                                       pos_weight: Any = None, name: str | None = None,
                                       labels: Any = None) -> Tensor:
    """Sigmoid cross-entropy with positive examples weighted by `pos_weight`:
    (1 - z) x + (1 + (pos_weight - 1) z) (log1p(exp(-|x|)) + max(-x, 0)).

    Raises:
        ValueError: when targets and logits have different shapes.
    """
    targets = labels if targets is None else targets
    with op_scope([logits, targets], name, "logistic_loss") as scope:
        logits, targets = operands(logits, targets)
        _same_shape(logits, targets)
        log_weight = 1.0 + (gmath.cast(convert_to_tensor(pos_weight), logits.dtype) - 1.0) * targets
        # relu(-x) as a select: its gradient at x = 0 is 0, as TF1's Relu gradient is.
        relu_neg = gmath.where(logits < 0.0, -logits, gmath.zeros_like(logits))
        softplus_neg = gmath.log1p(gmath.exp(-gmath.abs(logits))) + relu_neg
        return gmath.add((1.0 - targets) * logits, log_weight * softplus_neg, name=scope)


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """sum(t ** 2) / 2 (no square root): the usual weight-decay penalty."""
    return out("L2Loss", [convert_to_tensor(t)], name=name)


def _same_shape(logits: Tensor, labels: Tensor) -> None:
    if not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(f"logits and labels must have the same shape ({logits.shape} vs "
                         f"{labels.shape})")

