"""`tf.nn`: neural-network ops (activations, convolutions, pooling, losses, normalization)."""

# ruff: noqa: F401
from graphflow.api.activations import (
    elu,
    gelu,
    leaky_relu,
    relu,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
    swish,
)
from graphflow.api.cross_entropy import (
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from graphflow.api.dropout import dropout
from graphflow.api.math import sigmoid, tanh
from graphflow.api.nn_conv import (
    avg_pool,
    bias_add,
    conv2d,
    conv2d_transpose,
    depthwise_conv2d,
    max_pool,
    separable_conv2d,
)
from graphflow.api.normalization import (
    batch_normalization,
    fused_batch_norm,
    l2_normalize,
    local_response_normalization,
    lrn,
    moments,
)
from graphflow.api.softmax import log_softmax, softmax
