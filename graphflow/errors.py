"""`tf.errors`: TF1's error classes and codes."""

# ruff: noqa: F401, F403
from graphflow.framework.errors import *
from graphflow.framework.errors import OpError
