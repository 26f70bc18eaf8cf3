"""`tf.layers.MaxPooling1D`, `AveragePooling1D`, `MaxPooling2D` and `AveragePooling2D`, and
their functional forms `max_pooling1d`, ..., `average_pooling2d`. As TF1, 1-D pooling is 2-D
pooling over an added axis of size 1."""

from __future__ import annotations

from typing import Any

from graphflow.api import nn_conv
from graphflow.api.indexing import expand_dims, squeeze
from graphflow.framework.tensor import Tensor

from ._args import data_format_of, ints, padding_of, pair
from .base import Layer


class _Pooling2D(Layer):
    """A 2-D pooling layer: `pool_size` windows moved by `strides` (no variables)."""

    _POOL: Any = None

    def __init__(self, pool_size: Any, strides: Any, padding: str = "valid",
                 data_format: str = "channels_last", name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = pair(strides, "strides")
        self.padding = padding_of(padding)
        self.data_format = data_format
        self._format = data_format_of(data_format)

    def call(self, inputs: Tensor) -> Tensor:
        four = (lambda v: [1, 1, *v]) if self._format == "NCHW" else (lambda v: [1, *v, 1])
        return self._POOL(inputs, four(self.pool_size), four(self.strides), self.padding,
                          data_format=self._format)


class MaxPooling2D(_Pooling2D):
    """The maximum over each window."""

    _POOL = staticmethod(nn_conv.max_pool)


class AveragePooling2D(_Pooling2D):
    """The mean over each window (padding not counted)."""

    _POOL = staticmethod(nn_conv.avg_pool)


class _Pooling1D(Layer):
    """A 1-D pooling layer over [batch, width, channels] (no variables)."""

    _POOL: Any = None

    def __init__(self, pool_size: Any, strides: Any, padding: str = "valid",
                 data_format: str = "channels_last", name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = ints(pool_size, 1, "pool_size")
        self.strides = ints(strides, 1, "strides")
        self.padding = padding_of(padding)
        self.data_format = data_format
        self._format = data_format_of(data_format)

    def call(self, inputs: Tensor) -> Tensor:
        # [N, W, C] -> [N, W, 1, C] (or [N, C, W] -> [N, C, W, 1]): the window spans W only.
        axis = 2 if self._format == "NHWC" else 3
        four = (lambda v: [1, 1, v, 1]) if self._format == "NCHW" else (lambda v: [1, v, 1, 1])
        pooled = self._POOL(expand_dims(inputs, axis), four(self.pool_size[0]),
                            four(self.strides[0]), self.padding, data_format=self._format)
        return squeeze(pooled, [axis])


class MaxPooling1D(_Pooling1D):
    """The maximum over each window."""

    _POOL = staticmethod(nn_conv.max_pool)


class AveragePooling1D(_Pooling1D):
    """The mean over each window (padding not counted)."""

    _POOL = staticmethod(nn_conv.avg_pool)


def max_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The functional form of `MaxPooling1D`."""
    return MaxPooling1D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The functional form of `AveragePooling1D`."""
    return AveragePooling1D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The functional form of `MaxPooling2D`."""
    return MaxPooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The functional form of `AveragePooling2D`."""
    return AveragePooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)

