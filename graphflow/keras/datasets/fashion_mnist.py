"""`keras.datasets.fashion_mnist.load_data()` from a local `fashion_mnist.npz`."""

from __future__ import annotations

import numpy as np

from graphflow.keras.datasets._files import dataset_path

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def load_data(path: str = "fashion_mnist.npz") -> Split:
    """`(x_train, y_train), (x_test, y_test)`: uint8 28x28 images and their labels.

    Raises:
        FileNotFoundError: when the file is not there (naming it).
    """
    with np.load(dataset_path(path), allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
