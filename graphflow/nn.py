"""`tf.nn`: neural-network ops (activations, convolutions, pooling, losses, normalization)."""

# ruff: noqa: F401
from graphflow.api.math import sigmoid, tanh
