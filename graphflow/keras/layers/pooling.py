"""Pooling layers: `MaxPooling1D/2D`, `AveragePooling1D/2D`, `GlobalAveragePooling1D/2D`,
`GlobalMaxPooling1D/2D`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import InputSpec, Layer
from graphflow.keras.layers._config import normalize_tuple


class _Pooling2D(Layer):
    op = "max"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, 2, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, 2, "strides")
        self.padding = padding.lower()
        self.data_format = data_format or K.image_data_format()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        last = self.data_format == "channels_last"
        ksize = [1, *self.pool_size, 1] if last else [1, 1, *self.pool_size]
        strides = [1, *self.strides, 1] if last else [1, 1, *self.strides]
        fn = _tf.nn.max_pool if self.op == "max" else _tf.nn.avg_pool
        return fn(inputs, ksize, strides, self.padding.upper(), data_format="NHWC" if last else "NCHW")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling2D(_Pooling2D):
    """Max over `pool_size` windows moved by `strides` (default: the pool size)."""

    op = "max"


class AveragePooling2D(_Pooling2D):
    """Mean over `pool_size` windows moved by `strides` (default: the pool size)."""

    op = "avg"


class _Pooling1D(Layer):
    op = "max"

    def __init__(self, pool_size: int = 2, strides: int | None = None, padding: str = "valid",
                 data_format: str = "channels_last", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, 1, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, 1, "strides")
        self.padding = padding.lower()
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: Any) -> Any:
        x = _tf.expand_dims(inputs, 1)
        fn = _tf.nn.max_pool if self.op == "max" else _tf.nn.avg_pool
        out = fn(x, [1, 1, self.pool_size[0], 1], [1, 1, self.strides[0], 1], self.padding.upper())
        return _tf.squeeze(out, [1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "strides": self.strides, "pool_size": self.pool_size,
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling1D(_Pooling1D):
    """Max over windows of `pool_size` steps."""

    op = "max"


class AveragePooling1D(_Pooling1D):
    """Mean over windows of `pool_size` steps."""

    op = "avg"


class _Global(Layer):
    reduce: Any = None
    spatial_axes: tuple[int, ...] = (1, 2)

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()

    def call(self, inputs: Any) -> Any:
        axes = list(self.spatial_axes) if self.data_format == "channels_last" else \
            [a + 1 for a in self.spatial_axes]
        return type(self).reduce(inputs, axis=axes)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class GlobalAveragePooling2D(_Global):
    """The mean over height and width: `(batch, channels)`."""

    reduce = staticmethod(_tf.reduce_mean)


class GlobalMaxPooling2D(_Global):
    """The maximum over height and width: `(batch, channels)`."""

    reduce = staticmethod(_tf.reduce_max)


class GlobalAveragePooling1D(_Global):
    """The mean over steps: `(batch, features)`; with an input mask (`Embedding(mask_zero=True)`,
    `Masking`), the mean over the unmasked steps only (Keras 2)."""

    reduce = staticmethod(_tf.reduce_mean)
    spatial_axes = (1,)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        channels_last = self.data_format == "channels_last"
        weight = _tf.expand_dims(_tf.cast(mask, inputs.dtype), 2 if channels_last else 1)
        axis = 1 if channels_last else 2
        return _tf.reduce_sum(inputs * weight, axis=axis) / _tf.reduce_sum(weight, axis=axis)


class GlobalMaxPooling1D(_Global):
    """The maximum over steps: `(batch, features)`."""

    reduce = staticmethod(_tf.reduce_max)
    spatial_axes = (1,)


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
