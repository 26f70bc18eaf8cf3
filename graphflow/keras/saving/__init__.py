"""Saving Keras models: structure (JSON/YAML), weights (HDF5 in Keras 2's layout, or
TensorFlow-style checkpoints) and both together (`model.save` / `load_model`)."""

from __future__ import annotations

import os
from typing import Any

from graphflow.keras.saving.hdf5_format import load_model_from_hdf5
from graphflow.keras.saving.model_config import model_from_config, model_from_json, model_from_yaml
from graphflow.keras.saving.model_methods import SavingMixin


def save_model(model: Any, filepath: str, overwrite: bool = True, include_optimizer: bool = True,
               save_format: str | None = None) -> None:
    """`keras.models.save_model`: the same as `model.save(...)`."""
    model.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer, save_format=save_format)


def load_model(filepath: str, custom_objects: dict | None = None, compile: bool = True) -> Any:
    """`keras.models.load_model`: the model saved by `model.save` (graphflow's or tf.keras'
    HDF5), with its weights, compiled with its optimizer state when `compile`.

    Args:
        filepath: the HDF5 file.
        custom_objects: names of user-defined layers, losses, metrics... to classes/functions.
        compile: compile the model as it was saved (otherwise it is returned uncompiled).

    Raises:
        OSError: for a missing or unreadable file.
        ValueError: for a file without a model config, or a damaged one.
    """
    return load_model_from_hdf5(os.fspath(filepath), custom_objects=custom_objects, compile=compile)


__all__ = ["SavingMixin", "load_model", "model_from_config", "model_from_json", "model_from_yaml", "save_model"]
