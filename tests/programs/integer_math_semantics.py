"""TF1's arithmetic corner cases: / on ints (truediv to float64), // and floormod with negative
operands, tf.div and tf.truediv, tf.pow on ints, round half to even, sign, maximum / minimum
broadcasting, squared_difference, and comparison ops feeding tf.where."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    a = tf.constant([7, -7, 6, -1])
    b = tf.constant([2, 2, -4, 3])
    f = tf.constant([0.5, 1.5, 2.5, -2.5])
    ops = {
        "truediv_ints": a / b,
        "floordiv": a // b,
        "floormod": a % b,
        "mod": tf.mod(a, b),
        "truediv": tf.truediv(a, b),
        "pow_int": tf.pow(a, 2),
        "round": tf.round(f),
        "sign": tf.sign(a),
        "maximum": tf.maximum(a, tf.constant([[0], [5]])),
        "minimum": tf.minimum(f, 1.0),
        "squared_difference": tf.squared_difference(f, 1.0),
        "where": tf.where(tf.greater(a, 0), a, -a),
        "less_equal": tf.less_equal(a, b),
        "not_equal": tf.not_equal(a, 7),
        "negative_scalar": -f * 2,
        "reverse_sub": 1.0 - f,
        "abs": tf.abs(a),
    }
    with tf.Session() as sess:
        values = sess.run(ops)
    return {"values": values, "dtypes": {k: v.dtype.name for k, v in ops.items()}}


if __name__ == "__main__":
    print(main())
