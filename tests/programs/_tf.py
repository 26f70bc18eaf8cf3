"""The one import line every corpus program shares: `from tests.programs._tf import tf` (and
`keras`, which is `tf.keras` of the chosen implementation).

GF_PROGRAMS_IMPL picks the implementation: "graphflow" (the default) or "tensorflow", which
imports TensorFlow's tf.compat.v1 with v2 behaviour disabled and the legacy Keras that
`tf.layers` needs in TensorFlow 2.16+. Nothing else in a program differs between the two.
"""

from __future__ import annotations

import os

IMPL = os.environ.get("GF_PROGRAMS_IMPL", "graphflow")

if IMPL == "tensorflow":
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    tf.logging.set_verbosity(tf.logging.ERROR)
elif IMPL == "graphflow":
    import graphflow as tf
else:
    raise ValueError(f"GF_PROGRAMS_IMPL must be 'graphflow' or 'tensorflow', not {IMPL!r}")

# Keras programs write `from tests.programs._tf import keras` (TensorFlow's is tf_keras here).
keras = tf.keras

__all__ = ["IMPL", "keras", "tf"]
