"""Basic operations: constants, int16 placeholders fed Python ints, and a constant matmul."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    a = tf.constant(2)
    b = tf.constant(3)
    with tf.Session() as sess:
        const_sum = sess.run(a + b)
        const_product = sess.run(a * b)

    x = tf.placeholder(tf.int16)
    y = tf.placeholder(tf.int16)
    add = tf.add(x, y)
    mul = tf.multiply(x, y)
    with tf.Session() as sess:
        fed_sum = sess.run(add, feed_dict={x: 2, y: 3})
        fed_product = sess.run(mul, feed_dict={x: 2, y: 3})

    matrix1 = tf.constant([[3., 3.]])
    matrix2 = tf.constant([[2.], [2.]])
    product = tf.matmul(matrix1, matrix2)
    with tf.Session() as sess:
        result = sess.run(product)
    return {"const_sum": const_sum, "const_product": const_product, "fed_sum": fed_sum,
            "fed_product": fed_product, "matmul": result, "add_name": add.name, "mul_name": mul.name,
            "product_name": product.name}


if __name__ == "__main__":
    print(main())
