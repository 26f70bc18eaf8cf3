"""`keras.models`: `Model`, `Sequential`, `model_from_config`, `clone_model`."""

# ruff: noqa: F401
from __future__ import annotations

from typing import Any

from graphflow.keras.engine.sequential import Sequential
from graphflow.keras.engine.training import Model
from graphflow.keras.saving import load_model, model_from_json, model_from_yaml, save_model


def model_from_config(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """A model (or layer) from `{'class_name', 'config'}`."""
    from graphflow.keras.layers import deserialize
    return deserialize(config, custom_objects=custom_objects)


def clone_model(model: Any, input_tensors: Any = None) -> Any:
    """A new model of the same architecture with freshly initialized weights."""
    from graphflow.keras.layers import deserialize, serialize
    return deserialize(serialize(model))
