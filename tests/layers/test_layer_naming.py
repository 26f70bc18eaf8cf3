"""tf.layers naming: the variable and op names TF1 gives layers in variable scopes, under reuse
and AUTO_REUSE, in nested and re-entered scopes, with `name=` given, and for layer objects
called twice. Every expected list was recorded from TensorFlow 2.21's tf.compat.v1 with its
legacy tf.layers (TF1.15's layer code), running these same functions."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def _moving(names):
    return [n for n in names if "/moving_" not in n]


def _gan(reuse_first, reuse_second):
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")

    def discriminator(x, reuse):
        with tf.variable_scope("Discriminator", reuse=reuse):
            h = tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu)
            h = tf.layers.conv2d(h, 4, 3)
            h = tf.layers.batch_normalization(h, training=True)
            h = tf.layers.flatten(h)
            h = tf.layers.dropout(h, 0.3, training=True)
            return tf.layers.dense(h, 1)

    return [discriminator(x, reuse_first).name, discriminator(x, reuse_second).name]


GAN_VARIABLES = [
    "Discriminator/conv2d/kernel:0", "Discriminator/conv2d/bias:0",
    "Discriminator/conv2d_1/kernel:0", "Discriminator/conv2d_1/bias:0",
    "Discriminator/batch_normalization/gamma:0", "Discriminator/batch_normalization/beta:0",
    "Discriminator/batch_normalization/moving_mean:0",
    "Discriminator/batch_normalization/moving_variance:0",
    "Discriminator/dense/kernel:0", "Discriminator/dense/bias:0"]


@pytest.mark.parametrize("reuse", [(False, True), ("auto", "auto")], ids=["bool", "auto_reuse"])
def test_gan_discriminator_built_twice_shares_every_variable(graph, reuse):
    reuse = [tf.AUTO_REUSE if r == "auto" else r for r in reuse]
    outputs = _gan(*reuse)
    assert [v.name for v in tf.global_variables()] == GAN_VARIABLES
    assert [v.name for v in tf.trainable_variables()] == _moving(GAN_VARIABLES)
    assert outputs == ["Discriminator/dense/BiasAdd:0", "Discriminator_1/dense/BiasAdd:0"]
    assert [u.name for u in tf.get_collection(tf.GraphKeys.UPDATE_OPS)] == [
        "Discriminator/batch_normalization/AssignMovingAvg",
        "Discriminator/batch_normalization/AssignMovingAvg_1",
        "Discriminator_1/batch_normalization/AssignMovingAvg",
        "Discriminator_1/batch_normalization/AssignMovingAvg_1"]


def test_nested_scopes_names_and_reentry(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    outs = []
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner"):
            outs.append(tf.layers.dense(x, 2))
            outs.append(tf.layers.dense(x, 2))
            outs.append(tf.layers.dense(x, 2, name="head"))
        with tf.variable_scope("inner", reuse=True):
            outs.append(tf.layers.dense(x, 2))
            outs.append(tf.layers.dense(x, 2, name="head"))
        outs.append(tf.layers.dense(x, 2))
    outs.append(tf.layers.dense(x, 2))
    outs.append(tf.layers.dense(x, 2))
    with tf.variable_scope("outer", reuse=True), tf.variable_scope("inner"):
        outs.append(tf.layers.dense(x, 2))
        outs.append(tf.layers.dense(x, 2))
    with tf.name_scope("ns"):
        outs.append(tf.layers.dense(x, 2))
    assert [v.name for v in tf.global_variables()] == [
        "outer/inner/dense/kernel:0", "outer/inner/dense/bias:0",
        "outer/inner/dense_1/kernel:0", "outer/inner/dense_1/bias:0",
        "outer/inner/head/kernel:0", "outer/inner/head/bias:0",
        "outer/dense/kernel:0", "outer/dense/bias:0", "dense/kernel:0", "dense/bias:0",
        "dense_1/kernel:0", "dense_1/bias:0", "dense_2/kernel:0", "dense_2/bias:0"]
    assert [o.name for o in outs] == [
        "outer/inner/dense/BiasAdd:0", "outer/inner/dense_1/BiasAdd:0",
        "outer/inner/head/BiasAdd:0", "outer/inner_1/dense/BiasAdd:0",
        "outer/inner_1/head/BiasAdd:0", "outer/dense/BiasAdd:0", "dense/BiasAdd:0",
        "dense_1/BiasAdd:0", "outer_1/inner/dense/BiasAdd:0", "outer_1/inner/dense_1/BiasAdd:0",
        "ns/dense/BiasAdd:0"]


def test_reentered_scope_objects_and_explicit_scope_names(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    outs = []
    with tf.variable_scope("enc") as scope:
        outs.append(tf.layers.dense(x, 2))
        outs.append(tf.layers.dense(x, 2))
    with tf.variable_scope(scope, reuse=True):
        outs.append(tf.layers.dense(x, 2))
        outs.append(tf.layers.dense(x, 2))
    with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
        outs.append(tf.layers.dense(x, 2))
        outs.append(tf.layers.dense(x, 2))
        outs.append(tf.layers.dense(x, 2))
    with tf.variable_scope("dense_1"):
        pass
    outs.append(tf.layers.dense(x, 2))
    outs.append(tf.layers.dense(x, 2))
    with tf.variable_scope("enc/sub"):
        outs.append(tf.layers.dense(x, 2))
    assert [v.name for v in tf.global_variables()] == [
        "enc/dense/kernel:0", "enc/dense/bias:0", "enc/dense_1/kernel:0", "enc/dense_1/bias:0",
        "enc/dense_2/kernel:0", "enc/dense_2/bias:0", "dense/kernel:0", "dense/bias:0",
        "dense_2/kernel:0", "dense_2/bias:0", "enc/sub/dense/kernel:0", "enc/sub/dense/bias:0"]
    assert [o.name for o in outs] == [
        "enc/dense/BiasAdd:0", "enc/dense_1/BiasAdd:0", "enc_1/dense/BiasAdd:0",
        "enc_1/dense_1/BiasAdd:0", "enc_2/dense/BiasAdd:0", "enc_2/dense_1/BiasAdd:0",
        "enc_2/dense_2/BiasAdd:0", "dense/BiasAdd:0", "dense_2/BiasAdd:0",
        "enc/sub/dense/BiasAdd:0"]


def test_layer_objects_names_scopes_and_second_calls(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    names = []
    y0 = tf.layers.dense(x, 4)
    first = tf.layers.Dense(3, activation=tf.nn.relu)
    names.append(first.name)
    y1 = first(x)
    y2 = first(y1)
    names += [first.name, first.scope_name, y1.name, y2.name]
    names += [v.name for v in first.variables] + [first.kernel.name, first.bias.name]
    head = tf.layers.Dense(2, name="head")
    with tf.variable_scope("s"):
        late = tf.layers.Dense(2)
        y3 = late(x)
        y4 = head(x)
    y5 = late(x)
    names += [late.name, late.scope_name, head.name, head.scope_name, y3.name, y4.name, y5.name]
    conv = tf.layers.Conv2D(3, 2, padding="same", name="c")
    img = tf.placeholder(tf.float32, [None, 5, 5, 2], name="img")
    names += [conv(img).name, conv(img).name]
    bn = tf.layers.BatchNormalization()
    bn_outputs = [bn(img, training=True).name, bn(img, training=False).name]
    names += [bn.name, bn.scope_name]
    names += [v.name for v in bn.trainable_variables] + [v.name for v in bn.non_trainable_variables]
    names += [u.name for u in bn.updates]
    names += [tf.layers.MaxPooling2D(2, 2)(img).name, tf.layers.AveragePooling2D(2, 2)(img).name]
    names += [tf.layers.Flatten()(img).name]
    dropout_output = tf.layers.Dropout(0.5)(img, training=True).name
    names += [tf.layers.SeparableConv2D(2, 3)(img).name, tf.layers.Conv2DTranspose(2, 3)(img).name]
    names.append(y0.name)
    assert [v.name for v in tf.global_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0",
        "s/dense/kernel:0", "s/dense/bias:0", "s/head/kernel:0", "s/head/bias:0",
        "c/kernel:0", "c/bias:0", "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
        "separable_conv2d/depthwise_kernel:0", "separable_conv2d/pointwise_kernel:0",
        "separable_conv2d/bias:0", "conv2d_transpose/kernel:0", "conv2d_transpose/bias:0"]
    assert [v.name for v in tf.trainable_variables()] == _moving(
        [v.name for v in tf.global_variables()])
    assert names == [
        "dense_2", "dense_2", "dense_1", "dense_1/Relu:0", "dense_1/Relu_1:0",
        "dense_1/kernel:0", "dense_1/bias:0", "dense_1/kernel:0", "dense_1/bias:0", "dense_3",
        "s/dense", "head", "s/head", "s/dense/BiasAdd:0", "s/head/BiasAdd:0",
        "s/dense/BiasAdd_1:0", "c/BiasAdd:0", "c/BiasAdd_1:0", "batch_normalization_1",
        "batch_normalization", "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
        "batch_normalization/AssignMovingAvg", "batch_normalization/AssignMovingAvg_1",
        "max_pooling2d/MaxPool:0", "average_pooling2d/AvgPool:0", "flatten/Reshape:0",
        "separable_conv2d/BiasAdd:0", "conv2d_transpose/BiasAdd:0", "dense/BiasAdd:0"]
    # TF computes these with other op types (FusedBatchNormV3, SelectV2): same scopes.
    assert [n.split("/")[0] for n in bn_outputs] == ["batch_normalization"] * 2
    assert bn_outputs[0] != bn_outputs[1] and dropout_output.startswith("dropout/")


def test_scope_name_before_the_first_call_is_an_error(graph):
    layer = tf.layers.Dense(2)
    with pytest.raises(ValueError, match="has not been used yet"):
        _ = layer.scope_name


def test_reuse_of_a_missing_layer_and_a_duplicate_name(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="dense/kernel does not exist"):
        tf.layers.dense(x, 2, reuse=True)
    tf.layers.dense(x, 2, name="d")
    with pytest.raises(ValueError, match="d/kernel already exists"):
        tf.layers.dense(x, 2, name="d")
    with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
        a = tf.layers.Dense(2, name="d")
        a(x)
    with tf.variable_scope("m", reuse=tf.AUTO_REUSE):
        b = tf.layers.Dense(2, name="d")
        b(x)
    assert a.kernel is b.kernel
    assert [v.name for v in tf.global_variables()] == ["d/kernel:0", "d/bias:0", "m/d/kernel:0",
                                                       "m/d/bias:0"]


def test_a_shared_discriminator_gets_the_gradient_of_both_uses(graph):
    real = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
    fake = real[::-1] * 0.5

    def discriminator(x, reuse):
        with tf.variable_scope("D", reuse=reuse):
            return tf.layers.dense(tf.layers.dense(x, 5, tf.nn.tanh), 1)

    two_calls = tf.reduce_sum(discriminator(tf.constant(real), False)) + \
        tf.reduce_sum(discriminator(tf.constant(fake), True))
    one_call = tf.reduce_sum(discriminator(tf.constant(np.concatenate([real, fake])), True))
    variables = tf.trainable_variables()
    assert [v.name for v in variables] == ["D/dense/kernel:0", "D/dense/bias:0",
                                           "D/dense_1/kernel:0", "D/dense_1/bias:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        split, joined = sess.run([tf.gradients(two_calls, variables),
                                  tf.gradients(one_call, variables)])
    for a, b in zip(split, joined):
        np.testing.assert_allclose(a, b, rtol=1e-12)
