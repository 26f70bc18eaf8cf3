"""`keras.constraints`: projections applied to a weight after each optimizer update."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.utils.generic_utils import (
    deserialize_keras_object,
    get_keras_object,
    serialize_keras_object,
)


class Constraint:
    """Base class: `__call__(w)` returns the projected weight."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        """A constraint from its config."""
        return cls(**config)


class MaxNorm(Constraint):
    """Rescales the weights whose norm along `axis` exceeds `max_value`."""

    def __init__(self, max_value: float = 2, axis: int = 0) -> None:
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Any) -> Any:
        norms = _tf.sqrt(_tf.reduce_sum(_tf.square(w), axis=self.axis, keepdims=True))
        desired = _tf.clip_by_value(norms, 0.0, self.max_value)
        return w * (desired / (K.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w: Any) -> Any:
        return w * _tf.cast(_tf.greater_equal(w, 0.0), w.dtype)


class UnitNorm(Constraint):
    """Divides the weights by their norm along `axis`."""

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        return w / (K.epsilon() + _tf.sqrt(_tf.reduce_sum(_tf.square(w), axis=self.axis, keepdims=True)))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps the norms along `axis` within [min_value, max_value] (moved there at `rate`)."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: int = 0) -> None:
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Any) -> Any:
        norms = _tf.sqrt(_tf.reduce_sum(_tf.square(w), axis=self.axis, keepdims=True))
        desired = self.rate * _tf.clip_by_value(norms, self.min_value, self.max_value) + \
            (1 - self.rate) * norms
        return w * (desired / (K.epsilon() + norms))

    def get_config(self) -> dict[str, Any]:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
_BY_NAME = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
            "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm}


def serialize(constraint: Any) -> dict[str, Any]:
    """`{'class_name': ..., 'config': ...}`."""
    return serialize_keras_object(constraint)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The constraint a config dict or name stands for."""
    found = deserialize_keras_object(config, _BY_NAME, custom_objects, "constraint")
    return found() if isinstance(config, str) else found


def get(identifier: Any) -> Any:
    """A constraint from None, a name, a config dict or a callable.

    Raises:
        ValueError: for something else.
    """
    return get_keras_object(identifier, deserialize, "constraint")
