"""Live cross-loading of Keras 2 HDF5 weight files between graphflow and tf_keras.

tf_keras runs in a subprocess (TensorFlow is never imported next to graphflow): the Python
with tf_keras is this one when it has tf_keras, else `$GRAPHFLOW_TF_PYTHON`; the tests skip
without either.
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from graphflow.keras.saving.hdf5_format import load_weights_from_hdf5, save_weights_to_hdf5
from tests.keras.fake_layers import tf_keras_mlp


def _tf_python():
    if importlib.util.find_spec("tf_keras") is not None:
        return sys.executable
    return os.environ.get("GRAPHFLOW_TF_PYTHON")


TF_PYTHON = _tf_python()
pytestmark = pytest.mark.skipif(TF_PYTHON is None, reason="needs tf_keras (or $GRAPHFLOW_TF_PYTHON)")

_MLP = """
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tf_keras as keras
model = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(4,), name="dense"),
                          keras.layers.Dense(2, name="dense_1")])
"""


def run_tf_keras(body, *args):
    script = textwrap.dedent(_MLP) + textwrap.dedent(body)
    done = subprocess.run([TF_PYTHON, "-c", script, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_graphflow_weights_load_in_tf_keras(tmp_path):
    source = tf_keras_mlp(seed=3)
    path = str(tmp_path / "graphflow.h5")
    save_weights_to_hdf5(source, path)
    loaded = run_tf_keras("""
        model.load_weights(sys.argv[1])
        x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
        print(json.dumps({"weights": [w.tolist() for w in model.get_weights()],
                          "pred": model.predict(x, verbose=0).tolist()}))
    """, path)
    for got, want in zip(loaded["weights"], source.get_weights()):
        np.testing.assert_array_equal(np.asarray(got, np.float32), want)
    # the same forward pass in numpy, from graphflow's saved values
    k0, b0, k1, b1 = source.get_weights()
    x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
    np.testing.assert_allclose(loaded["pred"], np.maximum(x @ k0 + b0, 0) @ k1 + b1, rtol=1e-5, atol=1e-6)


def test_tf_keras_weights_load_in_graphflow(tmp_path):
    path = str(tmp_path / "tf_keras.h5")
    saved = run_tf_keras("""
        model.save_weights(sys.argv[1])
        print(json.dumps([w.tolist() for w in model.get_weights()]))
    """, path)
    target = tf_keras_mlp(seed=9)
    load_weights_from_hdf5(target, path)
    for got, want in zip(target.get_weights(), saved):
        np.testing.assert_array_equal(got, np.asarray(want, np.float32))
