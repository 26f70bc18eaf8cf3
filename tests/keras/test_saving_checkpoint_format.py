"""Weights in the TensorFlow checkpoint format (`save_weights` without an HDF5 suffix) through
tf.train.Saver: round trip, the files Keras 2 writes, mismatches that restore nothing."""

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.keras.saving import checkpoint_format
from graphflow.keras.saving.model_methods import SavingMixin


class VariableLayer:
    def __init__(self, name, weights):
        self.name = name
        self.weights = weights


class VariableModel(SavingMixin):
    def __init__(self, layers):
        self.layers = layers


def build(graph, kernel_shape=(3, 2), seed=0):
    rng = np.random.RandomState(seed)
    with graph.as_default(), tf.variable_scope("dense"):
        kernel = tf.get_variable("kernel", initializer=rng.randn(*kernel_shape).astype(np.float32))
        bias = tf.get_variable("bias", initializer=rng.randn(kernel_shape[1]).astype(np.float32))
    return VariableModel([VariableLayer("dense", [kernel, bias]), VariableLayer("dropout", [])])


@pytest.fixture
def session(monkeypatch):
    graph = tf.Graph()
    sess = tf.Session(graph=graph)
    monkeypatch.setattr(checkpoint_format, "_session_and_graph", lambda model: (sess, graph))
    with graph.as_default():
        yield sess
    sess.close()


def values(session, model):
    return session.run([w for layer in model.layers for w in layer.weights])


def test_round_trip_and_files(tmp_path, session):
    model = build(session.graph, seed=1)
    session.run(tf.variables_initializer([w for layer in model.layers for w in layer.weights]))
    saved = values(session, model)
    prefix = str(tmp_path / "ckpt" / "weights")
    model.save_weights(prefix)
    # graphflow's checkpoint files: the prefix's tensors and the `checkpoint` state file
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["checkpoint", "weights.safetensors"]
    session.run([w.assign(tf.zeros_like(w)) for layer in model.layers for w in layer.weights])
    model.load_weights(prefix)
    for got, want in zip(values(session, model), saved):
        np.testing.assert_array_equal(got, want)
    # a directory means its latest checkpoint
    session.run([w.assign(tf.zeros_like(w)) for layer in model.layers for w in layer.weights])
    model.load_weights(str(tmp_path / "ckpt"))
    np.testing.assert_array_equal(values(session, model)[0], saved[0])


def test_shape_mismatch_restores_nothing(tmp_path, session):
    model = build(session.graph, seed=1)
    session.run(tf.global_variables_initializer())
    prefix = str(tmp_path / "weights")
    model.save_weights(prefix)
    other_graph = tf.Graph()
    other = build(other_graph, kernel_shape=(3, 4), seed=2)
    expected = r"dense/kernel:0: the model expects shape \(3, 4\).*holds shape \(3, 2\)"
    with pytest.raises(ValueError, match=expected):
        other.load_weights(prefix)
    # and the original model's values still load (the failed call changed nothing on disk)
    model.load_weights(prefix)


def test_by_name_is_hdf5_only(tmp_path, session):
    model = build(session.graph)
    with pytest.raises(NotImplementedError, match="by_name=True"):
        model.load_weights(str(tmp_path / "weights"), by_name=True)


def test_unknown_save_format(tmp_path, session):
    model = build(session.graph)
    with pytest.raises(ValueError, match='Unknown format "pickle"'):
        model.save_weights(str(tmp_path / "w"), save_format="pickle")
