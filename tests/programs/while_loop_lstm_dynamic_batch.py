"""A hand-written LSTM in the TF1 idiom of tutorials that predate tf.nn.dynamic_rnn's wide use:
the batch left open, the initial state built as `tf.zeros(tf.stack([batch, units]))` (TF1 infers
[?, units] from it), a `tf.while_loop` with shape invariants over time-major inputs read from a
TensorArray, one fused kernel for the four gates, and a few gradient steps. Run on two batch
sizes; the static shapes are part of the result."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(3)
    steps, features, units = 6, 3, 5
    x = tf.placeholder(tf.float32, [None, steps, features], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    kernel = tf.Variable(rng.normal(0, 0.4, (features + units, 4 * units)).astype(np.float32),
                         name="kernel")
    bias = tf.Variable(np.zeros(4 * units, np.float32), name="bias")
    w_out = tf.Variable(rng.normal(0, 0.4, (units, 1)).astype(np.float32), name="w_out")

    batch = tf.shape(x)[0]
    zeros = tf.zeros(tf.stack([batch, units]))
    inputs = tf.TensorArray(tf.float32, size=steps).unstack(tf.transpose(x, [1, 0, 2]))

    def body(t, c, h):
        gates = tf.matmul(tf.concat([inputs.read(t), h], 1), kernel) + bias
        i, j, f, o = tf.split(gates, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
        return t + 1, c, tf.sigmoid(o) * tf.tanh(c)

    _, c, h = tf.while_loop(
        lambda t, c, h: t < steps, body, [tf.constant(0), zeros, zeros],
        shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, units]),
                          tf.TensorShape([None, units])])
    prediction = tf.matmul(h, w_out)
    loss = tf.reduce_mean(tf.square(prediction - y))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)

    data = rng.uniform(-1, 1, (8, steps, features)).astype(np.float32)
    target = np.sum(data[:, :, :1], axis=1)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(12):
            value, _ = sess.run([loss, train], {x: data, y: target})
            losses.append(value)
        small = sess.run({"c": c, "h": h}, {x: data[:3]})
        final = sess.run({"prediction": prediction, "kernel": kernel}, {x: data})
    return {"losses": np.array(losses), "small_c": small["c"], "small_h": small["h"], **final,
            "zeros_shape": str(zeros.shape), "h_shape": str(h.shape),
            "prediction_shape": str(prediction.shape)}


if __name__ == "__main__":
    print(main())
