"""tf.nn.conv2d_transpose with an explicit output_shape (a decoder's upsampling), strided
conv2d with VALID padding, avg_pool, and the gradients of all three."""


from tests.programs._data import normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-5


def main():
    tf.reset_default_graph()
    x = tf.constant(normal([2, 4, 4, 3], 141, 1.0))
    kernel = tf.Variable(normal([3, 3, 5, 3], 142, 0.3))
    down_kernel = tf.Variable(normal([2, 2, 5, 4], 143, 0.3))
    up = tf.nn.conv2d_transpose(x, kernel, output_shape=[2, 8, 8, 5], strides=[1, 2, 2, 1], padding='SAME')
    down = tf.nn.conv2d(up, down_kernel, strides=[1, 2, 2, 1], padding='VALID')
    pooled = tf.nn.avg_pool(down, ksize=[1, 2, 2, 1], strides=[1, 1, 1, 1], padding='SAME')
    loss = tf.reduce_sum(tf.square(pooled))
    grads = tf.gradients(loss, [x, kernel, down_kernel])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        up_value, pooled_value, grad_values = sess.run([up, pooled, grads])
    return {"up": up_value, "pooled": pooled_value, "grads": grad_values,
            "shapes": [t.get_shape().as_list() for t in (up, down, pooled)]}


if __name__ == "__main__":
    print(main())
