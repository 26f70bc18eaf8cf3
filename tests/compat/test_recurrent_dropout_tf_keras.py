"""Keras recurrent dropout against live tf_keras (a subprocess): with identical weights the
inference outputs agree exactly, and the training-phase outputs (one input mask and one
recurrent mask per sequence, Keras 2) have the same distribution: per step and unit means over
many sequences within five standard errors, and the same fraction of exact zeros in the
dropped impulse response."""

import json

import numpy as np
import pytest

from graphflow import keras
from graphflow.keras import backend as K
from tests.compat.test_keras_h5_tf_keras import TF_PYTHON, run_tf_keras

pytestmark = pytest.mark.skipif(TF_PYTHON is None, reason="needs tf_keras (or $GRAPHFLOW_TF_PYTHON)")

BUILD = """
def build(keras, kind):
    return getattr(keras.layers, kind)(4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True,
                                       **({} if kind == "SimpleRNN" else {"recurrent_activation": "sigmoid"}))
"""


def _weights(shapes):
    rng = np.random.RandomState(0)
    return [rng.uniform(-0.6, 0.6, size=s).astype(np.float32) for s in shapes]


@pytest.mark.filterwarnings("ignore:RNN `implementation=2` is not supported")
@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_dropout_distribution_matches_tf_keras(kind, tmp_path):
    namespace = {}
    exec(BUILD, namespace)  # noqa: S102 - the same model-building code runs on both sides
    K.clear_session()
    layer = namespace["build"](keras, kind)
    inputs = keras.layers.Input((5, 3))
    outputs = layer(inputs)
    shapes = [tuple(w.shape.as_list()) for w in layer.weights]
    layer.set_weights(_weights(shapes))
    x = np.random.RandomState(1).standard_normal((3000, 5, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    run = K.function([inputs, K.learning_phase()], [outputs])
    ours_train, ours_infer = run([x, 1])[0], run([x[:8], 0])[0]
    want = run_tf_keras(BUILD + """
kind, shapes = sys.argv[1], json.loads(sys.argv[2])
x = np.load(sys.argv[3])
layer = build(keras, kind)
layer(x[:1])
rng = np.random.RandomState(0)
layer.set_weights([rng.uniform(-0.6, 0.6, size=s).astype(np.float32) for s in shapes])
train = np.asarray(layer(x, training=True))
print(json.dumps({"infer": np.asarray(layer(x[:8], training=False)).tolist(), "mean": train.mean(0).tolist(),
                  "zeros": float(np.mean(train == 0))}))
""", kind, json.dumps(shapes), str(tmp_path / "x.npy"))
    np.testing.assert_allclose(ours_infer, want["infer"], rtol=1e-5, atol=1e-6)
    error = ours_train.std(0) / np.sqrt(len(x))
    assert np.all(np.abs(ours_train.mean(0) - np.array(want["mean"])) < 5 * error + 1e-6)
    assert abs(float(np.mean(ours_train == 0)) - want["zeros"]) < 0.01
