"""TF1 batch-normalization programs written against a module `tf` (TensorFlow's tf.compat.v1 or
graphflow), so one definition records the fixtures in TensorFlow (record_batch_norm.py), checks
graphflow against them (test_batch_norm_recorded.py) and compares live (tests/compat).

Each program returns a dict of numpy values: outputs, gradients, and the variables after a few
training steps with the UPDATE_OPS run alongside the train op.
"""

from __future__ import annotations

import numpy as np


def _data(shape, seed):
    return (np.random.RandomState(seed).randn(*shape) * 1.5 + 0.7).astype(np.float32)


def nn_fused(tf, data_format: str, is_training: bool) -> dict:
    """tf.nn.fused_batch_norm: outputs and the gradients of a weighted sum of y."""
    shape = (3, 4, 5, 2) if data_format == "NHWC" else (3, 2, 4, 5)
    depth = shape[3] if data_format == "NHWC" else shape[1]
    x = tf.constant(_data(shape, 1))
    scale = tf.constant(_data((depth,), 2))
    offset = tf.constant(_data((depth,), 3))
    kwargs = {}
    if not is_training:
        kwargs = {"mean": tf.constant(_data((depth,), 4)),
                  "variance": tf.constant(np.abs(_data((depth,), 5)) + 0.5)}
    y, mean, variance = tf.nn.fused_batch_norm(x, scale, offset, epsilon=1e-3,
                                               data_format=data_format, is_training=is_training,
                                               **kwargs)
    loss = tf.reduce_sum(y * tf.constant(_data(shape, 6)))
    grads = tf.gradients(loss, [x, scale, offset])
    with tf.Session() as sess:
        values = sess.run([y, mean, variance, *grads])
    return dict(zip(["y", "mean", "variance", "dx", "dscale", "doffset"], values))


def layer_training(tf, axis: int, fused, steps: int = 3, rank: int = 4) -> dict:
    """tf.layers.batch_normalization trained for `steps` SGD steps with UPDATE_OPS; the moving
    statistics, gamma and beta after them, and the outputs in training and inference mode."""
    shape = {4: (4, 3, 3, 2), 2: (6, 3)}[rank]
    if rank == 4 and axis == 1:
        shape = (4, 2, 3, 3)
    x = tf.placeholder(tf.float32, [None, *shape[1:]])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, axis=axis, momentum=0.9, training=training, fused=fused,
                                      name="bn")
    loss = tf.reduce_mean(tf.square(y - tf.constant(_data(shape[1:], 7))))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    names = {"bn/gamma:0": "gamma", "bn/beta:0": "beta", "bn/moving_mean:0": "moving_mean",
             "bn/moving_variance:0": "moving_variance"}
    variables = {names[v.name]: v for v in tf.global_variables() if v.name in names}
    out = {}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            batch = _data(shape, 10 + step)
            out[f"y_train{step}"] = sess.run([y, train], {x: batch, training: True})[0]
        out.update(sess.run(variables))
        out["y_infer"] = sess.run(y, {x: _data(shape, 20), training: False})
    out["update_ops"] = np.array(len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)))
    return out


#: name -> (program, args): the recorded cases.
CASES = {
    "nn_nhwc_train": (nn_fused, ("NHWC", True)),
    "nn_nchw_train": (nn_fused, ("NCHW", True)),
    "nn_nhwc_infer": (nn_fused, ("NHWC", False)),
    "nn_nchw_infer": (nn_fused, ("NCHW", False)),
    "layer_nhwc_fused_none": (layer_training, (-1, None)),
    "layer_nhwc_fused_true": (layer_training, (3, True)),
    "layer_nhwc_unfused": (layer_training, (-1, False)),
    "layer_nchw_fused_none": (layer_training, (1, None)),
    "layer_2d": (layer_training, (-1, None, 3, 2)),
}
