"""Regularization layers active only in the training phase: `GaussianNoise`, `GaussianDropout`,
`SpatialDropout1D/2D`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import Layer
from graphflow.keras.layers.core import Dropout


class GaussianNoise(Layer):
    """Adds N(0, stddev^2) noise in training; the identity at inference."""

    def __init__(self, stddev: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stddev = float(stddev)

    def call(self, inputs: Any, training: Any = None) -> Any:
        def noisy() -> Any:
            return inputs + _tf.random_normal(_tf.shape(inputs), 0.0, self.stddev, dtype=inputs.dtype)
        return K.in_train_phase(noisy, inputs, training=training)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev}


class GaussianDropout(Layer):
    """Multiplies by N(1, rate / (1 - rate)) noise in training; the identity at inference."""

    def __init__(self, rate: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = float(rate)

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not 0 < self.rate < 1:
            return inputs
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5

        def noisy() -> Any:
            return inputs * _tf.random_normal(_tf.shape(inputs), 1.0, stddev, dtype=inputs.dtype)
        return K.in_train_phase(noisy, inputs, training=training)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate}


class SpatialDropout2D(Dropout):
    """Drops whole feature maps: one keep decision per (sample, channel)."""

    def __init__(self, rate: float, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(rate, **kwargs)
        self.data_format = data_format or K.image_data_format()

    def _noise_shape(self, inputs: Any) -> Any:
        dynamic = _tf.shape(inputs)
        if self.data_format == "channels_first":
            return _tf.stack([dynamic[0], dynamic[1], 1, 1])
        return _tf.stack([dynamic[0], 1, 1, dynamic[3]])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("noise_shape", None)
        config.pop("seed", None)
        return {**config, "data_format": self.data_format}


class SpatialDropout1D(Dropout):
    """Drops whole 1-D feature maps: one keep decision per (sample, channel)."""

    def _noise_shape(self, inputs: Any) -> Any:
        dynamic = _tf.shape(inputs)
        return _tf.stack([dynamic[0], 1, dynamic[2]])
