"""TensorArrays over a fed sequence of unknown length: an exponential moving average written
step by step in a tf.while_loop into a dynamic_size array, row normalization with tf.map_fn,
a running maximum with tf.scan, a total with tf.foldl, and the zeros an unwritten slot of a
fixed-shape array reads as."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    data = np.random.RandomState(3).uniform(-1, 1, size=(6, 4)).astype(np.float32)
    seq = tf.placeholder(tf.float32, [None, 4], name="seq")
    steps = tf.shape(seq)[0]
    inputs = tf.TensorArray(tf.float32, size=steps).unstack(seq)
    outputs = tf.TensorArray(tf.float32, size=0, dynamic_size=True)

    def cond(t, state, out):
        return t < steps

    def body(t, state, out):
        x = inputs.read(t)
        state = 0.8 * state + 0.2 * x
        return t + 1, state, out.write(t, state)

    _, final, outputs = tf.while_loop(cond, body, [tf.constant(0), tf.zeros([4]), outputs])
    ema = outputs.stack()
    normalized = tf.map_fn(lambda row: row / tf.sqrt(tf.reduce_sum(row * row) + 1e-3), seq)
    running_max = tf.scan(tf.maximum, seq)
    total = tf.foldl(lambda acc, row: acc + tf.reduce_sum(row), seq, initializer=tf.constant(0.0))
    fixed = tf.TensorArray(tf.float32, 3, element_shape=[4]).write(1, seq[0] * 2.0)
    with tf.Session() as sess:
        results = sess.run({"ema": ema, "final": final, "normalized": normalized,
                            "running_max": running_max, "total": total, "fixed": fixed.stack(),
                            "size": outputs.size()}, feed_dict={seq: data})
        short = sess.run(ema, feed_dict={seq: data[:2]})
    results["short_ema"] = short
    results["static_shapes"] = [str(t.shape) for t in (ema, normalized, running_max, total)]
    return results


if __name__ == "__main__":
    print(main())
