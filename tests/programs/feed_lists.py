"""feed_dict values as Python lists, nested lists, scalars and booleans, and fetch structures
(lists, tuples, dicts, nested) returned in the user's structure."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 1e-7


def main():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 2])
    ids = tf.placeholder(tf.int32, [None])
    flag = tf.placeholder(tf.bool, [])
    k = tf.placeholder(tf.float32, [])
    doubled = x * 2.0
    total = tf.reduce_sum(ids)
    chosen = tf.where(flag, tf.ones([2]), tf.zeros([2]))
    scaled = k * tf.reduce_sum(x, axis=0)
    feed = {x: [[1, 2], [3, 4], [5, 6]], ids: [3, 1, 4, 1, 5], flag: True, k: 3}
    with tf.Session() as sess:
        as_list = sess.run([doubled, total], feed_dict=feed)
        as_tuple = sess.run((total, chosen), feed_dict=feed)
        as_dict = sess.run({"chosen": chosen, "pair": [total, scaled]}, feed_dict=feed)
        single = sess.run(scaled, feed_dict=feed)
        ints_for_floats = sess.run(doubled, feed_dict={x: [[1, 1]]})
    return {"as_list": as_list, "as_tuple": list(as_tuple), "tuple_type": type(as_tuple).__name__,
            "as_dict": as_dict, "single": single, "ints_for_floats": ints_for_floats}


if __name__ == "__main__":
    print(main())
