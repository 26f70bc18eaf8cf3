"""Activation layers with parameters: `LeakyReLU`, `ReLU`, `ELU`, `Softmax`, `ThresholdedReLU`,
`PReLU`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras import initializers
from graphflow.keras.engine.base_layer import Layer
from graphflow.keras.layers._config import ser_initializer


class LeakyReLU(Layer):
    """x for x >= 0, alpha x below (default alpha 0.3, as Keras 2)."""

    def __init__(self, alpha: float = 0.3, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs: Any) -> Any:
        return _tf.nn.leaky_relu(inputs, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class ReLU(Layer):
    """Keras 2's ReLU: capped at `max_value`, slope `negative_slope` below `threshold`."""

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Got: {max_value}")
        if negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be a negative value. "
                             f"Got: {negative_slope}")
        self.max_value, self.negative_slope, self.threshold = max_value, float(negative_slope), float(threshold)

    def call(self, inputs: Any) -> Any:
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value, threshold=self.threshold)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class ELU(Layer):
    """x for x > 0, alpha (exp(x) - 1) below."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs: Any) -> Any:
        return K.elu(inputs, self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along `axis`."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs: Any) -> Any:
        return _tf.nn.softmax(inputs, axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


class ThresholdedReLU(Layer):
    """x where x > theta, else 0."""

    def __init__(self, theta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.theta = float(theta)

    def call(self, inputs: Any) -> Any:
        return inputs * _tf.cast(_tf.greater(inputs, self.theta), inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "theta": self.theta}


class PReLU(Layer):
    """Leaky ReLU with a learned slope per feature (weight `alpha`)."""

    def __init__(self, alpha_initializer: Any = "zeros", shared_axes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.shared_axes = None if shared_axes is None else list(
            [shared_axes] if isinstance(shared_axes, int) else shared_axes)

    def build(self, input_shape: Any) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", tuple(shape), initializer=self.alpha_initializer)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return _tf.nn.relu(inputs) - self.alpha * _tf.nn.relu(-inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha_initializer": ser_initializer(self.alpha_initializer),
                "shared_axes": self.shared_axes}
