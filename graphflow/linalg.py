"""`tf.linalg`: the linear-algebra functions graphflow has, under their `tf.linalg.*` names
(`matmul`, `matrix_transpose` / `transpose`, `eye`, `l2_normalize`, `global_norm`)."""

# ruff: noqa: F401
from graphflow.api.array import eye, matrix_transpose
from graphflow.api.array import matrix_transpose as transpose
from graphflow.api.clip import global_norm
from graphflow.api.math import matmul
from graphflow.api.normalization import l2_normalize
