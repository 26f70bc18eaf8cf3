"""The error classes TF1 programs catch or trip over: an unfed placeholder, a feed of the wrong
shape, an uninitialized variable, an out-of-range gather index, a build-time shape mismatch, a
fetch of an unknown name, and the session still usable after each."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def error_name(fn):
    try:
        fn()
    except Exception as error:  # the class name is the result compared with TensorFlow's
        return type(error).__name__
    return "no error"


def main():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones([3, 2], np.float32), name="w")
    y = tf.matmul(x, w)
    table = tf.constant([1.0, 2.0, 3.0])
    index = tf.placeholder(tf.int32, [])
    picked = tf.gather(table, index)
    doubled = x * 2.0
    sess = tf.Session()
    errors = {
        "unfed_placeholder": error_name(lambda: sess.run(doubled)),
        "uninitialized": error_name(lambda: sess.run(y, {x: np.ones([1, 3])})),
        "wrong_feed_shape": error_name(lambda: sess.run(x, {x: np.ones([2, 4])})),
        "gather_out_of_range": error_name(lambda: sess.run(picked, {index: 7})),
        "unknown_name": error_name(lambda: sess.run("nothing:0")),
        "build_shape_mismatch": error_name(lambda: tf.matmul(tf.ones([2, 3]), tf.ones([4, 5]))),
        "is_op_error": issubclass(tf.errors.InvalidArgumentError, tf.errors.OpError),
    }
    sess.run(tf.global_variables_initializer())
    after = sess.run(y, {x: [[1.0, 2.0, 3.0]]})
    good = sess.run(picked, {index: 2})
    sess.close()
    closed = error_name(lambda: sess.run(table))
    return {"errors": errors, "after": after, "good": good, "closed": closed}


if __name__ == "__main__":
    print(main())
