"""Live cross-loading of whole models between graphflow's Keras and tf_keras: a model saved by
`model.save` on one side loads with `load_model` on the other and predicts the same.

tf_keras runs in a subprocess (the Python that has it: this one, or `$GRAPHFLOW_TF_PYTHON`)."""

import json
import textwrap

import numpy as np
import pytest

from graphflow import keras
from tests.compat.test_keras_h5_tf_keras import TF_PYTHON, run_tf_keras

pytestmark = pytest.mark.skipif(TF_PYTHON is None, reason="needs tf_keras (or $GRAPHFLOW_TF_PYTHON)")
X = np.random.RandomState(0).rand(5, 4).astype(np.float32)


def test_graphflow_model_file_loads_in_tf_keras(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,), name="dense"),
                              keras.layers.Dense(2, name="dense_1")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((5, 2), np.float32), epochs=2, verbose=0)
    path = str(tmp_path / "graphflow_model.h5")
    model.save(path)
    (tmp_path / "x.json").write_text(json.dumps(X.tolist()))
    result = run_tf_keras(textwrap.dedent("""
        loaded = keras.models.load_model(sys.argv[1])
        x = np.asarray(json.load(open(sys.argv[2])), np.float32)
        print(json.dumps({"pred": loaded.predict(x, verbose=0).tolist(),
                          "optimizer": type(loaded.optimizer).__name__,
                          "slots": [np.asarray(w).tolist() for w in loaded.optimizer.get_weights()]}))
    """), path, str(tmp_path / "x.json"))
    np.testing.assert_allclose(result["pred"], model.predict(X), rtol=1e-5, atol=1e-6)
    assert result["optimizer"] == "Adam"
    # the optimizer state (iterations, then Adam's m and v slots) arrived whole
    ours = model.optimizer.get_weights()
    assert len(result["slots"]) == len(ours)
    for got, want in zip(result["slots"], ours):
        np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=1e-6)


def test_tf_keras_model_file_loads_in_graphflow(tmp_path):
    path = str(tmp_path / "tf_keras_model.h5")
    (tmp_path / "x.json").write_text(json.dumps(X.tolist()))
    result = run_tf_keras(textwrap.dedent("""
        model.compile(optimizer=keras.optimizers.legacy.RMSprop(0.01), loss="mae", metrics=["acc"])
        model.save(sys.argv[1])
        x = np.asarray(json.load(open(sys.argv[2])), np.float32)
        print(json.dumps({"pred": model.predict(x, verbose=0).tolist()}))
    """), path, str(tmp_path / "x.json"))
    keras.backend.clear_session()
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X), result["pred"], rtol=1e-5, atol=1e-6)
    assert type(loaded.optimizer).__name__ == "RMSprop"
    assert keras.backend.get_value(loaded.optimizer.lr) == pytest.approx(0.01)


def test_graphflow_conv_batchnorm_model_loads_in_tf_keras(tmp_path):
    keras.backend.clear_session()
    images = np.random.RandomState(1).rand(4, 8, 8, 1).astype(np.float32)
    model = keras.Sequential([
        keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1), name="conv"),
        keras.layers.BatchNormalization(name="bn"),
        keras.layers.MaxPooling2D(name="pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dropout(0.5, name="dropout"),
        keras.layers.Dense(3, activation="softmax", name="out"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(images, np.array([0, 1, 2, 1]), epochs=2, verbose=0)  # moves BN's moving statistics
    path = str(tmp_path / "conv.h5")
    model.save(path)
    (tmp_path / "x.json").write_text(json.dumps(images.tolist()))
    result = run_tf_keras(textwrap.dedent("""
        loaded = keras.models.load_model(sys.argv[1])
        x = np.asarray(json.load(open(sys.argv[2])), np.float32)
        print(json.dumps({"pred": loaded.predict(x, verbose=0).tolist(),
                          "layers": [type(layer).__name__ for layer in loaded.layers]}))
    """), path, str(tmp_path / "x.json"))
    assert result["layers"] == ["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dropout", "Dense"]
    np.testing.assert_allclose(result["pred"], model.predict(images), rtol=1e-4, atol=1e-6)
