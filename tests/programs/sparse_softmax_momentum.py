"""A softmax classifier with integer labels and sparse_softmax_cross_entropy_with_logits,
MomentumOptimizer, logits through bias_add, and name_scopes that name every op."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def main():
    tf.reset_default_graph()
    images, labels, _ = digits(160)
    x = tf.placeholder(tf.float32, [None, 64], name="images")
    y = tf.placeholder(tf.int64, [None], name="labels")
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(normal([64, 10], 161, 0.05), name="weights")
        biases = tf.Variable(tf.zeros([10]), name="biases")
        logits = tf.nn.bias_add(tf.matmul(x, weights), biases)
    with tf.name_scope("loss"):
        cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits,
                                                                       name="xentropy")
        loss = tf.reduce_mean(cross_entropy, name="xentropy_mean")
    with tf.name_scope("accuracy"):
        correct = tf.equal(tf.argmax(logits, 1), y)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train_op = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=global_step)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _epoch in range(3):
            for start in range(0, 160, 40):
                feed = {x: images[start:start + 40], y: labels[start:start + 40]}
                _, loss_value = sess.run([train_op, loss], feed_dict=feed)
            history.append([loss_value, sess.run(accuracy, {x: images, y: labels})])
        step = sess.run(global_step)
    return {"history": np.array(history), "step": step,
            "names": [weights.name, logits.name, cross_entropy.name, loss.name, accuracy.name]}


if __name__ == "__main__":
    print(main())
