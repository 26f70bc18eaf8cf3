"""tf.layers: TF1 variable names, shapes, values against numpy, reuse, regularizers, and
batch normalization's moving averages through UPDATE_OPS."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(12)


def _init(sess):
    sess.run(tf.global_variables_initializer())


def test_dense_names_values_reuse_and_regularizer(graph):
    x = tf.constant(RNG.normal(size=(4, 3)))
    y = tf.layers.dense(x, 5, activation=tf.nn.relu,
                        kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))
    y2 = tf.layers.dense(x, 2)
    shared = tf.layers.dense(x, 5, name="dense", reuse=True)
    assert [v.name for v in tf.trainable_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert y.op.name == "dense/Relu" and y2.shape.as_list() == [4, 2]
    assert len(tf.losses.get_regularization_losses()) == 1
    with tf.Session() as sess:
        _init(sess)
        w, b, got, again = sess.run(["dense/kernel:0", "dense/bias:0", y, shared])
    np.testing.assert_allclose(got, np.maximum(sess_x(x) @ w + b, 0), rtol=1e-12)
    np.testing.assert_allclose(again, sess_x(x) @ w + b, rtol=1e-12)
    limit = np.sqrt(6 / (3 + 5))  # glorot_uniform
    assert np.all(np.abs(w) <= limit)
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 5, name="dense")


def sess_x(x):
    with tf.Session() as sess:
        return sess.run(x)


def test_dense_on_rank_3_inputs(graph):
    x = RNG.normal(size=(2, 3, 4))
    y = tf.layers.dense(tf.constant(x), 6, use_bias=False)
    assert y.shape.as_list() == [2, 3, 6]
    with tf.Session() as sess:
        _init(sess)
        got, w = sess.run([y, "dense/kernel:0"])
    np.testing.assert_allclose(got, x @ w, rtol=1e-12)


def test_conv_layers_match_tf_nn(graph):
    x = tf.constant(RNG.normal(size=(2, 9, 9, 3)))
    conv = tf.layers.conv2d(x, 4, (3, 2), strides=2, padding="same")
    sep = tf.layers.separable_conv2d(x, 5, 3, depth_multiplier=2)
    up = tf.layers.conv2d_transpose(conv, 3, 3, strides=2, padding="valid")
    pooled = tf.layers.average_pooling2d(tf.layers.max_pooling2d(x, 3, 2, "same"), 2, 1)
    assert conv.shape.as_list() == [2, 5, 5, 4] and sep.shape.as_list() == [2, 7, 7, 5]
    assert up.shape.as_list() == [2, 11, 11, 3] and pooled.shape.as_list() == [2, 4, 4, 3]
    names = {v.name for v in tf.global_variables()}
    assert {"conv2d/kernel:0", "separable_conv2d/depthwise_kernel:0",
            "separable_conv2d/pointwise_kernel:0", "conv2d_transpose/kernel:0"} <= names
    with tf.Session() as sess:
        _init(sess)
        k, b = sess.run(["conv2d/kernel:0", "conv2d/bias:0"])
        expected = sess.run(tf.nn.conv2d(x, k, 2, "SAME") + b)
        got, got_up = sess.run([conv, up])
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got_up.shape == (2, 11, 11, 3)


def test_flatten_and_dropout(graph):
    x = tf.placeholder(tf.float64, [None, 2, 3, 4])
    flat = tf.layers.flatten(x)
    training = tf.placeholder_with_default(False, [])
    dropped = tf.layers.dropout(flat, 0.5, training=training, seed=1)
    assert flat.shape.as_list() == [None, 24]
    value = RNG.normal(size=(5, 2, 3, 4)) + 10.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(dropped, {x: value}), value.reshape(5, 24))
        out = sess.run(dropped, {x: value, training: True})
    assert 0 < np.mean(out == 0) < 1
    np.testing.assert_allclose(out[out != 0], 2 * value.reshape(5, 24)[out != 0])
    kept = tf.layers.dropout(flat, training=False)  # an Identity, as TF1's smart_cond
    assert kept.op.type == "Identity" and kept.op.inputs[0] is flat


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 3, 2)])
def test_batch_normalization_training_inference_and_moving_averages(graph, shape):
    x = tf.placeholder(tf.float64, [None, *shape[1:]])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, momentum=0.9, epsilon=1e-3, training=training)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [u.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                         "batch_normalization/AssignMovingAvg_1"]
    assert [v.op.name for v in tf.trainable_variables()] == ["batch_normalization/gamma",
                                                             "batch_normalization/beta"]
    data = RNG.normal(size=shape) * 3 + 2
    axes = tuple(range(len(shape) - 1))
    mean, var = data.mean(axes), data.var(axes)
    with tf.Session() as sess:
        _init(sess)
        out = sess.run([y] + updates, {x: data, training: True})[0]
        np.testing.assert_allclose(out, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-10)
        moving_mean, moving_var = sess.run(["batch_normalization/moving_mean:0",
                                            "batch_normalization/moving_variance:0"])
        np.testing.assert_allclose(moving_mean, 0.1 * mean, rtol=1e-12)
        # float64 input: TF1 does not fuse (its fused kernel has no float64), so the moving
        # variance moves towards the biased batch variance (float32 4-D inputs fuse and use the
        # unbiased one: test_batch_norm_recorded.py)
        np.testing.assert_allclose(moving_var, 0.9 + 0.1 * var, rtol=1e-12)
        sess.run(updates, {x: data, training: False})  # no movement in inference
        np.testing.assert_allclose(sess.run("batch_normalization/moving_mean:0"), moving_mean)
        inference = sess.run(y, {x: data, training: False})
    np.testing.assert_allclose(inference, (data - moving_mean) / np.sqrt(moving_var + 1e-3),
                               rtol=1e-10)


def test_batch_normalization_trains_with_update_ops(graph):
    x = tf.constant(RNG.normal(size=(16, 4)) * 5 + 3)
    y = tf.layers.batch_normalization(tf.layers.dense(x, 4), training=True, momentum=0.5)
    loss = tf.reduce_mean(tf.square(y - 1.0))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        _init(sess)
        first = sess.run(loss)
        for _ in range(100):
            sess.run(train)
        assert sess.run(loss) < 0.1 * first
        assert np.all(sess.run("batch_normalization/moving_mean:0") != 0)
