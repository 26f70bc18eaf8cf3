"""compute_gradients / clip_by_global_norm / apply_gradients, the gradient-clipping idiom of
recurrent-network tutorials, with clip_by_value and clip_by_norm on the side."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    images, _, labels = digits(64)
    x = tf.placeholder(tf.float32, [None, 64])
    y = tf.placeholder(tf.float32, [None, 10])
    W1 = tf.Variable(normal([64, 16], 101, 0.5))
    W2 = tf.Variable(normal([16, 10], 102, 0.5))
    logits = tf.matmul(tf.tanh(tf.matmul(x, W1)), W2)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    optimizer = tf.train.GradientDescentOptimizer(1.0)
    tvars = tf.trainable_variables()
    grads, global_norm = tf.clip_by_global_norm(tf.gradients(loss, tvars), 0.5)
    train_op = optimizer.apply_gradients(zip(grads, tvars))
    grads_and_vars = optimizer.compute_gradients(loss)
    clipped_values = [tf.clip_by_value(g, -0.01, 0.01) for g, _ in grads_and_vars]
    clipped_norms = [tf.clip_by_norm(g, 0.1) for g, _ in grads_and_vars]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        norms = []
        for _ in range(5):
            _, norm, value = sess.run([train_op, global_norm, loss], {x: images, y: labels})
            norms.append([norm, value])
        by_value, by_norm = sess.run([clipped_values, clipped_norms], {x: images, y: labels})
    return {"norms": np.array(norms), "by_value_W2": by_value[1], "by_norm_norms":
            [float(np.linalg.norm(g)) for g in by_norm], "pairs": len(grads_and_vars)}


if __name__ == "__main__":
    print(main())
