"""Where `keras.datasets` looks for its files, and the error when one is missing."""

from __future__ import annotations

import os

import numpy as np

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def dataset_path(filename: str) -> str:
    """The local path of a Keras dataset file.

    Raises:
        FileNotFoundError: naming the file and where to put it (nothing is downloaded).
    """
    folder = os.environ.get("GRAPHFLOW_KERAS_DATASETS") or os.path.join(os.path.expanduser("~"), ".keras",
                                                                          "datasets")
    path = os.path.join(folder, filename)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{filename} not found at {path}: graphflow does not download datasets. "
                                f"Put the file `{filename}` (as Keras 2 downloads it) in {folder}, or set "
                                "GRAPHFLOW_KERAS_DATASETS to the folder holding it.")
    return path


def load_npz_split(filename: str) -> Split:
    """`(x_train, y_train), (x_test, y_test)` from the arrays of those names in a local `.npz`
    (mnist.npz, fashion_mnist.npz).

    Raises:
        FileNotFoundError: when the file is not there (naming it).
    """
    with np.load(dataset_path(filename), allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
