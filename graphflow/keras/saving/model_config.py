"""Saving and loading a model's structure alone: `to_json`/`to_yaml` and
`model_from_config`/`model_from_json`/`model_from_yaml` (Keras 2's layout: `class_name`,
`config`, `keras_version`, `backend`)."""

from __future__ import annotations

import json
from typing import Any

from graphflow.keras.saving.json_utils import dumps

#: The Keras version graphflow's files declare (the Keras 2 API of TF 1.15).
KERAS_VERSION = "2.2.4-tf"

_YAML_MISSING = "Requires yaml module installed (`pip install pyyaml`)."


def updated_config(model: Any) -> dict:
    """The model's config wrapped as Keras 2 writes it in JSON, YAML and HDF5 files."""
    return {"class_name": model.__class__.__name__, "config": model.get_config(),
            "keras_version": KERAS_VERSION, "backend": "tensorflow"}


def to_json(model: Any, **kwargs: Any) -> str:
    """The model's structure as a JSON string; `kwargs` go to `json.dumps` (e.g. `indent`)."""
    return dumps(updated_config(model), **kwargs)


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise ImportError(_YAML_MISSING) from None
    return yaml


def to_yaml(model: Any, **kwargs: Any) -> str:
    """The model's structure as a YAML string; `kwargs` go to `yaml.dump`.

    Raises:
        ImportError: when PyYAML is not installed (Keras 2's message).
    """
    # through JSON first, so that the YAML holds plain types only and loads with a safe loader
    return _yaml().dump(json.loads(to_json(model)), **kwargs)


def model_from_config(config: dict, custom_objects: dict | None = None) -> Any:
    """A new, uncompiled model built from `{'class_name': ..., 'config': ...}`.

    Raises:
        TypeError: for a list (Keras 2: a Sequential's bare layer list needs
            `Sequential.from_config`).
        ValueError: for an unknown class name (from `keras.layers.deserialize`).
    """
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant to use "
                        "`Sequential.from_config(config)`?")
    from graphflow.keras import layers

    return layers.deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """A new, uncompiled model from the JSON written by `model.to_json()` (graphflow's or
    tf.keras')."""
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)


def model_from_yaml(yaml_string: str, custom_objects: dict | None = None) -> Any:
    """A new, uncompiled model from the YAML written by `model.to_yaml()`.

    Raises:
        ImportError: when PyYAML is not installed (Keras 2's message).
    """
    yaml = _yaml()

    class _Loader(yaml.SafeLoader):
        """Safe loading, plus the `!!python/tuple` tags that Keras 2's plain `yaml.dump` wrote."""

    _Loader.add_constructor("tag:yaml.org,2002:python/tuple",
                            lambda loader, node: loader.construct_sequence(node))
    return model_from_config(yaml.load(yaml_string, Loader=_Loader), custom_objects=custom_objects)
