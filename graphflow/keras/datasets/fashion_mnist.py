"""`keras.datasets.fashion_mnist.load_data()` from a local `fashion_mnist.npz`."""

from __future__ import annotations

from graphflow.keras.datasets._files import Split, load_npz_split


def load_data(path: str = "fashion_mnist.npz") -> Split:
    """`(x_train, y_train), (x_test, y_test)`: uint8 28x28 images and their labels.

    Raises:
        FileNotFoundError: when the file is not there (naming it).
    """
    return load_npz_split(path)
