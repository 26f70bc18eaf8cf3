"""`keras.metrics`: Keras 2's metric functions (per-sample values) and stateful metric objects.

A stateful metric keeps accumulators (local Variables). In graph mode `metric(y_true, y_pred)`
returns the result computed from the updated accumulators, so one `sess.run` both updates and
reads it; `reset_states()` zeroes them (fit does so at each epoch start).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import graphflow as _tf
from graphflow.framework.graph import get_default_graph
from graphflow.keras import backend as K
from graphflow.keras import losses as _losses
from graphflow.keras.utils.generic_utils import deserialize_keras_object


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """mean(y_true == (y_pred > threshold)) over the last axis."""
    y_pred = _tf.convert_to_tensor(y_pred)
    predicted = _tf.cast(y_pred > threshold, y_pred.dtype)
    return _tf.reduce_mean(_tf.cast(_tf.equal(_tf.cast(y_true, y_pred.dtype), predicted), K.floatx()), axis=-1)


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where argmax(y_true) == argmax(y_pred)."""
    return _tf.cast(_tf.equal(_tf.argmax(y_true, axis=-1), _tf.argmax(y_pred, axis=-1)), K.floatx())


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label equals argmax(y_pred)."""
    y_pred = _tf.convert_to_tensor(y_pred)
    y_true = _tf.convert_to_tensor(y_true)
    if y_true.shape.ndims is not None and y_pred.shape.ndims is not None and \
            y_true.shape.ndims == y_pred.shape.ndims:
        y_true = _tf.squeeze(y_true, [-1])
    predicted = _tf.cast(_tf.argmax(y_pred, axis=-1), K.floatx())
    return _tf.cast(_tf.equal(_tf.cast(y_true, K.floatx()), predicted), K.floatx())


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the true class is among the k highest scores."""
    return _tf.cast(K.in_top_k(y_pred, _tf.argmax(y_true, axis=-1), k), K.floatx())


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the integer label is among the k highest scores."""
    y_true = _tf.reshape(_tf.cast(y_true, "int64"), [-1])
    return _tf.cast(K.in_top_k(y_pred, y_true, k), K.floatx())


mse = MSE = mean_squared_error = _losses.mean_squared_error
mae = MAE = mean_absolute_error = _losses.mean_absolute_error
mape = MAPE = mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
hinge, squared_hinge = _losses.hinge, _losses.squared_hinge
kld = KLD = kullback_leibler_divergence = _losses.kullback_leibler_divergence
poisson, logcosh = _losses.poisson, _losses.logcosh
cosine_proximity = cosine_similarity = _losses.cosine_similarity
top_k = top_k_categorical_accuracy


class Metric:
    """A stateful metric: accumulators updated by `update_state`, read by `result`.

    Args:
        name: the metric name (the logs key).
        dtype: the accumulators' dtype.
    """

    def __init__(self, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        from graphflow.keras.engine.base_layer import to_snake_case
        self.name = name or to_snake_case(type(self).__name__)
        self.dtype = dtype or K.floatx()
        self._variables: list[Any] = []
        self._reset_op: Any = None

    def add_weight(self, name: str, shape: Any = (), initializer: Any = "zeros", dtype: Any = None) -> Any:
        """A zero-initialized local accumulator Variable."""
        shape = tuple(shape)
        dtype = dtype or self.dtype
        graph = get_default_graph()
        with graph.control_dependencies(None), graph.name_scope(self.name):
            variable = _tf.Variable(np.zeros(shape, dtype=_tf.as_dtype(dtype).as_numpy_dtype), name=name,
                                    trainable=False, collections=[_tf.GraphKeys.LOCAL_VARIABLES])
        self._variables.append(variable)
        return variable

    @property
    def variables(self) -> list[Any]:
        """The accumulators."""
        return list(self._variables)

    weights = variables

    def update_state(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Adds a batch to the accumulators; returns their updated values (tensors)."""
        raise NotImplementedError

    def result_of(self, values: list[Any]) -> Any:
        """The metric computed from accumulator values."""
        raise NotImplementedError

    def result(self) -> Any:
        """The metric from the accumulators' current values."""
        return self.result_of([_tf.identity(v) for v in self._variables])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Updates the accumulators with a batch and returns the updated result (a tensor)."""
        with get_default_graph().name_scope(self.name):
            return self.result_of(self.update_state(*args, **kwargs))

    def reset_states(self) -> None:
        """Sets the accumulators to zero in Keras' session."""
        K.get_session().run(self.reset_op())

    def reset_op(self) -> Any:
        """The op zeroing the accumulators (built once)."""
        if self._reset_op is None:
            graph = self._variables[0].graph
            with graph.as_default(), graph.control_dependencies(None):
                self._reset_op = _tf.group(*[
                    _tf.assign(v, np.zeros(v.shape.as_list(), v.dtype.base_dtype.as_numpy_dtype))
                    for v in self._variables])
        return self._reset_op

    def get_config(self) -> dict[str, Any]:
        """`name` and `dtype`."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        """A metric from its config."""
        return cls(**config)


class Mean(Metric):
    """The (weighted) mean of the values given to `update_state`."""

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count")

    def update_state(self, values: Any, sample_weight: Any = None) -> list[Any]:
        values = _tf.cast(values, self.dtype)
        if sample_weight is None:
            weight_sum = _tf.cast(_tf.size(values), self.dtype)
            value_sum = _tf.reduce_sum(values)
        else:
            weight = _losses.weight_like(sample_weight, values) * _tf.ones_like(values)
            value_sum = _tf.reduce_sum(values * weight)
            weight_sum = _tf.reduce_sum(weight)
        return [_tf.assign_add(self.total, value_sum), _tf.assign_add(self.count, weight_sum)]

    def result_of(self, values: list[Any]) -> Any:
        return _tf.div_no_nan(values[0], values[1])


class MeanMetricWrapper(Mean):
    """The mean of a per-sample metric function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn: Any, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or fn.__name__, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> list[Any]:
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._fn_kwargs}


