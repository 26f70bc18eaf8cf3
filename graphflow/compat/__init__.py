"""`tf.compat`: `graphflow.compat.v1` is graphflow itself, so `import graphflow.compat.v1 as
tf` works like `import tensorflow.compat.v1 as tf` (then `tf.disable_v2_behavior()` is
accepted); plus TF's byte/text conversions `as_bytes`, `as_text`, `as_str` and
`dimension_value`."""

import sys as _sys

import graphflow as _graphflow
from graphflow.api.graph_utils import dimension_value  # noqa: F401

from ._text import as_bytes, as_str, as_text  # noqa: F401

v1 = _graphflow
_sys.modules[__name__ + ".v1"] = _graphflow
