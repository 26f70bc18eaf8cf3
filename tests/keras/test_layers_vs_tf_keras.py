"""Layer outputs, input/weight gradients and BatchNormalization's moving-statistics updates
against values recorded from tf_keras (tests/keras/record.py) with identical weights."""

from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.keras import backend as K
from tests.keras.cases import LAYER_CASES, MERGE_CASES, case_arrays, make_layer

REFERENCE = np.load(Path(__file__).parent / "data" / "layers.npz")


@pytest.mark.parametrize("case", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_layer_matches_tf_keras(case):
    name, cls, kwargs, shape, training = case
    x_ph = tf.placeholder(tf.float32, shape)
    layer = make_layer(keras.layers, cls, kwargs)
    y = layer(x_ph, training=training) if training is not None else layer(x_ph)
    assert tuple(y.shape.as_list()) == REFERENCE[f"{name}/y"].shape
    shapes = [tuple(w.shape.as_list()) for w in layer.weights]
    x, rng, weights = case_arrays(name, shape, shapes, [w.name for w in layer.weights])
    seed = rng.standard_normal(y.shape.as_list()).astype(np.float32)
    grads = tf.gradients(tf.reduce_sum(y * seed), [x_ph] + layer.trainable_weights)
    layer.set_weights(weights)
    session = K.get_session()
    values = session.run([y] + grads, {x_ph: x})
    np.testing.assert_allclose(values[0], REFERENCE[f"{name}/y"], rtol=1e-4, atol=1e-5)
    for i, grad in enumerate(values[1:]):
        np.testing.assert_allclose(grad, REFERENCE[f"{name}/grad{i}"], rtol=1e-4, atol=1e-4,
                                   err_msg=f"{name} gradient {i}")
    if training:
        session.run(layer.updates, {x_ph: x})
    for i, w in enumerate(layer.get_weights()):
        np.testing.assert_allclose(w, REFERENCE[f"{name}/after{i}"], rtol=1e-5, atol=1e-6,
                                   err_msg=f"{name} weight {i} after the update")


@pytest.mark.parametrize("case", MERGE_CASES, ids=[c[0] for c in MERGE_CASES])
def test_merge_matches_tf_keras(case):
    name, cls, kwargs = case
    rng = np.random.RandomState(sum(map(ord, name)))
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32)
    pa, pb = tf.placeholder(tf.float32, (3, 4)), tf.placeholder(tf.float32, (3, 4))
    y = getattr(keras.layers, cls)(**kwargs)([pa, pb])
    np.testing.assert_allclose(K.get_session().run(y, {pa: a, pb: b}), REFERENCE[f"merge_{name}/y"], rtol=1e-6)


def test_weight_names_and_order_are_keras_2s():
    model = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1)),
                              keras.layers.BatchNormalization(), keras.layers.SeparableConv2D(3, 3),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    assert [w.name for w in model.weights] == [
        "conv2d/kernel:0", "conv2d/bias:0", "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
        "separable_conv2d/depthwise_kernel:0", "separable_conv2d/pointwise_kernel:0", "separable_conv2d/bias:0",
        "dense/kernel:0", "dense/bias:0"]
    assert [w.name for w in model.non_trainable_weights] == [
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]


def test_dropout_and_noise_only_act_in_training_phase():
    x_ph = tf.placeholder(tf.float32, (200, 50))
    layers = [keras.layers.Dropout(0.5), keras.layers.GaussianNoise(1.0), keras.layers.SpatialDropout2D(0.5)]
    x = np.ones((200, 50), np.float32)
    outs = [layers[0](x_ph), layers[1](x_ph)]
    session = K.get_session()
    for out in outs:
        np.testing.assert_array_equal(session.run(out, {x_ph: x}), x)
    dropped, noisy = session.run(outs, {x_ph: x, K.learning_phase(): True})
    assert set(np.unique(dropped)) <= {0.0, 2.0} and abs((dropped == 0).mean() - 0.5) < 0.05
    assert abs(noisy.std() - 1.0) < 0.05
    img = tf.placeholder(tf.float32, (40, 3, 3, 20))
    maps = session.run(layers[2](img), {img: np.ones((40, 3, 3, 20), np.float32), K.learning_phase(): True})
    # A whole feature map is kept or dropped together.
    per_map = maps.reshape(40, 9, 20)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))


def test_embedding_and_lambda():
    ids = tf.placeholder(tf.int32, (None, 3))
    layer = keras.layers.Embedding(10, 4)
    out = keras.layers.Lambda(lambda t: t * 2.0)(layer(ids))
    table = np.arange(40, dtype=np.float32).reshape(10, 4)
    layer.set_weights([table])
    result = K.get_session().run(out, {ids: [[1, 2, 9]]})
    np.testing.assert_array_equal(result, 2 * table[[1, 2, 9]][None])


def test_incompatible_input_names_the_layer():
    layer = keras.layers.Dense(3)
    layer(tf.placeholder(tf.float32, (None, 4)))
    with pytest.raises(ValueError, match="Input 0 of layer dense is incompatible with the layer: expected "
                                         "axis -1 of input shape to have value 4"):
        layer(tf.placeholder(tf.float32, (None, 5)))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=2"):
        keras.layers.Conv2D(2, 3)(tf.placeholder(tf.float32, (None, 5)))


def test_recurrent_weight_names_and_training():
    model = keras.Sequential([keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True),
                                                         input_shape=(6, 2)),
                              keras.layers.GRU(3), keras.layers.Dense(1)])
    lstm_weights = [f"bidirectional/{direction}_lstm/lstm_cell/{weight}:0"
                    for direction in ("forward", "backward")
                    for weight in ("kernel", "recurrent_kernel", "bias")]
    assert [w.name for w in model.weights] == lstm_weights + [
        "gru/gru_cell/kernel:0", "gru/gru_cell/recurrent_kernel:0", "gru/gru_cell/bias:0", "dense/kernel:0",
        "dense/bias:0"]
    forward_bias = K.get_value(model.weights[2])
    np.testing.assert_array_equal(forward_bias, [0] * 4 + [1] * 4 + [0] * 8)  # unit_forget_bias
    recurrent = K.get_value(model.weights[1])  # orthogonal columns
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)
    rng = np.random.RandomState(0)
    x = rng.standard_normal((64, 6, 2)).astype(np.float32)
    y = x[:, :, 0].sum(axis=1, keepdims=True)
    model.compile(keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    config = model.get_config()
    assert config["layers"][1]["config"]["layer"]["config"]["units"] == 4
    assert config["layers"][2]["config"]["reset_after"] is True


def test_recurrent_runs_sequences_of_unknown_length():
    x_ph = tf.placeholder(tf.float32, (None, None, 3))
    y = keras.layers.LSTM(2, return_sequences=True)(x_ph)
    session = K.get_session()
    for steps in (1, 4):
        assert session.run(y, {x_ph: np.ones((2, steps, 3), np.float32)}).shape == (2, steps, 2)
