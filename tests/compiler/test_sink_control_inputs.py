"""The "sink_control_inputs" pass: shape queries of static shapes built under control
dependencies become constants, their control inputs carried by their consumers, and the
controlling ops still run, in order."""

from __future__ import annotations

import numpy as np

import graphflow as tf
from graphflow.compiler.fold import fold_constants
from graphflow.compiler.sink_control_inputs import sink_control_inputs
from tests.compiler.ir_helpers import compilation, lowered


def test_known_values_hand_their_control_inputs_to_their_consumers(graph):
    x = tf.placeholder(tf.float32, [4, 3])
    counter = tf.Variable(0.0)
    bump = tf.assign_add(counter, 1.0)
    with tf.control_dependencies([bump]):
        size = tf.cast(tf.reduce_prod(tf.shape(x)), tf.float32)  # Shape, Prod, Cast: known
        y = x / size
    with compilation():
        nodes, fetched = lowered([y], {x: [4, 3]})
        sunk, fetched = sink_control_inputs(nodes, fetched)
        folded, fetched = fold_constants(sunk, fetched)
    types = [n.type for n in folded]
    assert not {"Shape", "Prod", "Cast"} & set(types)
    div = next(n for n in folded if n.type == "RealDiv")
    assert [c.type for c in div.control] == ["AssignAdd"]
    assert all(not n.control for n in sunk if n.type in ("Shape", "Prod", "Cast"))


def test_values_and_effects_are_kept(graph):
    x = tf.placeholder(tf.float32, [4, 3])
    counter = tf.Variable(0.0)
    bump = tf.assign_add(counter, 1.0)
    with tf.control_dependencies([bump]):
        shape = tf.shape(x)
        mean = tf.reduce_sum(x) / tf.cast(tf.reduce_prod(shape), tf.float32)
    value = np.arange(12, dtype=np.float32).reshape(4, 3)
    with tf.Session() as sess:
        sess.run(counter.initializer)
        np.testing.assert_allclose(sess.run(mean, {x: value}), value.mean())
        assert sess.run(counter) == 1.0  # the consumer's control input ran the assign
        np.testing.assert_array_equal(sess.run(shape, {x: value}), [4, 3])
        assert sess.run(counter) == 2.0  # a fetched known value: its control input still runs


def test_the_separable_gradients_lose_their_shape_kernels(graph, monkeypatch):
    tf.set_random_seed(1)  # both sessions draw the same initial weights
    x = tf.placeholder(tf.float32, [8, 4, 4, 2])
    h = tf.layers.batch_normalization(tf.layers.conv2d(x, 3, 3, padding="same"), training=True)
    loss = tf.reduce_mean(tf.nn.relu(h))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with compilation():
        nodes, fetched = lowered([train], {x: [8, 4, 4, 2]})
        before = sum(n.type == "Shape" for n in fold_constants(nodes, fetched)[0])
        nodes, fetched = fold_constants(*sink_control_inputs(nodes, fetched))
    assert before > 0 and not any(n.type == "Shape" for n in nodes)
    value = np.random.default_rng(0).normal(size=(8, 4, 4, 2)).astype(np.float32)
    results = []
    for disabled in ("sink_control_inputs", ""):
        monkeypatch.setenv("GF_DISABLE_PASSES", disabled)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: value})
            results.append(sess.run(tf.global_variables()))
    for with_pass, without in zip(*results):
        np.testing.assert_array_equal(with_pass, without)


def test_shape_keeping_nodes_of_computed_values_are_dropped_but_not_of_variables(graph):
    x = tf.placeholder(tf.float32, [4, 3])
    v = tf.Variable(np.ones((4, 3), np.float32))
    bump = tf.assign_add(v, tf.ones([4, 3]))
    with tf.control_dependencies([bump]):
        kept = tf.reshape(v, [4, 3])  # may order the variable's read: stays
        dropped = tf.reshape(x * 2.0, [4, 3])  # a computed value: the reshape goes
        out = kept + dropped
    with compilation():
        nodes, fetched = lowered([out], {x: [4, 3]})
        sunk, fetched = sink_control_inputs(nodes, fetched)
        from graphflow.compiler.simplify import simplify

        simplified, _ = simplify(sunk, fetched)
    reshapes = [n for n in simplified if n.type == "Reshape"]
    assert len(reshapes) == 1 and reshapes[0].control
    add = next(n for n in simplified if n.type == "Add")
    assert [c.type for c in add.control] == ["AssignAdd"]
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_allclose(sess.run(out, {x: np.ones((4, 3), np.float32)}), 4.0)
