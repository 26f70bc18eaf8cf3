"""tf.nn activations on one fixed input, with their gradients through tf.gradients: relu,
relu6, elu, selu, leaky_relu, softplus, softsign, sigmoid, tanh, softmax, log_softmax."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    x = tf.constant(np.linspace(-8.0, 8.0, 12).reshape(3, 4), dtype=tf.float32)
    activations = {
        "relu": tf.nn.relu(x),
        "relu6": tf.nn.relu6(x),
        "elu": tf.nn.elu(x),
        "selu": tf.nn.selu(x),
        "leaky_relu": tf.nn.leaky_relu(x, alpha=0.1),
        "leaky_default": tf.nn.leaky_relu(x),
        "softplus": tf.nn.softplus(x),
        "softsign": tf.nn.softsign(x),
        "sigmoid": tf.nn.sigmoid(x),
        "tanh": tf.nn.tanh(x),
        "softmax": tf.nn.softmax(x),
        "softmax_axis0": tf.nn.softmax(x, axis=0),
        "log_softmax": tf.nn.log_softmax(x),
    }
    weights = tf.constant(np.arange(12.0).reshape(3, 4) / 10.0, dtype=tf.float32)
    grads = {name: tf.gradients(tf.reduce_sum(out * weights), x)[0] for name, out in activations.items()}
    with tf.Session() as sess:
        values, gradients = sess.run([activations, grads])
    return {"values": values, "gradients": gradients}


if __name__ == "__main__":
    print(main())
