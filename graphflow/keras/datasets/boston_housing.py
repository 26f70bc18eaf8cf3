"""`keras.datasets.boston_housing.load_data()` from a local `boston_housing.npz`."""

from __future__ import annotations

import numpy as np

from graphflow.keras.datasets._files import dataset_path


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """`(x_train, y_train), (x_test, y_test)`, shuffled with `seed` and split as Keras 2 does.

    Raises:
        FileNotFoundError: when the file is not there (naming it).
    """
    with np.load(dataset_path(path), allow_pickle=True) as data:
        x, y = data["x"], data["y"]
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
