"""A Sequential whose first layer is a built model connects its later layers at once (Keras 2),
so `save_weights` before any predict writes every layer's weights."""

import numpy as np
import pytest

from graphflow import keras


def _nested(seed_layer_units: int = 4) -> keras.Sequential:
    inner = keras.Sequential([keras.layers.Dense(seed_layer_units, input_shape=(3,), activation="relu")])
    return keras.Sequential([inner, keras.layers.Dense(2)])


def test_sequential_on_a_nested_sequential_builds_its_head_at_once(tmp_path):
    model = _nested()
    assert [w.name for w in model.weights] == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                               "dense_1/bias:0"]
    assert model.output_shape == (None, 2)
    path = str(tmp_path / "w.h5")
    model.save_weights(path)  # before any predict: the head's weights must be in the file
    x = np.random.RandomState(0).standard_normal((5, 3)).astype(np.float32)
    expected = model.predict(x)
    clone = _nested()
    clone.load_weights(path)
    np.testing.assert_allclose(clone.predict(x), expected, rtol=1e-6)


def test_sequential_on_a_functional_model_uses_its_input_shape():
    inp = keras.layers.Input((6,))
    body = keras.Model(inp, keras.layers.Dense(5)(inp))
    model = keras.Sequential([body, keras.layers.Dense(1)])
    assert model.input_shape == (None, 6)
    assert len(model.weights) == 4


def test_an_empty_nested_model_is_an_error():
    with pytest.raises(ValueError, match="An empty Model cannot be used as a Layer"):
        keras.Sequential([keras.Sequential(), keras.layers.Dense(1)])
