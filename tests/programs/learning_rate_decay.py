"""Learning-rate decay driven by a global_step Variable: exponential_decay with staircase,
piecewise_constant and polynomial_decay, minimize(global_step=...) incrementing the step."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-7


def main():
    tf.reset_default_graph()
    global_step = tf.Variable(0, trainable=False)
    starter_learning_rate = 0.1
    learning_rate = tf.train.exponential_decay(starter_learning_rate, global_step, 3, 0.5, staircase=True)
    smooth_rate = tf.train.exponential_decay(starter_learning_rate, global_step, 4, 0.9)
    piecewise = tf.train.piecewise_constant(global_step, [2, 5], [1.0, 0.5, 0.1])
    polynomial = tf.train.polynomial_decay(0.1, global_step, 8, end_learning_rate=0.01, power=2.0)
    w = tf.Variable(5.0, name="w")
    loss = tf.square(w - 1.0)
    train = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, global_step=global_step)

    rows = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(8):
            rows.append(sess.run([learning_rate, smooth_rate, piecewise, polynomial]))
            sess.run(train)
        final_w, step = sess.run([w, global_step])
    return {"rates": np.array(rows), "w": final_w, "step": step,
            "step_dtype": global_step.dtype.base_dtype.name,
            "rate_dtype": learning_rate.dtype.name}


if __name__ == "__main__":
    print(main())
