"""tf.contrib.rnn.stack_bidirectional_rnn / stack_bidirectional_dynamic_rnn (layers of the
bidirectional RNNs that tests/rnn/test_*_recorded.py check against TensorFlow) and DeviceWrapper:
the stack equals its layers composed by hand with the same weights, and TF1's names."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from tests.rnn.cases import fixed


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default():
        yield


def _run(fetches, feeds):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v in tf.global_variables():
            # Weights from the name without the stack's prefix, so both graphs hold the same.
            key = v.op.name.split("cell_", 1)[-1] if "cell_" in v.op.name else v.op.name
            sess.run(tf.assign(v, fixed(v.get_shape().as_list(), key)))
        return sess.run(fetches, feeds)


def _cells():
    return ([tf.nn.rnn_cell.BasicLSTMCell(3), tf.nn.rnn_cell.GRUCell(2)],
            [tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.BasicRNNCell(2)])


def test_stack_bidirectional_dynamic_rnn_is_its_layers_composed():
    value = fixed([2, 4, 3], "x", 1.0)
    lengths = np.array([4, 2], np.int32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 3])
        fw, bw = _cells()
        outputs, states_fw, states_bw = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
            fw, bw, x, sequence_length=lengths, dtype=tf.float32)
        assert outputs.shape.as_list()[1:] == [4, 4] and len(states_fw) == len(states_bw) == 2
        names = [v.op.name for v in tf.global_variables()]
        stacked = _run([outputs, states_bw[1]], {x: value})
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/basic_lstm_cell/kernel"
    assert names[-1] == "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/basic_rnn_cell/bias"
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 3])
        fw, bw = _cells()
        layer = x
        for i in range(2):
            with tf.variable_scope(f"cell_{i}"):
                outputs, (_, state_bw) = tf.nn.bidirectional_dynamic_rnn(
                    fw[i], bw[i], layer, sequence_length=lengths, dtype=tf.float32)
                layer = tf.concat(outputs, 2)
        by_hand = _run([layer, state_bw], {x: value})
    np.testing.assert_allclose(stacked[0], by_hand[0], rtol=1e-6)
    np.testing.assert_allclose(stacked[1], by_hand[1], rtol=1e-6)
    assert np.all(stacked[0][1, 2:] == 0)


def test_stack_bidirectional_rnn_is_its_layers_composed():
    value = fixed([4, 2, 3], "x", 1.0)
    with tf.Graph().as_default():
        xs = [tf.placeholder(tf.float32, [None, 3]) for _ in range(4)]
        fw, bw = _cells()
        outputs, _, _ = tf.contrib.rnn.stack_bidirectional_rnn(fw, bw, xs, dtype=tf.float32)
        assert tf.global_variables()[0].op.name == \
            "stack_bidirectional_rnn/cell_0/fw/basic_lstm_cell/kernel"
        stacked = _run(outputs, dict(zip(xs, value)))
    with tf.Graph().as_default():
        xs = [tf.placeholder(tf.float32, [None, 3]) for _ in range(4)]
        fw, bw = _cells()
        layer = xs
        for i in range(2):
            with tf.variable_scope(f"cell_{i}") as scope:
                layer, _, _ = tf.nn.static_bidirectional_rnn(fw[i], bw[i], layer, dtype=tf.float32,
                                                             scope=scope)
        by_hand = _run(layer, dict(zip(xs, value)))
    np.testing.assert_allclose(np.array(stacked), np.array(by_hand), rtol=1e-6)


def test_stack_errors():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    with pytest.raises(ValueError, match="at least one fw cell"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn([], [tf.nn.rnn_cell.GRUCell(2)], x,
                                                       dtype=tf.float32)
    with pytest.raises(ValueError, match="same depth"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
            [tf.nn.rnn_cell.GRUCell(2)] * 2, [tf.nn.rnn_cell.GRUCell(2)], x, dtype=tf.float32)


def test_device_wrapper_places_the_cell_and_keeps_its_names():
    x = tf.placeholder(tf.float32, [None, 3])
    cell = tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.GRUCell(2), "/cpu:0")
    output, _ = cell(x, cell.zero_state(2, tf.float32))
    assert output.op.device.lower().endswith("cpu:0")
    assert [v.op.name for v in tf.global_variables()][0] == "gru_cell/gates/kernel"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(output, {x: np.ones((2, 3))}).shape == (2, 2)
