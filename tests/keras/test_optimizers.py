"""Keras optimizers: four steps on a least-squares problem against tf_keras' recorded weights,
plus slot order/names, lr as a Variable, serialization, schedules and graphflow's extras."""

import json
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow import keras
from graphflow.keras import backend as K

RECORDED = json.loads((Path(__file__).parent / "data" / "optimizers.json").read_text())


def _problem():
    rng = np.random.RandomState(3)
    return {"w": rng.standard_normal((3, 2)).astype(np.float32),
            "b": rng.standard_normal(2).astype(np.float32),
            "x": rng.standard_normal((8, 3)).astype(np.float32),
            "t": rng.standard_normal((8, 2)).astype(np.float32)}


def _run(optimizer, steps=4):
    p = _problem()
    w, b = tf.Variable(p["w"], name="w"), tf.Variable(p["b"], name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(p["x"]), w) + b - p["t"]))
    updates = optimizer.get_updates(loss, [w, b])
    session = K.get_session()
    for _ in range(steps):
        session.run(updates)
    return session.run([w, b])


@pytest.mark.parametrize("key", sorted(RECORDED))
def test_update_rule_matches_tf_keras(key):
    cls, kwargs = key.split("{", 1)[0], json.loads("{" + key.split("{", 1)[1])
    w, b = _run(getattr(keras.optimizers, cls)(**kwargs))
    np.testing.assert_allclose(w, RECORDED[key][0], rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(b, RECORDED[key][1], rtol=2e-5, atol=2e-6)


def test_weights_order_names_and_lr_variable():
    opt = keras.optimizers.Adam(0.01)
    _run(opt, steps=2)
    assert [v.name for v in opt.weights] == ["training/Adam/iter:0", "training/Adam/w/m:0",
                                            "training/Adam/b/m:0", "training/Adam/w/v:0", "training/Adam/b/v:0"]
    assert K.get_value(opt.iterations) == 2
    assert K.get_value(opt.lr) == pytest.approx(0.01)
    K.set_value(opt.learning_rate, 0.5)
    assert K.get_value(opt.lr) == pytest.approx(0.5)
    values = opt.get_weights()
    opt.set_weights([np.zeros_like(v) for v in values])
    assert all(np.all(v == 0) for v in opt.get_weights())
    with pytest.raises(ValueError, match="does not match the number of weights"):
        opt.set_weights(values[:2])


def test_serialize_round_trip():
    opt = keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True, clipnorm=1.0)
    config = keras.optimizers.serialize(opt)
    assert config == {"class_name": "SGD", "config": {"name": "SGD", "learning_rate": 0.05, "decay": 0.0,
                                                      "clipnorm": 1.0, "momentum": 0.9, "nesterov": True}}
    again = keras.optimizers.deserialize(config)
    assert isinstance(again, keras.optimizers.SGD) and again.get_config() == opt.get_config()
    assert isinstance(keras.optimizers.get("rmsprop"), keras.optimizers.RMSprop)


def test_schedule_drives_the_learning_rate():
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([1], [1.0, 0.0])
    w0 = _problem()["w"]
    w, _ = _run(keras.optimizers.SGD(schedule), steps=5)
    w1, _ = _run(keras.optimizers.SGD(1.0), steps=2)  # lr 1.0 for steps 0 and 1, then 0
    np.testing.assert_allclose(w, w1, rtol=1e-6)
    assert not np.allclose(w, w0)
    for cls in (keras.optimizers.schedules.ExponentialDecay, keras.optimizers.schedules.InverseTimeDecay):
        sched = cls(0.1, 10, 0.5)
        assert K.eval(sched(tf.constant(10.0))) == pytest.approx(0.05 if cls.__name__.startswith("Exp")
                                                                  else 0.1 / 1.5)


@pytest.mark.parametrize("cls", ["AdamW", "RAdam", "Ranger"])
def test_graphflow_extras_reduce_the_loss(cls):
    p = _problem()
    w = tf.Variable(p["w"])
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(p["x"]), w) - p["t"]))
    opt = getattr(keras.optimizers, cls)(learning_rate=0.05)
    updates = opt.get_updates(loss, [w])
    session = K.get_session()
    before = session.run(loss)
    for _ in range(30):
        session.run(updates)
    assert session.run(loss) < 0.8 * before
    assert K.get_value(opt.iterations) == 30 and len(opt.weights) > 1


def test_standalone_keras_lowercase_aliases():
    # Keras 2.2's examples write keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)
    names = ("sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam")
    opts = keras.optimizers
    classes = (opts.SGD, opts.RMSprop, opts.Adagrad, opts.Adadelta, opts.Adam, opts.Adamax, opts.Nadam)
    assert [getattr(keras.optimizers, name) for name in names] == list(classes)
    opt = keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)
    config = opt.get_config()
    assert type(opt) is keras.optimizers.RMSprop and config["name"] == "RMSprop"
    np.testing.assert_allclose([config["learning_rate"], config["decay"]], [1e-4, 1e-6], rtol=1e-6)
    assert keras.optimizers.serialize(opt)["class_name"] == "RMSprop"
