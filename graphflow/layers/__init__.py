"""`tf.layers`: TF1's layer classes (`Dense`, `Conv2D`, ...) and their functional forms
(`dense`, `conv2d`, ...). A layer's variables live under its variable scope (`dense/kernel:0`,
`conv2d_1/bias:0`), named per enclosing variable scope as TF1 does; `reuse=True` (or calling a
layer object again) shares them."""

# ruff: noqa: F401
from .base import Layer
from .convolutional import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    SeparableConv2D,
    conv1d,
    conv2d,
    conv2d_transpose,
    separable_conv2d,
)
from .core import Dense, Dropout, Flatten, dense, dropout, flatten
from .normalization import BatchNormalization, batch_normalization
from .pooling import (
    AveragePooling1D,
    AveragePooling2D,
    MaxPooling1D,
    MaxPooling2D,
    average_pooling1d,
    average_pooling2d,
    max_pooling1d,
    max_pooling2d,
)
