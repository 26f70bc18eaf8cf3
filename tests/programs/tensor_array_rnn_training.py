"""A hand-written Elman RNN in the TF1 idiom that predates tf.nn.dynamic_rnn: inputs unstacked
into a TensorArray, a tf.while_loop writing each step's hidden state into another, the stacked
states fed to a linear readout, trained by gradient descent through the loop (gradients w.r.t.
the variables the body captures)."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(0)
    steps, features, units = 5, 3, 4
    sequence = rng.uniform(-1, 1, size=(steps, features)).astype(np.float32)
    target = np.cumsum(sequence[:, :1], axis=0).astype(np.float32)

    x = tf.placeholder(tf.float32, [steps, features], name="x")
    y = tf.placeholder(tf.float32, [steps, 1], name="y")
    w_in = tf.Variable(rng.normal(0, 0.5, (features, units)).astype(np.float32), name="w_in")
    w_rec = tf.Variable(rng.normal(0, 0.5, (units, units)).astype(np.float32), name="w_rec")
    w_out = tf.Variable(rng.normal(0, 0.5, (units, 1)).astype(np.float32), name="w_out")

    inputs = tf.TensorArray(tf.float32, size=steps).unstack(x)
    states = tf.TensorArray(tf.float32, size=steps)

    def body(t, h, states):
        x_t = tf.reshape(inputs.read(t), [1, features])
        h = tf.tanh(tf.matmul(x_t, w_in) + tf.matmul(h, w_rec))
        return t + 1, h, states.write(t, tf.reshape(h, [units]))

    _, last, states = tf.while_loop(lambda t, h, s: t < steps, body,
                                    [tf.constant(0), tf.zeros([1, units]), states])
    hidden = states.stack()
    prediction = tf.matmul(hidden, w_out)
    loss = tf.reduce_mean(tf.square(prediction - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    grads = tf.gradients(loss, [w_in, w_rec])

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first_grads = sess.run(grads, {x: sequence, y: target})
        for _ in range(15):
            value, _ = sess.run([loss, train], {x: sequence, y: target})
            losses.append(value)
        final = sess.run({"prediction": prediction, "last": last, "w_rec": w_rec},
                         {x: sequence, y: target})
    return {"losses": np.array(losses), "grad_w_in": first_grads[0], "grad_w_rec": first_grads[1],
            "hidden_shape": str(hidden.shape), **final}


if __name__ == "__main__":
    print(main())
