"""tf.layers classes: a layer object builds its variables once and reuses them on every call,
exposes them (`kernel`, `variables`, ...), tracks its losses and updates, and can be
subclassed. Names and values against TF1 behaviour recorded from TensorFlow and numpy."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(5)


def test_dense_object_called_twice_computes_with_the_same_variables(graph):
    a, b = RNG.normal(size=(4, 3)), RNG.normal(size=(2, 3))
    layer = tf.layers.Dense(2, activation="relu")
    ya, yb = layer(tf.constant(a)), layer(tf.constant(b))
    assert layer.built and layer.dtype == "float64"
    assert [v.name for v in tf.global_variables()] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.variables == [layer.kernel, layer.bias] == layer.trainable_variables
    assert layer.count_params() == 3 * 2 + 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w, bias, got_a, got_b = sess.run([layer.kernel, layer.bias, ya, yb])
    np.testing.assert_allclose(got_a, np.maximum(a @ w + bias, 0), rtol=1e-12)
    np.testing.assert_allclose(got_b, np.maximum(b @ w + bias, 0), rtol=1e-12)


def test_conv2d_object_matches_tf_nn_and_reuses(graph):
    x = RNG.normal(size=(2, 6, 6, 3))
    conv = tf.layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False)
    y1, y2 = conv(tf.constant(x)), conv(tf.constant(x[:1]))
    assert conv.bias is None and [v.name for v in conv.variables] == ["conv2d/kernel:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k = sess.run(conv.kernel)
        expected = sess.run(tf.nn.conv2d(tf.constant(x), k, 2, "SAME"))
        got1, got2 = sess.run([y1, y2])
    np.testing.assert_allclose(got1, expected, rtol=1e-12)
    np.testing.assert_allclose(got2, expected[:1], rtol=1e-12)


def test_regularizers_go_to_the_layer_and_the_collection(graph):
    x = np.arange(12.0).reshape(4, 3)
    layer = tf.layers.Dense(2, kernel_initializer=tf.ones_initializer(),
                            kernel_regularizer=lambda w: tf.reduce_sum(w),
                            activity_regularizer=lambda t: tf.reduce_sum(t * t))
    y = layer(tf.constant(x, tf.float32))
    collection = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    # Recorded from TF: the kernel's penalty, then the activity's divided by the batch size.
    assert [t.name for t in collection] == ["dense/kernel/Regularizer/Sum:0",
                                            "dense/ActivityRegularizer/truediv:0"]
    assert {id(t) for t in layer.losses} == {id(t) for t in collection}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_y, (kernel_loss, activity_loss) = sess.run([y, collection])
    assert kernel_loss == 6.0
    np.testing.assert_allclose(activity_loss, (got_y ** 2).sum() / 4, rtol=1e-6)
    assert activity_loss == pytest.approx(747.0)  # TF's value for these inputs


def test_non_trainable_layer_keeps_its_variables_out_of_training(graph):
    frozen = tf.layers.Dense(2, trainable=False)
    frozen(tf.ones([2, 3]))
    assert tf.trainable_variables() == [] and frozen.trainable_variables == []
    assert [v.name for v in frozen.non_trainable_variables] == ["dense/kernel:0",
                                                                "dense/bias:0"]


class Scale(tf.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight("w", [int(input_shape[-1])],
                                 initializer=tf.constant_initializer(2.0))
        super().build(input_shape)

    def call(self, inputs):
        return inputs * self.w


def test_a_user_layer_subclass(graph):
    x = tf.constant(np.arange(6.0).reshape(2, 3), tf.float32)
    scale = Scale()
    y = scale(x)
    # Recorded from TF: a subclass is named after its class in snake case.
    assert (scale.name, y.name, scale.scope_name) == ("scale_1", "scale/mul:0", "scale")
    assert [v.name for v in scale.variables] == ["scale/w:0"] and scale.dtype == "float32"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), 2 * np.arange(6.0).reshape(2, 3))


def test_batch_normalization_object_collects_its_updates(graph):
    data = RNG.normal(size=(8, 3)) * 2 + 1
    x = tf.placeholder(tf.float64, [None, 3])
    bn = tf.layers.BatchNormalization(momentum=0.5)
    train_out, test_out = bn(x, training=True), bn(x, training=False)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == bn.updates and len(bn.updates) == 2
    assert [v.name for v in bn.non_trainable_variables] == [
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, *_ = sess.run([train_out, *bn.updates], {x: data})
        inference = sess.run(test_out, {x: data})
    np.testing.assert_allclose(got, (data - data.mean(0)) / np.sqrt(data.var(0) + 1e-3),
                               rtol=1e-10)
    mean, var = 0.5 * data.mean(0), 0.5 + 0.5 * data.var(0)
    np.testing.assert_allclose(inference, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-10)


def test_pooling_flatten_and_dropout_objects(graph):
    x = RNG.normal(size=(2, 4, 4, 3))
    pooled = tf.layers.MaxPooling2D(2, 2)(tf.constant(x))
    averaged = tf.layers.AveragePooling2D(2, 2)(tf.constant(x))
    flat = tf.layers.Flatten()(pooled)
    kept = tf.layers.Dropout(0.9)(flat)
    with tf.Session() as sess:
        got_max, got_avg, got_flat, got_kept = sess.run([pooled, averaged, flat, kept])
    windows = x.reshape(2, 2, 2, 2, 2, 3)
    np.testing.assert_array_equal(got_max, windows.max(axis=(2, 4)))
    np.testing.assert_allclose(got_avg, windows.mean(axis=(2, 4)), rtol=1e-12)
    np.testing.assert_array_equal(got_flat, got_max.reshape(2, 12))
    np.testing.assert_array_equal(got_kept, got_flat)


def test_unknown_arguments_and_inputs_without_a_last_dimension(graph):
    with pytest.raises(TypeError, match="unknown keyword arguments"):
        tf.layers.Dense(2, kernel_size=3)
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense`"):
        tf.layers.Dense(2)(tf.placeholder(tf.float32, [None, None]))


def _conv1d_reference(x, kernel, stride, dilation, padding):
    """Cross-correlation over the width of x [n, w, c] with kernel [k, c, f], TF's padding."""
    width, span = x.shape[1], (kernel.shape[0] - 1) * dilation + 1
    if padding == "same":
        out = -(-width // stride)
        total = max((out - 1) * stride + span - width, 0)
        x = np.pad(x, [(0, 0), (total // 2, total - total // 2), (0, 0)])
    else:
        out = (width - span) // stride + 1
    taps = [x[:, i * stride + np.arange(kernel.shape[0]) * dilation] for i in range(out)]
    return np.stack([np.einsum("nkc,kcf->nf", t, kernel) for t in taps], axis=1)


@pytest.mark.parametrize("stride,dilation,padding", [(2, 1, "same"), (1, 2, "valid")])
def test_conv1d_layer_and_nn_conv1d_match_the_reference(graph, stride, dilation, padding):
    x = RNG.normal(size=(2, 9, 3))
    layer = tf.layers.Conv1D(4, 3, strides=stride, dilation_rate=dilation, padding=padding,
                             bias_initializer=tf.constant_initializer(0.5))
    y = layer(tf.constant(x))
    assert [v.name for v in layer.variables] == ["conv1d/kernel:0", "conv1d/bias:0"]
    assert y.name == "conv1d/BiasAdd:0"  # TF's name
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel = sess.run(layer.kernel)
        got, plain = sess.run([y, tf.nn.conv1d(x, kernel, stride, padding.upper(),
                                                dilations=dilation)])
    expected = _conv1d_reference(x, kernel, stride, dilation, padding)
    np.testing.assert_allclose(got, expected + 0.5, rtol=1e-10)
    np.testing.assert_allclose(plain, expected, rtol=1e-10)


def test_channels_first_conv1d_and_1d_pooling(graph):
    x = RNG.normal(size=(2, 8, 3))
    first = tf.layers.conv1d(tf.constant(x.transpose(0, 2, 1)), 2, 3, use_bias=False,
                             data_format="channels_first")
    pooled = tf.layers.max_pooling1d(tf.constant(x), 2, 2)
    averaged = tf.layers.AveragePooling1D(3, 2, padding="same")(tf.constant(x))
    assert (pooled.name, averaged.name) == ("max_pooling1d/Squeeze:0",
                                            "average_pooling1d/Squeeze:0")  # TF's names
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, got_first, got_max, got_avg = sess.run(["conv1d/kernel:0", first, pooled,
                                                        averaged])
    np.testing.assert_allclose(got_first, _conv1d_reference(x, kernel, 1, 1, "valid")
                               .transpose(0, 2, 1), rtol=1e-10)
    np.testing.assert_array_equal(got_max, x.reshape(2, 4, 2, 3).max(axis=2))
    padded_windows = [x[:, 2 * i:2 * i + 3] for i in range(4)]  # SAME pads 0 before, 1 after
    np.testing.assert_allclose(got_avg, np.stack([w.mean(axis=1) for w in padded_windows], 1),
                               rtol=1e-12)


class Shift(tf.layers.Layer):
    def build(self, input_shape):
        self.offset = self.add_variable("offset", [], initializer=tf.ones_initializer())
        super().build(input_shape)

    def call(self, inputs, scope=None):
        self.seen_scope = scope.name
        return inputs + self.offset


def test_call_gets_its_scope_and_only_the_arguments_it_takes(graph):
    shift = Shift(name="shift")
    y = shift(tf.constant([1.0, 2.0]), training=True)  # dropped, as TF1
    assert shift.seen_scope == "shift" and y.name == "shift/add:0"  # TF's names
    dense_out = tf.layers.Dense(1)(tf.ones([1, 2]), training=False)
    assert dense_out.shape.as_list() == [1, 1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y), [2.0, 3.0])


def test_keras_model_arguments_are_accepted_and_weights_are_not(graph):
    layer = tf.layers.Dense(2, input_shape=(3,))
    assert layer(tf.ones([1, 3])).shape.as_list() == [1, 2]
    with pytest.raises(TypeError, match=r"unknown keyword arguments \['weights'\]"):
        tf.layers.Dense(2, weights=[np.ones((3, 2))])
