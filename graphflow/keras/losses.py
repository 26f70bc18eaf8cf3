"""`keras.losses`: Keras 2's loss functions (per-sample values, the mean over the last axis) and
Loss classes (weighted and reduced: `sum_over_batch_size` by default), with `get`/`serialize`.
"""

from __future__ import annotations

import math
from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.utils.generic_utils import deserialize_keras_object, get_keras_object


def _pair(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = _tf.convert_to_tensor(y_pred)
    return _tf.cast(y_true, y_pred.dtype), y_pred


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """mean((y_pred - y_true)^2) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _tf.reduce_mean(_tf.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """mean(|y_pred - y_true|) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _tf.reduce_mean(_tf.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """100 * mean(|(y_true - y_pred) / y_true|) over the last axis (|y_true| >= epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = _tf.abs((y_true - y_pred) / _tf.maximum(_tf.abs(y_true), K.epsilon()))
    return 100.0 * _tf.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """mean((log(y_pred + 1) - log(y_true + 1))^2) over the last axis (values >= epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    first = _tf.log(_tf.maximum(y_pred, K.epsilon()) + 1.0)
    second = _tf.log(_tf.maximum(y_true, K.epsilon()) + 1.0)
    return _tf.reduce_mean(_tf.square(first - second), axis=-1)


def _signed_labels(y_true: Any) -> Any:
    # Keras 2 turns {0, 1} labels into {-1, 1} for the hinge losses.
    all_binary = _tf.reduce_all(_tf.logical_or(_tf.equal(y_true, 0.0), _tf.equal(y_true, 1.0)))
    return _tf.where_v2(all_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """mean(max(1 - y_true * y_pred, 0)) over the last axis (0/1 labels become -1/1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _tf.reduce_mean(_tf.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """mean(max(1 - y_true * y_pred, 0)^2) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _tf.reduce_mean(_tf.square(_tf.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """max(0, 1 + max_wrong - correct) per sample."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = _tf.reduce_sum(y_true * y_pred, axis=-1)
    neg = _tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return _tf.maximum(0.0, neg - pos + 1.0)


def huber_loss(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """0.5 x^2 for |x| <= delta, else delta |x| - 0.5 delta^2, averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = _tf.abs(y_pred - y_true)
    quadratic = _tf.minimum(error, delta)
    linear = error - quadratic
    return _tf.reduce_mean(0.5 * _tf.square(quadratic) + delta * linear, axis=-1)


def logcosh(y_true: Any, y_pred: Any) -> Any:
    """mean(log(cosh(y_pred - y_true))) over the last axis, computed stably."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return _tf.reduce_mean(x + _tf.nn.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def kullback_leibler_divergence(y_true: Any, y_pred: Any) -> Any:
    """sum(y_true * log(y_true / y_pred)) over the last axis (both clipped to [epsilon, 1])."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _tf.clip_by_value(y_true, K.epsilon(), 1.0)
    y_pred = _tf.clip_by_value(y_pred, K.epsilon(), 1.0)
    return _tf.reduce_sum(y_true * _tf.log(y_true / y_pred), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _tf.reduce_mean(y_pred - y_true * _tf.log(y_pred + K.epsilon()), axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) along `axis` (Keras 2's sign)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return -_tf.reduce_sum(_tf.nn.l2_normalize(y_true, axis=axis) * _tf.nn.l2_normalize(y_pred, axis=axis),
                           axis=axis)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0) -> Any:
    """mean of elementwise binary cross-entropy over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _tf.reduce_mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0) -> Any:
    """Cross-entropy of one-hot `y_true` against probabilities (or logits) `y_pred`."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        classes = _tf.cast(_tf.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    axis: int = -1) -> Any:
    """Cross-entropy of integer labels `y_true` against probabilities (or logits) `y_pred`."""
    return K.sparse_categorical_crossentropy(y_true, _tf.convert_to_tensor(y_pred), from_logits=from_logits)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine_proximity = cosine = cosine_similarity
huber = huber_loss


class Loss:
    """A loss object: `loss(y_true, y_pred, sample_weight=None)` is the per-sample loss weighted
    by `sample_weight` and reduced (`'sum_over_batch_size'`: the mean over all elements;
    `'sum'`; `'none'`).

    Args:
        reduction: the reduction.
        name: the loss name.
    """

    fn: Any = None

    def __init__(self, reduction: str = "sum_over_batch_size", name: str | None = None, **kwargs: Any) -> None:
        if reduction == "auto":
            reduction = "sum_over_batch_size"
        self.reduction = reduction
        self.name = name
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """The per-sample losses."""
        return type(self).fn(y_true, y_pred, **self._fn_kwargs)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        values = self.call(y_true, y_pred)
        return reduce_weighted_loss(values, sample_weight, self.reduction)

    def get_config(self) -> dict[str, Any]:
        """`reduction`, `name` and the loss function's options."""
        return {"reduction": self.reduction, "name": self.name, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """A loss object from its config."""
        return cls(**config)


def weight_like(sample_weight: Any, values: Any) -> Any:
    """`sample_weight` cast to `values`' dtype, with trailing size-1 axes squeezed or added until
    its rank is that of `values` (when both ranks are known), ready to broadcast against them. A
    scalar `values` (a custom loss that already reduced everything, `K.mean(...)`) is broadcast
    against the per-sample weights as Keras 2 does, rather than having them squeezed into it."""
    weight = _tf.cast(sample_weight, values.dtype)
    if weight.shape.ndims is not None and values.shape.ndims not in (None, 0):
        while weight.shape.ndims > values.shape.ndims:
            weight = _tf.squeeze(weight, [-1])
        while weight.shape.ndims < values.shape.ndims:
            weight = _tf.expand_dims(weight, -1)
    return weight


def reduce_weighted_loss(values: Any, sample_weight: Any = None, reduction: str = "sum_over_batch_size") -> Any:
    """Multiplies per-sample losses by `sample_weight` (broadcast) and reduces them.

    Returns:
        A scalar (or the weighted values for `reduction='none'`).
    """
    if sample_weight is not None:
        values = values * weight_like(sample_weight, values)
    if reduction == "none":
        return values
    total = _tf.reduce_sum(values)
    if reduction == "sum":
        return total
    return total / _tf.cast(_tf.size(values), values.dtype)


def _loss_class(name: str, fn: Any, default_name: str, **defaults: Any) -> type:
    def __init__(self: Loss, reduction: str = "sum_over_batch_size", name: str = default_name,
                 **kwargs: Any) -> None:
        Loss.__init__(self, reduction=reduction, name=name, **{**defaults, **kwargs})
    doc = f"The `{fn.__name__}` loss as an object (see `Loss`)."
    return type(name, (Loss,), {"fn": staticmethod(fn), "__init__": __init__, "__doc__": doc})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _loss_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _loss_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error")
BinaryCrossentropy = _loss_class("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
                                 from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _loss_class("CategoricalCrossentropy", categorical_crossentropy,
                                      "categorical_crossentropy", from_logits=False, label_smoothing=0)
SparseCategoricalCrossentropy = _loss_class("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                            "sparse_categorical_crossentropy", from_logits=False)
Hinge = _loss_class("Hinge", hinge, "hinge")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge")
Huber = _loss_class("Huber", huber_loss, "huber_loss", delta=1.0)
LogCosh = _loss_class("LogCosh", logcosh, "logcosh")
KLDivergence = _loss_class("KLDivergence", kullback_leibler_divergence, "kullback_leibler_divergence")
Poisson = _loss_class("Poisson", poisson, "poisson")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity", axis=-1)

_FUNCTIONS = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, hinge, squared_hinge, categorical_hinge, huber_loss, logcosh,
    kullback_leibler_divergence, poisson, cosine_similarity, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy)}
_FUNCTIONS.update(mse=mse, mae=mae, mape=mape, msle=msle, kld=kld, MSE=mse, MAE=mae, MAPE=mape, MSLE=msle,
                  KLD=kld, cosine_proximity=cosine_similarity, cosine=cosine_similarity, huber=huber_loss)
_CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, SquaredHinge,
    CategoricalHinge, Huber, LogCosh, KLDivergence, Poisson, CosineSimilarity)}


def serialize(loss: Any) -> Any:
    """A loss function's name, or a Loss object's `{'class_name', 'config'}`."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", loss)


def deserialize(name: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The loss a name or config stands for."""
    return deserialize_keras_object(name, {**_FUNCTIONS, **_CLASSES}, custom_objects, "loss function")


def get(identifier: Any) -> Any:
    """A loss from a name, a config dict, a Loss object or a function.

    Raises:
        ValueError: for an unknown name (`Unknown loss function: name`).
    """
    return get_keras_object(identifier, deserialize, "loss function")
