"""`graphflow.keras` (also `tf.keras`): Keras 2 (the tf.keras of TF 1.15) on graphflow's graphs
and sessions."""

# ruff: noqa: F401
from graphflow.keras import callbacks, utils
