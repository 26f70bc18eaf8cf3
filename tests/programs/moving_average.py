"""tf.train.ExponentialMovingAverage as training scripts use it: apply() after the optimizer
under control_dependencies, average() and average_name(), num_updates capping the decay, and
variables_to_restore() mapping for evaluation."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    w = tf.Variable(np.array([1.0, -2.0], np.float32), name="w")
    b = tf.Variable(0.5, name="b")
    loss = tf.reduce_sum(tf.square(w - 3.0)) + tf.square(b)
    global_step = tf.Variable(0, trainable=False, name="global_step")
    opt_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)
    ema = tf.train.ExponentialMovingAverage(decay=0.9, num_updates=global_step)
    with tf.control_dependencies([opt_op]):
        training_op = ema.apply([w, b])
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(training_op)
            history.append(sess.run(ema.average(w)))
        shadow_b = sess.run(ema.average(b))
    restore_map = ema.variables_to_restore()
    return {"history": np.array(history), "shadow_b": shadow_b, "average_name": ema.average_name(w),
            "shadow_name": ema.average(w).name, "restore_keys": sorted(restore_map),
            "restore_values": [restore_map[k].name for k in sorted(restore_map)],
            "moving_average_variables": [v.name for v in
                                         tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)]}


if __name__ == "__main__":
    print(main())
