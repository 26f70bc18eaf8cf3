"""LSTM and GRU with `recurrent_dropout` switch to implementation 1 (one dropout mask per gate)
with tf_keras' warning, as tf_keras does; the masks of the gates are then independent, each
fixed over the sequence. (tests/compat/test_recurrent_dropout_tf_keras.py compares the training
distributions with tf_keras live.)"""

import numpy as np
import pytest

from graphflow import keras
from graphflow.keras import backend as K


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_recurrent_dropout_selects_implementation_1(kind):
    with pytest.warns(UserWarning, match="Using `implementation=1`"):
        layer = getattr(keras.layers, kind)(3, recurrent_dropout=0.2)
    assert layer.implementation == 1 and layer.get_config()["implementation"] == 1
    assert getattr(keras.layers, kind)(3, dropout=0.2).implementation == 2  # input dropout alone: kept
    restored = getattr(keras.layers, kind).from_config(layer.get_config())
    assert restored.implementation == 1


def test_simple_rnn_with_recurrent_dropout_keeps_its_single_mask():
    layer = keras.layers.SimpleRNN(3, recurrent_dropout=0.2)
    assert "implementation" not in layer.get_config()


def test_gates_draw_independent_recurrent_masks():
    # GRU (reset_after=False), zero input kernel and biases, recurrent kernels 4 I per gate, from a
    # state of ones: one step gives z = sigmoid(4 m_z), hh = tanh(4 r m_h), h = z + (1 - z) hh,
    # which is 0.5 exactly when both m_z and m_h are 0 (else about 1): a quarter of the units
    # with independent masks, half of them with one shared mask.
    with pytest.warns(UserWarning):
        layer = keras.layers.GRU(6, recurrent_dropout=0.5, reset_after=False, return_sequences=True,
                                 recurrent_activation="sigmoid")
    inputs, state = keras.layers.Input((3, 2)), keras.layers.Input((6,))
    outputs = layer(inputs, initial_state=[state])
    eye = np.eye(6, dtype=np.float32)
    layer.set_weights([np.zeros((2, 18), np.float32), np.concatenate([eye, eye, eye], 1) * 4,
                       np.zeros(18, np.float32)])
    run = K.function([inputs, state, K.learning_phase()], [outputs])
    trained = run([np.zeros((400, 3, 2), np.float32), np.ones((400, 6), np.float32), 1])[0]
    both_dropped = np.isclose(trained[:, 0], 0.5)
    assert 0.18 < both_dropped.mean() < 0.32
    inferred = run([np.zeros((4, 3, 2), np.float32), np.ones((4, 6), np.float32), 0])[0]
    assert np.all(inferred[:, 0] > 0.9)  # no dropout at inference
