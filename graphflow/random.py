"""`tf.random`: random tensors under their `tf.random.*` names (the same objects as
`tf.random_normal`, `tf.random_uniform`, `tf.truncated_normal`, `tf.set_random_seed`)."""

# ruff: noqa: F401
from graphflow.api.candidate_sampling import (
    fixed_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from graphflow.api.random import random_normal as normal
from graphflow.api.random import random_uniform as uniform
from graphflow.api.random import truncated_normal
from graphflow.framework.random_seed import set_random_seed
