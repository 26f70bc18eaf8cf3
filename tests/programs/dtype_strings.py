"""Dtypes spelled as strings, as much public TF1 code does: placeholders of "float" and "int32",
tf.cast(x, "float"), Variables and zeros with dtype="float64"/"int64", as_dtype and comparisons."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    x = tf.placeholder("float", [2])
    n = tf.placeholder("int32", [2])
    as_float = tf.cast(n, "float")
    as_double = tf.cast(x, "float64")
    v = tf.Variable([1, 2], dtype="float64")
    z = tf.zeros([2], "int64")
    ones = tf.ones([2], dtype="float32")
    total = x + as_float
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([total, as_double + v, z, ones], {x: [0.5, 1.5], n: [3, 4]})
    return {"values": values,
            "dtypes": [t.dtype.name for t in (x, n, as_float, as_double, z, ones, total)],
            "variable": v.dtype.base_dtype.name,
            "as_dtype": [tf.as_dtype("float").name, tf.as_dtype("double").name, tf.as_dtype("int64").name],
            "float_is_float32": tf.as_dtype("float") == tf.float32}


if __name__ == "__main__":
    print(main())
