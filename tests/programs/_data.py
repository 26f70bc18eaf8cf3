"""Deterministic data and initial values shared by the corpus programs.

graphflow's random streams are not TensorFlow's, so a program whose numbers are compared must
not depend on a random draw: data come from scikit-learn's digits or a seeded numpy
RandomState, and variables created with random initializers (tf.layers kernels) are
overwritten after initialization by `load_deterministic`, in creation order.
"""

from __future__ import annotations

import numpy as np


def digits(count: int = 200, flat: bool = True):
    """The first `count` scikit-learn digits, scaled to [0, 1].

    Args:
        count: how many samples (at most 1797).
        flat: (count, 64) rows when True, (count, 8, 8, 1) NHWC images when False.

    Returns:
        (images float32, labels int64, one_hot float32 of shape (count, 10)).
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    images = (data.data[:count] / 16.0).astype(np.float32)
    if not flat:
        images = images.reshape(count, 8, 8, 1)
    labels = data.target[:count].astype(np.int64)
    one_hot = np.eye(10, dtype=np.float32)[labels]
    return images, labels, one_hot


def normal(shape, seed: int, scale: float = 0.1) -> np.ndarray:
    """A seeded float32 normal array: the programs' stand-in for tf.random_normal initial values."""
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32)


def load_deterministic(sess, variables, seed: int = 0, scale: float = 0.1) -> None:
    """Overwrites each variable with seeded normal values (glorot-like scale per fan-in).

    Args:
        sess: the session holding the variables.
        variables: the variables, in creation order (e.g. tf.trainable_variables()).
        seed: the RandomState seed; each variable draws the next values of one stream.
        scale: the standard deviation for 1-D variables; kernels use sqrt(1 / fan_in).
    """
    rng = np.random.RandomState(seed)
    for variable in variables:
        shape = variable.get_shape().as_list()
        std = scale if len(shape) < 2 else float(np.sqrt(1.0 / np.prod(shape[:-1])))
        value = (rng.randn(*shape) * std).astype(variable.dtype.base_dtype.as_numpy_dtype)
        variable.load(value, sess)
