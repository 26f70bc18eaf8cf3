"""`keras.datasets.cifar10.load_data()` from the local `cifar-10-batches-py` folder (the
python-pickle version Keras 2 downloads and unpacks)."""

from __future__ import annotations

import os
import pickle

import numpy as np

from graphflow.keras import backend as K
from graphflow.keras.datasets._files import dataset_path


def _load_batch(path: str) -> tuple[np.ndarray, np.ndarray]:
    with open(path, "rb") as handle:
        batch = pickle.load(handle, encoding="bytes")
    data = batch[b"data"].reshape(-1, 3, 32, 32)
    return data, np.asarray(batch[b"labels"], np.uint8)


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """`(x_train, y_train), (x_test, y_test)`: uint8 32x32x3 images (channels_last by default),
    labels of shape (N, 1).

    Raises:
        FileNotFoundError: when the folder is not there (naming it).
    """
    folder = dataset_path("cifar-10-batches-py")
    parts = [_load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts]).reshape(-1, 1)
    x_test, y_test = _load_batch(os.path.join(folder, "test_batch"))
    if K.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test.reshape(-1, 1))
