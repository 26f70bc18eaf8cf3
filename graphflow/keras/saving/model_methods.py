"""The saving methods of `keras.Model` (`save`, `save_weights`, `load_weights`, `to_json`,
`to_yaml`), kept here so that the Model class only inherits `SavingMixin`."""

from __future__ import annotations

import os
from typing import Any

from graphflow.keras.saving import checkpoint_format, hdf5_format, model_config
from graphflow.keras.saving.h5_files import ask_to_proceed_with_overwrite, is_hdf5_path

_H5_FORMATS = ("h5", "hdf5", "keras")


def _weights_format(filepath: str, save_format: str | None) -> str:
    if save_format is None:
        return "h5" if is_hdf5_path(filepath) else "tf"
    fmt = str(save_format).lower().strip()
    if fmt in _H5_FORMATS:
        return "h5"
    if fmt in ("tf", "tensorflow"):
        return "tf"
    raise ValueError(f'Unknown format "{save_format}". Was expecting one of {{"tf", "h5"}}.')


def _is_hdf5_file(filepath: str) -> bool:
    if is_hdf5_path(filepath):
        return True
    if not os.path.isfile(filepath):
        return False
    with open(filepath, "rb") as f:
        return f.read(8) == b"\x89HDF\r\n\x1a\n"


class SavingMixin:
    """Keras 2's saving methods for a Model (which provides `layers`, `get_config`,
    `optimizer` and the compile attributes)."""

    def save(self, filepath: str, overwrite: bool = True, include_optimizer: bool = True,
             save_format: str | None = None) -> None:
        """Saves the structure, the weights and (with `include_optimizer`) the compile arguments
        and optimizer state to one HDF5 file, reloadable with `keras.models.load_model`.

        Args:
            filepath: the file to write (written atomically).
            overwrite: False asks before replacing an existing file.
            include_optimizer: also save the optimizer's config and state.
            save_format: None or `'h5'` (TF1's Keras saves HDF5 whatever the suffix).

        Raises:
            NotImplementedError: for `save_format='tf'` (SavedModel) or a subclassed model.
        """
        fmt = "h5" if save_format is None else _weights_format(filepath, save_format)
        if fmt != "h5":
            raise NotImplementedError("graphflow saves whole models in HDF5 only (SavedModel, "
                                      "save_format='tf', is not supported): use save_format='h5' or "
                                      "save_weights.")
        hdf5_format.save_model_to_hdf5(self, os.fspath(filepath), overwrite, include_optimizer)

    def save_weights(self, filepath: str, overwrite: bool = True, save_format: str | None = None) -> None:
        """Saves the weights of all layers: HDF5 for a `.h5`/`.hdf5`/`.keras` path (or
        `save_format='h5'`), else a TensorFlow-style checkpoint with prefix `filepath`.

        Raises:
            ValueError: for an unknown `save_format`.
        """
        filepath = os.fspath(filepath)
        if _weights_format(filepath, save_format) == "h5":
            hdf5_format.save_weights_to_hdf5(self, filepath, overwrite)
            return
        exists = os.path.exists(filepath + ".index")
        if not overwrite and exists and not ask_to_proceed_with_overwrite(filepath):
            return
        checkpoint_format.save_weights_to_checkpoint(self, filepath)

    def load_weights(self, filepath: str, by_name: bool = False, skip_mismatch: bool = False) -> None:
        """Loads weights written by `save_weights` (HDF5 files also from tf.keras).

        Args:
            filepath: an HDF5 file, or a checkpoint prefix (or directory).
            by_name: HDF5 only: load into layers of the same name; others are left as they are.
            skip_mismatch: with `by_name`, skip layers/weights whose count or shape differs.

        Raises:
            ValueError: for another architecture (naming the layer and shapes; nothing is loaded).
            NotImplementedError: for `by_name` with a checkpoint (as Keras 2).
            OSError: for a missing or unreadable HDF5 file.
        """
        filepath = os.fspath(filepath)
        if _is_hdf5_file(filepath):
            hdf5_format.load_weights_from_hdf5(self, filepath, by_name, skip_mismatch)
            return
        if by_name:
            raise NotImplementedError("Weights may only be loaded based on topology into Models when loading "
                                      "TensorFlow-formatted weights (got by_name=True to load_weights).")
        checkpoint_format.load_weights_from_checkpoint(self, filepath)

    def to_json(self, **kwargs: Any) -> str:
        """The model's structure as JSON (Keras 2 layout); `kwargs` go to `json.dumps`."""
        return model_config.to_json(self, **kwargs)

    def to_yaml(self, **kwargs: Any) -> str:
        """The model's structure as YAML; `kwargs` go to `yaml.dump`.

        Raises:
            ImportError: when PyYAML is not installed.
        """
        return model_config.to_yaml(self, **kwargs)
