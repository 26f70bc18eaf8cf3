"""Spatial reshaping layers: `ZeroPadding2D`, `Cropping2D`, `UpSampling2D`."""

from __future__ import annotations

from typing import Any

import graphflow as _tf
from graphflow.keras import backend as K
from graphflow.keras.engine.base_layer import InputSpec, Layer


def _pairs(value: Any, name: str) -> tuple[tuple[int, int], tuple[int, int]]:
    if isinstance(value, int):
        return ((value, value), (value, value))
    first, second = value
    if isinstance(first, int):
        return ((first, first), (second, second))
    if len(first) != 2 or len(second) != 2:
        raise ValueError(f"`{name}` should have two elements. Found: {value}")
    return (tuple(first), tuple(second))


class ZeroPadding2D(Layer):
    """Pads height and width with zeros: `padding` is an int, (h, w) or ((top, bottom), (left, right))."""

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.padding = _pairs(padding, "padding")
        self.data_format = data_format or K.image_data_format()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        (top, bottom), (left, right) = self.padding
        if self.data_format == "channels_last":
            return _tf.pad(inputs, [[0, 0], [top, bottom], [left, right], [0, 0]])
        return _tf.pad(inputs, [[0, 0], [0, 0], [top, bottom], [left, right]])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class Cropping2D(Layer):
    """Crops height and width: `cropping` is an int, (h, w) or ((top, bottom), (left, right))."""

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, "cropping")
        self.data_format = data_format or K.image_data_format()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        (top, bottom), (left, right) = self.cropping
        shape = K.int_shape(inputs)
        h_axis, w_axis = (1, 2) if self.data_format == "channels_last" else (2, 3)
        begin = [0, 0, 0, 0]
        size = [-1, -1, -1, -1]
        begin[h_axis], begin[w_axis] = top, left
        if shape[h_axis] is not None and shape[w_axis] is not None:
            size[h_axis] = shape[h_axis] - top - bottom
            size[w_axis] = shape[w_axis] - left - right
            return _tf.slice(inputs, begin, size)
        dynamic = _tf.shape(inputs)
        sizes = [dynamic[0], dynamic[1], dynamic[2], dynamic[3]]
        sizes[h_axis] = dynamic[h_axis] - top - bottom
        sizes[w_axis] = dynamic[w_axis] - left - right
        return _tf.slice(inputs, begin, _tf.stack(sizes))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class UpSampling2D(Layer):
    """Repeats rows and columns `size` times (nearest) or resizes bilinearly."""

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.data_format = data_format or K.image_data_format()
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError("`interpolation` argument should be one of `\"nearest\"` or `\"bilinear\"`.")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        x = inputs if self.data_format == "channels_last" else _tf.transpose(inputs, [0, 2, 3, 1])
        shape = K.int_shape(x)
        if self.interpolation == "nearest" and shape[1] is not None and shape[2] is not None:
            # Repeat each row, then each column: exact nearest-neighbour upsampling.
            x = _tf.reshape(_tf.tile(_tf.expand_dims(x, 2), [1, 1, self.size[0], 1, 1]),
                            [-1, shape[1] * self.size[0], shape[2], shape[3]])
            x = _tf.reshape(_tf.tile(_tf.expand_dims(x, 3), [1, 1, 1, self.size[1], 1]),
                            [-1, shape[1] * self.size[0], shape[2] * self.size[1], shape[3]])
        else:
            from graphflow import image
            new_size = _tf.shape(x)[1:3] * _tf.constant(list(self.size), "int32")
            resize = image.resize_nearest_neighbor if self.interpolation == "nearest" else image.resize_bilinear
            x = resize(x, new_size)
        return x if self.data_format == "channels_last" else _tf.transpose(x, [0, 3, 1, 2])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}
