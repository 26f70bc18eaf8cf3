"""exp(x) by its power series in a tf.while_loop (term *= x / k), with gradients through the
loop with respect to the input and to a variable read inside it, and training that variable
so that the scaled series fits a target; plus a loop whose vector grows (shape_invariants)."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-7


def main():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [3], name="x")
    scale = tf.Variable(0.5, name="scale")

    def body(k, term, total):
        k1 = k + 1
        return k1, term * x / tf.cast(k1, tf.float32), total + term * scale

    _, _, series = tf.while_loop(lambda k, t, s: k < 12, body,
                                 [tf.constant(0), tf.ones([3]), tf.zeros([3])])
    target = tf.constant([2.0, 5.0, 0.5])
    loss = tf.reduce_sum(tf.square(series - target))
    dx, dscale = tf.gradients(loss, [x, scale])
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    doubled = tf.while_loop(lambda v: tf.size(v) < 10, lambda v: tf.concat([v, v * 2.0], 0),
                            [tf.constant([1.0])], shape_invariants=[tf.TensorShape([None])])
    xv = np.array([0.5, -1.0, 1.2], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run({"series": series, "dx": dx, "dscale": dscale}, {x: xv})
        for _ in range(40):
            sess.run(train, {x: xv})
        trained = sess.run([scale, loss], {x: xv})
        return {"first": first, "trained_scale": trained[0], "trained_loss": trained[1],
                "doubled": sess.run(doubled).tolist()}


if __name__ == "__main__":
    print(main())
