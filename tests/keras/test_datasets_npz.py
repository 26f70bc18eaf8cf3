"""keras.datasets.mnist / fashion_mnist read a local npz (the arrays Keras 2's file holds) and
name a missing file."""

from __future__ import annotations

import numpy as np
import pytest

from graphflow import keras


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_npz_datasets_return_the_files_arrays(name, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 5, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, 3, dtype=np.uint8)}
    np.savez(tmp_path / f"{name}.npz", **arrays)
    monkeypatch.setenv("GRAPHFLOW_KERAS_DATASETS", str(tmp_path))
    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])


def test_missing_npz_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_KERAS_DATASETS", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="fashion_mnist.npz"):
        keras.datasets.fashion_mnist.load_data()
