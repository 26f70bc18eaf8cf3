"""`keras.datasets.digits.load_data()`: scikit-learn's bundled 8x8 handwritten digits (1797
images, no download), split like Keras' loaders into train and test parts."""

from __future__ import annotations

import numpy as np


def load_data(test_split: float = 0.2, seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray],
                                                                   tuple[np.ndarray, np.ndarray]]:
    """`(x_train, y_train), (x_test, y_test)`: float32 8x8 images with values 0..16 and int64
    labels, shuffled with `seed`.

    Raises:
        ImportError: when scikit-learn is not installed.
    """
    from sklearn.datasets import load_digits
    bunch = load_digits()
    x = bunch.images.astype(np.float32)
    y = bunch.target.astype(np.int64)
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
