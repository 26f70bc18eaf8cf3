"""`tf.initializers`: variable initializers by their TF1 names."""

# ruff: noqa: F401
from graphflow.framework.initializers import (
    Constant as constant, GlorotNormal as glorot_normal, GlorotUniform as glorot_uniform,
    Initializer, Ones as ones, RandomNormal as random_normal, RandomUniform as random_uniform,
    TruncatedNormal as truncated_normal, VarianceScaling as variance_scaling, Zeros as zeros, get,
    he_normal, he_uniform, lecun_normal, lecun_uniform,
)
