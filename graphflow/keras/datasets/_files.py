"""Where `keras.datasets` looks for its files, and the error when one is missing."""

from __future__ import annotations

import os


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
