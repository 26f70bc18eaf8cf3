"""`tf.layers`: TF1's functional layers. Each creates its variables under a variable scope
named after the layer (`dense/kernel:0`, `conv2d_1/bias:0`); `reuse=True` shares them."""

# ruff: noqa: F401
from .convolutional import conv2d, conv2d_transpose, separable_conv2d
from .core import dense, dropout, flatten
from .normalization import batch_normalization
from .pooling import average_pooling2d, max_pooling2d