def _wrapper(class_name: str, fn: Any, default_name: str, **defaults: Any) -> type:
    def __init__(self: MeanMetricWrapper, name: str = default_name, dtype: Any = None, **kwargs: Any) -> None:
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**defaults, **kwargs})

    @classmethod
    def from_config(cls: type, config: dict[str, Any]) -> Any:
        return cls(**config)
    doc = f"The running mean of `{fn.__name__}`."
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "from_config": from_config,
                                                   "__doc__": doc})


def _accuracy(y_true: Any, y_pred: Any) -> Any:
    y_pred = _tf.convert_to_tensor(y_pred)
    return _tf.cast(_tf.equal(_tf.cast(y_true, y_pred.dtype), y_pred), K.floatx())


Accuracy = _wrapper("Accuracy", _accuracy, "accuracy")
BinaryAccuracy = _wrapper("BinaryAccuracy", binary_accuracy, "binary_accuracy", threshold=0.5)
CategoricalAccuracy = _wrapper("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _wrapper("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapper("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy", k=5)
SparseTopKCategoricalAccuracy = _wrapper("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                         "sparse_top_k_categorical_accuracy", k=5)
MeanSquaredError = _wrapper("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                       "mean_absolute_percentage_error")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", binary_crossentropy, "binary_crossentropy")
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", categorical_crossentropy,
                                   "categorical_crossentropy")
SparseCategoricalCrossentropy = _wrapper("SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
                                         "sparse_categorical_crossentropy")
Hinge = _wrapper("Hinge", hinge, "hinge")
KLDivergence = _wrapper("KLDivergence", kullback_leibler_divergence, "kullback_leibler_divergence")


class RootMeanSquaredError(Mean):
    """sqrt of the running mean squared error."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> list[Any]:
        y_pred = _tf.convert_to_tensor(y_pred)
        return super().update_state(_tf.square(y_pred - _tf.cast(y_true, y_pred.dtype)), sample_weight)

    def result_of(self, values: list[Any]) -> Any:
        return _tf.sqrt(_tf.div_no_nan(values[0], values[1]))


from graphflow.keras.metrics_confusion import AUC, Precision, Recall  # noqa: E402

_BY_NAME: dict[str, Any] = {
    "accuracy": None, "acc": None, "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy, "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mse": mse, "mae": mae, "mape": mape, "msle": msle, "MSE": mse, "MAE": mae, "MAPE": mape,
    "MSLE": msle, "mean_squared_error": mse, "mean_absolute_error": mae,
    "mean_absolute_percentage_error": mape, "mean_squared_logarithmic_error": msle,
    "binary_crossentropy": binary_crossentropy, "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy, "hinge": hinge,
    "squared_hinge": squared_hinge, "kld": kld, "poisson": poisson, "logcosh": logcosh,
    "cosine_proximity": cosine_similarity, "cosine_similarity": cosine_similarity, "top_k": top_k,
}
_CLASSES: dict[str, Any] = {c.__name__: c for c in (
    Mean, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Hinge, KLDivergence,
    RootMeanSquaredError, AUC, Precision, Recall)}


def serialize(metric: Any) -> Any:
    """A metric function's name, or a metric object's `{'class_name', 'config'}`."""
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The metric a name or config stands for."""
    found = deserialize_keras_object(config, {k: v for k, v in _BY_NAME.items() if v is not None} | _CLASSES,
                                     custom_objects, "metric function")
    return found


def get(identifier: Any) -> Any:
    """A metric from a name, a config dict, a function or a Metric object.

    Raises:
        ValueError: for an unknown name (`Unknown metric function: name`).
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier}")
