"""`keras.activations`: the activation functions by Keras 2 name, `get`, `serialize`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.utils.generic_utils import deserialize_keras_object, get_keras_object


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax along `axis`."""
    return _tf.nn.softmax(x, axis=axis)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit."""
    return K.elu(x, alpha)


def selu(x: Any) -> Any:
    """Scaled exponential linear unit."""
    return _tf.nn.selu(x)


def softplus(x: Any) -> Any:
    """log(1 + exp(x))."""
    return _tf.nn.softplus(x)


def softsign(x: Any) -> Any:
    """x / (1 + |x|)."""
    return _tf.nn.softsign(x)


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Rectified linear unit (Keras 2's arguments)."""
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return _tf.tanh(x)


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid."""
    return _tf.sigmoid(x)


def exponential(x: Any) -> Any:
    """exp(x)."""
    return _tf.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """clip(0.2 x + 0.5, 0, 1)."""
    return K.hard_sigmoid(x)


def linear(x: Any) -> Any:
    """The identity."""
    return x


def swish(x: Any) -> Any:
    """x * sigmoid(x)."""
    return x * _tf.sigmoid(x)


_BY_NAME = {f.__name__: f for f in (softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid,
                                     exponential, hard_sigmoid, linear, swish)}


def serialize(activation: Any) -> Any:
    """The Keras 2 name of an activation function (`'relu'`), or its config for a layer."""
    if hasattr(activation, "__name__") and activation.__name__ in _BY_NAME:
        return activation.__name__
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    return getattr(activation, "__name__", activation)


def deserialize(name: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The activation named `name`."""
    return deserialize_keras_object(name, _BY_NAME, custom_objects, "activation function")


def get(identifier: Any) -> Any:
    """An activation from None (linear), a name, or a callable.

    Raises:
        ValueError: for an unknown name.
    """
    return get_keras_object(identifier, deserialize, "activation function", none_value=linear)
