"""`tf.contrib.layers`: the weight regularizers (see `graphflow.regularizers`)."""

# ruff: noqa: F401
from graphflow.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)
