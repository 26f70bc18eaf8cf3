"""Saving errors: h5py missing, unsupported formats, skip_mismatch on weight counts, subclassed
models in HDF5."""

import builtins
import logging

import numpy as np
import pytest

from graphflow import keras
from graphflow.keras.saving.hdf5_format import load_weights_from_hdf5, save_weights_to_hdf5
from tests.keras.fake_layers import FakeLayer, FakeModel, dense


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def test_h5py_missing_is_a_clear_import_error(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_h5py(name, *args, **kwargs):
        if name == "h5py":
            raise ImportError("No module named 'h5py'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_h5py)
    with pytest.raises(ImportError, match=r"requires h5py \(`pip install h5py`"):
        save_weights_to_hdf5(FakeModel([dense("d", 2, 2)]), str(tmp_path / "w.h5"))


def test_skip_mismatch_on_weight_count(tmp_path, caplog):
    save_weights_to_hdf5(FakeModel([dense("a", 2, 2, 1), dense("b", 2, 2, 2)]), str(tmp_path / "w.h5"))
    target = FakeModel([FakeLayer("a", [(2, 2)], 3), dense("b", 2, 2, 4)])
    before = target.layers[0].get_weights()
    with pytest.raises(ValueError, match=r"Weight count mismatch for layer #0 \(named a\)"):
        load_weights_from_hdf5(target, str(tmp_path / "w.h5"), by_name=True)
    with caplog.at_level(logging.WARNING):
        load_weights_from_hdf5(target, str(tmp_path / "w.h5"), by_name=True, skip_mismatch=True)
    assert ("Skipping loading of weights for layer #0 (named a) due to mismatch in number of weights"
            in caplog.text)
    np.testing.assert_array_equal(target.layers[0].get_weights()[0], before[0])
    assert target.layers[1].set_calls == 1


def test_model_save_in_tf_format_is_not_supported(tmp_path):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(NotImplementedError, match="HDF5 only"):
        model.save(str(tmp_path / "saved_model"), save_format="tf")


def test_subclassed_model_cannot_be_saved_to_hdf5_but_its_weights_can(tmp_path):
    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Subclassed()
    x = np.ones((3, 4), np.float32)
    expected = model.predict(x)
    with pytest.raises(NotImplementedError, match="It does not work for subclassed models"):
        model.save(str(tmp_path / "m.h5"))
    assert not (tmp_path / "m.h5").exists()
    model.save_weights(str(tmp_path / "w.h5"))
    model.dense.set_weights([np.zeros((4, 2), np.float32), np.zeros(2, np.float32)])
    model.load_weights(str(tmp_path / "w.h5"))
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-6)


def test_optimizer_state_of_another_optimizer_warns_and_starts_fresh(tmp_path, caplog):
    import json

    import h5py

    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), epochs=1, verbose=0)
    path = str(tmp_path / "m.h5")
    model.save(path)
    with h5py.File(path, "a") as f:  # the file now claims an RMSprop: Adam's slots do not fit it
        config = json.loads(f.attrs["training_config"])
        config["optimizer_config"] = {"class_name": "RMSprop", "config": {"lr": 0.01}}
        f.attrs["training_config"] = json.dumps(config).encode("utf8")
    with caplog.at_level(logging.WARNING):
        restored = keras.models.load_model(path)
    assert "Error in loading the saved optimizer state" in caplog.text
    assert type(restored.optimizer).__name__ == "RMSprop"
    np.testing.assert_allclose(restored.predict(np.ones((1, 3), np.float32)),
                               model.predict(np.ones((1, 3), np.float32)), rtol=1e-6)
