"""`graphflow.compat.v1`: the same TF1 surface, so `import graphflow.compat.v1 as tf` works like
`import tensorflow.compat.v1 as tf` (and `tf.disable_v2_behavior()` is accepted)."""

import sys

import graphflow as _graphflow

v1 = _graphflow
sys.modules[__name__ + ".v1"] = _graphflow
