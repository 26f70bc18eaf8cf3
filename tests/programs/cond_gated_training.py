"""A training step gated by tf.cond: a fed flag picks a warm-up loss (mean absolute error) or
the main loss (mean squared error); the gradients follow the taken branch only. A side counter
is incremented inside one branch only."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(3)
    xs = rng.randn(32, 4).astype(np.float32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5], [0.3]], np.float32) + 0.1).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    warmup = tf.placeholder(tf.bool, [], name="warmup")
    w = tf.Variable(np.zeros((4, 1), np.float32), name="w")
    b = tf.Variable(np.zeros((1,), np.float32), name="b")
    warm_steps = tf.Variable(0, name="warm_steps")
    pred = tf.matmul(x, w) + b

    def warm_loss():
        with tf.control_dependencies([tf.assign_add(warm_steps, 1)]):
            return tf.reduce_mean(tf.abs(pred - y))

    loss = tf.cond(warmup, warm_loss, lambda: tf.reduce_mean(tf.square(pred - y)))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(30):
            value, _ = sess.run([loss, train], {x: xs, y: ys, warmup: step < 5})
            losses.append(float(value))
        weights, bias, warm = sess.run([w, b, warm_steps])
    return {"losses": losses, "w": weights, "b": bias, "warm_steps": int(warm),
            "loss_name_scope": loss.name.split("/")[0]}


if __name__ == "__main__":
    print(main())
