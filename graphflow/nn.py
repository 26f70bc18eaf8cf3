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
from graphflow.api.candidate_sampling import (
    compute_accidental_hits,
    fixed_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
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
from graphflow.api.math_compose import zero_fraction
from graphflow.api.nn_compose import conv1d, crelu, embedding_lookup, relu_layer, xw_plus_b
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
from graphflow.api.sampled_losses import nce_loss, sampled_softmax_loss
from graphflow.api.softmax import log_softmax, softmax

# Recurrent networks (kept as one block: other changes to this file merge around it)
# isort: split
from graphflow.nn_rnn import (
    bidirectional_dynamic_rnn,
    dynamic_rnn,
    raw_rnn,
    rnn_cell,
    static_bidirectional_rnn,
    static_rnn,
)

# TF1's other names for the same functions.
avg_pool2d = avg_pool
max_pool2d = max_pool
