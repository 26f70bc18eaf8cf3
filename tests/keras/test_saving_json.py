"""Structure-only serialization without a real model: Keras 2's JSON/YAML wrapper, the JSON
encoding of numpy values, dtypes, shapes and functions, and the PyYAML-missing error."""

import builtins
import json

import numpy as np
import pytest

import graphflow as tf
from graphflow.keras.saving import json_utils, model_config


class ConfigModel:
    def get_config(self):
        return {"name": "m", "layers": [{"units": np.int64(3), "rate": np.float32(0.5), "dtype": tf.float32,
                                         "shape": tf.TensorShape([None, 4]), "activation": np.tanh,
                                         "kernel": np.arange(2)}]}


def test_to_json_layout_and_encoding():
    config = json.loads(model_config.to_json(ConfigModel()))
    assert config["class_name"] == "ConfigModel" and config["backend"] == "tensorflow"
    assert config["keras_version"] == model_config.KERAS_VERSION
    assert config["config"]["layers"][0] == {"units": 3, "rate": 0.5, "dtype": "float32", "shape": [None, 4],
                                             "activation": "tanh", "kernel": [0, 1]}


def test_to_json_passes_json_arguments():
    assert "\n  " in model_config.to_json(ConfigModel(), indent=2)


def test_unserializable_object_names_its_type():
    with pytest.raises(TypeError, match="Not JSON Serializable.*object"):
        json_utils.dumps({"x": object()})


def test_to_yaml_holds_plain_types():
    yaml = pytest.importorskip("yaml")
    text = model_config.to_yaml(ConfigModel())
    assert "!!python" not in text
    assert yaml.safe_load(text) == json.loads(model_config.to_json(ConfigModel()))


def test_yaml_missing_is_keras2_import_error(monkeypatch):
    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ImportError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    with pytest.raises(ImportError, match=r"Requires yaml module installed \(`pip install pyyaml`\)."):
        model_config.to_yaml(ConfigModel())
    with pytest.raises(ImportError, match="pip install pyyaml"):
        model_config.model_from_yaml("class_name: Sequential")
