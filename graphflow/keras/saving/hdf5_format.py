"""Whole models and their weights in Keras 2's HDF5 files.

A model file has the root attributes `keras_version`, `backend` ('tensorflow'), `model_config`
(JSON of `{'class_name', 'config'}`) and, when compiled and saved with its optimizer,
`training_config` (JSON of the optimizer's config, loss, metrics, loss weights); the group
`model_weights` (see hdf5_weights) and the group `optimizer_weights`. A weights-only file is
the `model_weights` group's content at the root.

Every read happens with the file open and completes before the model is touched; every write
goes to a temporary file renamed over the target only once it is complete.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from graphflow.keras.saving.h5_files import ask_to_proceed_with_overwrite, atomic_h5, open_h5
from graphflow.keras.saving.hdf5_attrs import attr_text
from graphflow.keras.saving.hdf5_weights import (
    apply_load_plan,
    load_optimizer_weights_from_hdf5_group,
    plan_load_by_name,
    plan_topological_load,
    read_weights_group,
    save_optimizer_weights_to_hdf5_group,
    save_weights_to_hdf5_group,
)
from graphflow.keras.saving.json_utils import dumps
from graphflow.keras.saving.model_config import KERAS_VERSION, model_from_config
from graphflow.keras.saving.training_config import compile_args_from_training_config, training_config

_log = logging.getLogger("graphflow.keras")


def _may_write(filepath: str, overwrite: bool) -> bool:
    return overwrite or not os.path.isfile(filepath) or ask_to_proceed_with_overwrite(filepath)


_SUBCLASSED = (
    "Saving the model to HDF5 format requires the model to be a Functional model or a Sequential model. It "
    "does not work for subclassed models, because such models are defined via the body of a Python method, "
    "which isn't safely serializable. Consider saving to the Tensorflow checkpoint format (by using "
    "`save_weights` with a path without the .h5 suffix) instead.")


def _model_config_json(model: Any) -> str:
    from graphflow.keras.engine.sequential import Sequential

    # Keras 2's test: a graph network (functional) or a Sequential, never a subclassed model
    if not getattr(model, "_is_graph_network", True) and not isinstance(model, Sequential):
        raise NotImplementedError(_SUBCLASSED)
    try:
        config = model.get_config()
    except NotImplementedError:
        raise NotImplementedError(_SUBCLASSED) from None
    return dumps({"class_name": model.__class__.__name__, "config": config})


def save_weights_to_hdf5(model: Any, filepath: str, overwrite: bool = True) -> None:
    """Writes the weights of `model.layers` to the HDF5 file `filepath` (atomically)."""
    if not _may_write(filepath, overwrite):
        return
    with atomic_h5(filepath) as f:
        save_weights_to_hdf5_group(f, model.layers, KERAS_VERSION)


def load_weights_from_hdf5(model: Any, filepath: str, by_name: bool = False,
                           skip_mismatch: bool = False) -> None:
    """Loads weights saved by `save_weights` (graphflow's or tf.keras') into `model`.

    Args:
        model: the model whose layers receive the weights.
        filepath: an HDF5 weights file, or a whole-model file (its `model_weights` are used).
        by_name: match saved layers to the model's by name instead of by order.
        skip_mismatch: with `by_name`, skip (with a warning) layers or weights whose count or
            shape differs.

    Raises:
        ValueError: for layers or shapes that do not match (nothing is loaded then), a damaged
            file, or `skip_mismatch` without `by_name`.
        OSError: for a missing or unreadable file.
    """
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to True when "
                         "by_name is True.")
    with open_h5(filepath) as f:
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        saved = read_weights_group(group)
    plan = (plan_load_by_name(saved, model.layers, skip_mismatch) if by_name
            else plan_topological_load(saved, model.layers))
    apply_load_plan(plan)


def save_model_to_hdf5(model: Any, filepath: str, overwrite: bool = True,
                       include_optimizer: bool = True) -> None:
    """Writes the structure, weights and (optionally) the compile arguments and optimizer state
    of `model` to the HDF5 file `filepath` (atomically).

    Raises:
        NotImplementedError: for a subclassed model (it has no config; Keras 2's message).
    """
    model_config = _model_config_json(model)
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None
    train_config = dumps(training_config(model)) if optimizer is not None else None
    if not _may_write(filepath, overwrite):
        return
    with atomic_h5(filepath) as f:
        f.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = model_config.encode("utf8")
        if train_config is not None:
            f.attrs["training_config"] = train_config.encode("utf8")
        save_weights_to_hdf5_group(f.create_group("model_weights"), model.layers, KERAS_VERSION)
        if optimizer is not None:
            save_optimizer_weights_to_hdf5_group(f, optimizer)


def load_model_from_hdf5(filepath: str, custom_objects: dict | None = None, compile: bool = True) -> Any:
    """The model saved by `model.save(filepath)` (graphflow's or tf.keras'), with its weights;
    compiled with the saved optimizer, loss and metrics and with the optimizer's saved state
    when `compile` and the file has them.

    Raises:
        ValueError: when the file holds no model config (e.g. a weights-only file), is damaged,
            or does not match the model its config builds.
        OSError: for a missing or unreadable file.
    """
    with open_h5(filepath) as f:
        config_text = attr_text(f, "model_config")
        if config_text is None:
            raise ValueError(f"No model config found in the file at {filepath} (a weights-only file? load it "
                             "with model.load_weights).")
        train_text = attr_text(f, "training_config")
        # everything is read here: the model is built after the file is closed
        saved = read_weights_group(f["model_weights"])
        optimizer_values = load_optimizer_weights_from_hdf5_group(f) if "optimizer_weights" in f else None
    model = model_from_config(json.loads(config_text), custom_objects=custom_objects)
    apply_load_plan(plan_topological_load(saved, model.layers))
    if not compile:
        return model
    if train_text is None:
        _log.warning("No training configuration found in save file: the model was *not* compiled. "
                     "Compile it manually.")
        return model
    model.compile(**compile_args_from_training_config(json.loads(train_text), custom_objects))
    if optimizer_values is not None:
        _restore_optimizer_state(model, optimizer_values)
    return model


def _restore_optimizer_state(model: Any, values: list) -> None:
    build = getattr(model, "_make_train_function", None)
    try:
        if build is not None:
            build()  # creates the optimizer's slots, as Keras 2 does before set_weights
        model.optimizer.set_weights(values)
    except ValueError:
        _log.warning("Error in loading the saved optimizer state. As a result, your model is starting with a "
                     "freshly initialized optimizer.")

