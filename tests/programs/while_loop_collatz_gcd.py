"""Integer while_loops as TF1 tutorials write them: Collatz step counts (a tf.cond inside the
body) for fed starting values, Euclid's GCD on a vector of pairs, and a bounded loop
(maximum_iterations) that stops before its condition does."""

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def main():
    tf.reset_default_graph()
    start = tf.placeholder(tf.int64, [], name="start")

    def collatz_body(x, steps):
        x = tf.cond(tf.equal(x % 2, 0), lambda: x // 2, lambda: 3 * x + 1)
        return x, steps + 1

    _, steps = tf.while_loop(lambda x, k: x > 1, collatz_body, [start, tf.constant(0)])

    a0 = tf.constant([48, 17, 270, 1071], tf.int32)
    b0 = tf.constant([18, 5, 192, 462], tf.int32)

    def gcd_body(a, b):
        nonzero = b > 0
        safe_b = tf.where(nonzero, b, tf.ones_like(b))
        return tf.where(nonzero, b, a), tf.where(nonzero, a % safe_b, b)

    gcd, _ = tf.while_loop(lambda a, b: tf.reduce_any(b > 0), gcd_body, [a0, b0])
    bounded = tf.while_loop(lambda i: i < 1000, lambda i: i * 2 + 1, [tf.constant(1)],
                            maximum_iterations=5)
    with tf.Session() as sess:
        counts = [int(sess.run(steps, {start: s})) for s in (1, 6, 7, 27, 97)]
        return {"collatz_steps": counts, "gcd": sess.run(gcd).tolist(),
                "bounded": int(sess.run(bounded))}


if __name__ == "__main__":
    print(main())
