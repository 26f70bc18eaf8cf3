"""`tf.nn`: neural-network ops (activations, convolutions, pooling, losses, normalization)."""

# ruff: noqa: F401
from graphflow.api.cross_entropy import (
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from graphflow.api.math import sigmoid, tanh
from graphflow.api.softmax import log_softmax, softmax
