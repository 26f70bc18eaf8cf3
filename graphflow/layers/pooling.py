"""`tf.layers.max_pooling2d` and `average_pooling2d`."""

from __future__ import annotations

from typing import Any

from graphflow.api import nn_conv
from graphflow.framework.graph import get_default_graph
from graphflow.framework.tensor import Tensor

from ._scope import data_format_of, padding_of, pair


def _pool(fn: Any, default: str, inputs: Any, pool_size: Any, strides: Any, padding: str,
          data_format: str, name: str | None) -> Tensor:
    fmt = data_format_of(data_format)
    kh, kw = pair(pool_size, "pool_size")
    sh, sw = pair(strides, "strides")
    four = (lambda a, b: [1, 1, a, b]) if fmt == "NCHW" else (lambda a, b: [1, a, b, 1])
    with get_default_graph().name_scope(name or default):
        return fn(inputs, four(kh, kw), four(sh, sw), padding_of(padding), data_format=fmt)


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The maximum over each pool_size window, moved by strides."""
    return _pool(nn_conv.max_pool, "max_pooling2d", inputs, pool_size, strides, padding,
                 data_format, name)


def average_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """The mean over each pool_size window (padding not counted), moved by strides."""
    return _pool(nn_conv.avg_pool, "average_pooling2d", inputs, pool_size, strides, padding,
                 data_format, name)
