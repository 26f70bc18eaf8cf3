"""`graphflow.compat.v1`: the same TF1 surface, so `import graphflow.compat.v1 as tf` works like
`import tensorflow.compat.v1 as tf` (and `tf.disable_v2_behavior()` is accepted); and TF1's
`tf.compat` string helpers (`as_bytes`, `as_text`, `as_str`, `as_str_any`)."""

import sys

import graphflow as _graphflow
from graphflow.framework.string_values import as_bytes, as_str_any, as_text

as_str = as_text
v1 = _graphflow
sys.modules[__name__ + ".v1"] = _graphflow

__all__ = ["as_bytes", "as_str", "as_str_any", "as_text", "v1"]
