"""tf.gradients as tutorials use it: several xs at once, grad_ys, stop_gradient, None for an
unconnected variable, gradients of gradients, and a hand-written gradient-descent update with
tf.assign."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    x = tf.Variable([1.0, 2.0, 3.0], name="x")
    y = tf.Variable(0.5, name="y")
    unused = tf.Variable(1.0, name="unused")
    f = tf.reduce_sum(tf.square(x) * y) + tf.sin(y)
    dx, dy, dunused = tf.gradients(f, [x, y, unused])
    weighted = tf.gradients(tf.square(x), x, grad_ys=tf.constant([1.0, 0.0, -1.0]))[0]
    stopped = tf.gradients(x * tf.stop_gradient(x), x)[0]
    second = tf.gradients(tf.gradients(tf.pow(y, 3.0), y)[0], y)[0]
    step = tf.assign(x, x - 0.1 * dx)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run({"dx": dx, "dy": dy, "weighted": weighted, "stopped": stopped, "second": second})
        trajectory = [sess.run(step) for _ in range(3)]
    values["unconnected_is_none"] = dunused is None
    values["trajectory"] = np.array(trajectory)
    return values


if __name__ == "__main__":
    print(main())
