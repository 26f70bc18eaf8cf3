"""Losses (functions and Loss objects, weighted) and metrics against tf_keras' recorded values."""

import json
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.keras import backend as K
from tests.keras.cases import loss_inputs

RECORDED = json.loads((Path(__file__).parent / "data" / "losses.json").read_text())


DATA = loss_inputs()  # the arrays tests/keras/record.py recorded TensorFlow's values on


@pytest.mark.parametrize("name", [k for k in RECORDED["losses"] if not k[0].isupper()])
def test_loss_function(name):
    truth = DATA["onehot"] if "categorical" in name or name == "kld" else DATA["binary"] \
        if name in ("binary_crossentropy", "hinge", "squared_hinge") else DATA["regress"]
    value = K.eval(keras.losses.get(name)(tf.constant(truth), tf.constant(DATA["probs"])))
    np.testing.assert_allclose(value, RECORDED["losses"][name], rtol=1e-5, atol=1e-6)


OBJECT_KEYS = [k for k in RECORDED["losses"] if k[0].isupper() and not k.endswith("/weighted")]


@pytest.mark.parametrize("key", OBJECT_KEYS)
def test_loss_object_plain_and_weighted(key):
    cls, kwargs = key.split("{", 1)[0], json.loads("{" + key.split("{", 1)[1])
    obj = getattr(keras.losses, cls)(**kwargs)
    pred = DATA["logits"] if kwargs.get("from_logits") else DATA["probs"]
    truth = DATA["sparse"] if cls.startswith("Sparse") else DATA["binary"] if cls.startswith("Binary") \
        else DATA["onehot"] if cls.startswith("Categorical") else DATA["regress"]
    plain = K.eval(obj(tf.constant(truth), tf.constant(pred)))
    weighted = K.eval(obj(tf.constant(truth), tf.constant(pred), sample_weight=tf.constant(DATA["weights"])))
    np.testing.assert_allclose(plain, RECORDED["losses"][key], rtol=1e-5)
    np.testing.assert_allclose(weighted, RECORDED["losses"][key + "/weighted"], rtol=1e-5)


@pytest.mark.parametrize("key", [k for k in RECORDED["metrics"] if "{" in k])
def test_stateful_confusion_metrics_accumulate(key):
    cls, kwargs = key.split("{", 1)[0], json.loads("{" + key.split("{", 1)[1])
    y_true = (np.arange(20) % 3 == 0).astype(np.float32)
    y_score = np.linspace(0.05, 0.95, 20).astype(np.float32)[::-1] ** 1.5
    metric = getattr(keras.metrics, cls)(**kwargs)
    first = metric(tf.constant(y_true[:10]), tf.constant(y_score[:10]))
    second = metric(tf.constant(y_true[10:]), tf.constant(y_score[10:]))
    session = K.get_session()
    session.run(first)
    np.testing.assert_allclose(session.run(second), RECORDED["metrics"][key], rtol=1e-5)
    metric.reset_states()
    assert all(np.all(v == 0) for v in K.batch_get_value(metric.variables))


@pytest.mark.parametrize("name", ["binary_accuracy", "categorical_accuracy", "top_k_categorical_accuracy",
                                  "sparse_categorical_accuracy"])
def test_metric_functions(name):
    fn = getattr(keras.metrics, name)
    if name == "sparse_categorical_accuracy":
        value = fn(tf.constant(DATA["sparse"].reshape(-1, 1).astype(np.float32)), tf.constant(DATA["probs"]))
    else:
        truth = DATA["binary"] if name == "binary_accuracy" else DATA["onehot"]
        value = fn(tf.constant(truth), tf.constant(DATA["probs"]), **({"k": 2} if "top_k" in name else {}))
    np.testing.assert_allclose(K.eval(value), RECORDED["metrics"][name])


def test_mean_metric_weighted_running_average():
    mean = keras.metrics.Mean()
    values = tf.placeholder(tf.float32, [None])
    weights = tf.placeholder(tf.float32, [None])
    result = mean(values, sample_weight=weights)
    session = K.get_session()
    session.run(result, {values: [1.0, 2.0], weights: [1.0, 3.0]})
    assert session.run(result, {values: [10.0], weights: [0.0]}) == pytest.approx(7.0 / 4.0)


def test_unknown_names_raise_keras_2_errors():
    with pytest.raises(ValueError, match="Unknown loss function: 'msez'"):
        keras.losses.get("msez")
    with pytest.raises(ValueError, match="Unknown metric function: 'accz'"):
        keras.metrics.get("accz")
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamz'"):
        keras.optimizers.get("adamz")


def test_custom_loss_reduced_to_a_scalar_trains_with_sample_weights():
    # mnist_siamese.py's contrastive loss returns K.mean(...) over the batch: a scalar that the
    # per-sample weights (all ones by default) broadcast against
    a = keras.Input((2,))
    model = keras.Model(a, keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(a))

    def scalar_loss(y_true, y_pred):
        return K.mean(K.square(y_true - y_pred))

    model.compile(loss=scalar_loss, optimizer=keras.optimizers.SGD(0.0))
    x = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [0.0, 0.0]], np.float32)
    y = np.array([1.0, 0.0, 1.0, 3.0], np.float32)
    expected = np.mean((x.sum(1) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=4, verbose=0), expected, rtol=1e-6)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [expected], rtol=1e-6)


def test_model_with_only_add_loss_compiles_and_trains_without_targets():
    # Keras 2's variational_autoencoder.py: vae.add_loss(vae_loss); vae.compile(optimizer='adam');
    # vae.fit(x, epochs=..., validation_data=(x_test, None))
    a = keras.Input((3,))
    out = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")(a)
    model = keras.Model(a, out)
    model.add_loss(K.mean(K.square(out - 1.0)))
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    x = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], np.float32)
    expected = np.mean((np.repeat(x.sum(1, keepdims=True), 2, 1) - 1.0) ** 2)
    np.testing.assert_allclose(model.evaluate(x, None, verbose=0), expected, rtol=1e-6)
    history = model.fit(x, None, batch_size=2, epochs=2, verbose=0, validation_data=(x, None))
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-6)
    losses, val_losses = history.history["loss"], history.history["val_loss"]
    assert losses[1] < expected and val_losses[1] < val_losses[0]
    no_loss = keras.Model(a, out)
    with pytest.raises(ValueError, match="no loss to optimize"):
        no_loss.compile(optimizer="sgd")
        no_loss.fit(x, x[:, :2], verbose=0)
