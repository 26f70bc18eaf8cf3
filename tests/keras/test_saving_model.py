"""Whole-model saving with real graphflow Keras models: `model.save` / `load_model` round trips
(weights, compile arguments, optimizer state), files written by tf_keras (recorded fixtures),
structure-only JSON/YAML, custom objects and the errors of bad files."""

import json
import logging
import os
from pathlib import Path

import h5py
import numpy as np
import pytest

from graphflow import keras
from graphflow.keras.saving import model_from_config

DATA = Path(__file__).parent / "data"
REFERENCE = json.loads((DATA / "tf_keras_reference.json").read_text())
X = np.asarray(REFERENCE["mlp_x"], np.float32)
Y = np.random.RandomState(2).rand(8, 2).astype(np.float32)


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def mlp(compiled=True):
    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,), name="dense"),
                              keras.layers.Dense(2, name="dense_1")])
    if compiled:
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def test_loads_a_tf_keras_model_file_and_predicts_the_same():
    model = keras.models.load_model(str(DATA / "tf_keras_mlp.h5"))
    np.testing.assert_allclose(model.predict(X), REFERENCE["mlp_pred"], rtol=1e-5, atol=1e-6)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert type(model.optimizer).__name__ == "Adam"
    assert keras.backend.get_value(model.optimizer.lr) == pytest.approx(0.01)
    assert model.loss == "mse"
    for got, want in zip(model.optimizer.get_weights(), REFERENCE["mlp_optimizer_weights"]):
        np.testing.assert_allclose(got, np.asarray(want, np.float32), rtol=1e-6)


def test_loads_tf_keras_weights_into_a_graphflow_model():
    model = mlp(compiled=False)
    model.load_weights(str(DATA / "tf_keras_mlp_weights.h5"))
    np.testing.assert_allclose(model.predict(X), REFERENCE["mlp_pred"], rtol=1e-5, atol=1e-6)


def test_loads_tf_keras_conv_batchnorm_weights():
    model = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1), name="conv2d"),
                              keras.layers.BatchNormalization(name="batch_normalization"),
                              keras.layers.Flatten(name="flatten"), keras.layers.Dense(2, name="dense_2")])
    model.load_weights(str(DATA / "tf_keras_conv_weights.h5"))
    x = np.asarray(REFERENCE["conv_x"], np.float32)
    np.testing.assert_allclose(model.predict(x), REFERENCE["conv_pred"], rtol=1e-4, atol=1e-5)


def test_save_and_load_model_round_trip_continues_training_identically(tmp_path):
    model = mlp()
    model.fit(X, Y, epochs=3, batch_size=4, verbose=0)
    path = str(tmp_path / "model.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        assert {"keras_version", "backend", "model_config", "training_config"} <= set(f.attrs)
        assert {"model_weights", "optimizer_weights"} <= set(f)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)
    for got, want in zip(restored.optimizer.get_weights(), model.optimizer.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert restored.metrics_names == model.metrics_names
    model.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    restored.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-5, atol=1e-7)


def test_without_optimizer_the_model_loads_uncompiled(tmp_path, caplog):
    model = mlp()
    path = str(tmp_path / "model.h5")
    model.save(path, include_optimizer=False)
    with h5py.File(path, "r") as f:
        assert "optimizer_weights" not in f and "training_config" not in f.attrs
    with caplog.at_level(logging.WARNING):
        restored = keras.models.load_model(path)
    assert "No training configuration found in save file" in caplog.text
    assert restored.optimizer is None
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)


def test_compile_false_skips_the_optimizer(tmp_path):
    model = mlp()
    model.save(str(tmp_path / "m.h5"))
    assert keras.models.load_model(str(tmp_path / "m.h5"), compile=False).optimizer is None


def test_weights_round_trip_and_another_architecture_loads_nothing(tmp_path):
    model = mlp()
    path = str(tmp_path / "w.h5")
    model.save_weights(path)
    other = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,), name="a"),
                              keras.layers.Dense(5, name="b")])
    before = other.get_weights()
    expected = r"layer #1 \(named b in the current model, dense_1 in the save file\)"
    with pytest.raises(ValueError, match=expected):
        other.load_weights(path)
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    same = mlp(compiled=False)
    same.load_weights(path)
    np.testing.assert_allclose(same.predict(X), model.predict(X), rtol=1e-6)


def test_json_and_yaml_structure_round_trips():
    model = mlp()
    text = model.to_json()
    config = json.loads(text)
    assert config["class_name"] == "Sequential" and config["backend"] == "tensorflow"
    rebuilt = keras.models.model_from_json(text)
    assert [type(layer).__name__ for layer in rebuilt.layers] == ["Dense", "Dense"]
    assert rebuilt.get_config() == model.get_config()
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]
    pytest.importorskip("yaml")
    assert keras.models.model_from_yaml(model.to_yaml()).get_config() == model.get_config()


def test_tf_keras_json_builds_the_same_model():
    rebuilt = keras.models.model_from_json(json.dumps(REFERENCE["mlp_json"]))
    assert [layer.name for layer in rebuilt.layers] == ["dense", "dense_1"]
    assert [w.shape for w in rebuilt.get_weights()] == [(4, 3), (3,), (3, 2), (2,)]


def test_model_from_config_rejects_a_list():
    with pytest.raises(TypeError, match="expects a dictionary, not a list"):
        model_from_config([])


def test_custom_objects(tmp_path):
    def scaled_mse(y_true, y_pred):
        return 2.0 * keras.backend.mean(keras.backend.square(y_pred - y_true), axis=-1)

    model = mlp(compiled=False)
    model.compile(optimizer="sgd", loss=scaled_mse)
    model.save(str(tmp_path / "m.h5"))
    with pytest.raises(ValueError, match="scaled_mse"):
        keras.models.load_model(str(tmp_path / "m.h5"))
    restored = keras.models.load_model(str(tmp_path / "m.h5"), custom_objects={"scaled_mse": scaled_mse})
    assert restored.loss is scaled_mse


def test_bad_files(tmp_path):
    weights_only = str(tmp_path / "w.h5")
    mlp().save_weights(weights_only)
    with pytest.raises(ValueError, match="No model config found"):
        keras.models.load_model(weights_only)
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"\x00" * 4096)
    with pytest.raises(OSError, match="garbage.h5"):
        keras.models.load_model(str(garbage))
    with pytest.raises(OSError, match="No file or directory found"):
        keras.models.load_model(str(tmp_path / "missing.h5"))


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    model = mlp()
    path = tmp_path / "m.h5"
    model.save(str(path))
    previous = path.read_bytes()
    layer = model.layers[1]
    monkeypatch.setattr(layer, "get_weights", lambda: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        model.save(str(path))
    assert path.read_bytes() == previous and os.listdir(tmp_path) == ["m.h5"]


class Scale(keras.layers.Layer):
    """A user-defined layer with a weight and a config entry."""

    def __init__(self, init=2.0, **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, input_shape):
        self.scale = self.add_weight("scale", shape=(int(input_shape[-1]),),
                                     initializer=keras.initializers.Constant(self.init))
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.scale

    def get_config(self):
        return dict(super().get_config(), init=self.init)


def test_custom_layer_needs_custom_objects(tmp_path):
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), Scale(init=3.0, name="scale")])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((8, 3), np.float32), epochs=1, verbose=0)
    path = str(tmp_path / "custom.h5")
    model.save(path)
    with pytest.raises(ValueError, match="Scale"):
        keras.models.load_model(path)
    restored = keras.models.load_model(path, custom_objects={"Scale": Scale})
    assert restored.layers[1].init == 3.0
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)
