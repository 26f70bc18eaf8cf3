"""Records tests/layers/data/batch_norm.npz from TensorFlow (tf.compat.v1) again: run with a
Python that has TensorFlow, from the repository root:
`/path/to/tf/python tests/layers/record_batch_norm.py`. TensorFlow runs on the CPU (its fused
kernel on the CPU is the reference graphflow's CPU kernel matches).
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")  # tf.compat.v1.layers needs tf_keras

import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from batch_norm_programs import CASES  # noqa: E402

tf.disable_v2_behavior()


def main() -> None:
    values = {}
    for name, (program, args) in CASES.items():
        with tf.Graph().as_default():
            for key, value in program(tf, *args).items():
                values[f"{name}/{key}"] = np.asarray(value)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "batch_norm.npz")
    np.savez_compressed(path, **values)


if __name__ == "__main__":
    main()
