"""`tf.compat`: `graphflow.compat.v1` is graphflow itself, so `import graphflow.compat.v1 as
tf` works like `import tensorflow.compat.v1 as tf` (then `tf.disable_v2_behavior()` is
accepted); plus TF's byte/text conversions `as_bytes`, `as_text`, `as_str`, `as_str_any` and
`dimension_value`."""

import sys as _sys

import graphflow as _graphflow
from graphflow.api.graph_utils import dimension_value  # noqa: F401
from graphflow.framework.string_values import as_bytes, as_str_any, as_text  # noqa: F401

as_str = as_text
v1 = _graphflow
_sys.modules[__name__ + ".v1"] = _graphflow
