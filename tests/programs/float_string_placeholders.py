"""Placeholders declared with dtype strings ("float", "int32") and fed nested Python lists."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 1e-7


def main():
    tf.reset_default_graph()
    x = tf.placeholder("float", [None, 3], name="x")
    n = tf.placeholder("int32", name="n")
    scale = tf.placeholder("float", name="scale")
    row_sums = tf.reduce_sum(x, reduction_indices=1)
    scaled = x * scale
    count = n * 2
    mean = tf.reduce_mean(x)
    with tf.Session() as sess:
        sums, scaled_value, count_value, mean_value = sess.run(
            [row_sums, scaled, count, mean],
            feed_dict={x: [[1, 2, 3], [4.5, 5, 6]], n: 7, scale: 0.5})
    return {"row_sums": sums, "scaled": scaled_value, "count": count_value, "mean": mean_value,
            "x_dtype": x.dtype.name, "n_dtype": n.dtype.name, "x_shape": str(x.get_shape())}


if __name__ == "__main__":
    print(main())
