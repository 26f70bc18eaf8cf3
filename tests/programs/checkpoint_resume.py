"""Resume-or-initialize, the checkpoint idiom of many tutorials: get_checkpoint_state on a
folder, checkpoint_exists, restore when found else initialize, global_step passed to
minimize and to saver.save, run twice as two separate "processes" (fresh graphs)."""

import os
import tempfile

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def session_run(folder, images, labels, steps):
    tf.reset_default_graph()
    global_step = tf.Variable(0, trainable=False, name="global_step")
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.float32, [None, 10])
    W1 = tf.Variable(normal([64, 12], 231, 0.3))
    L1 = tf.nn.relu(tf.matmul(X, W1))
    W2 = tf.Variable(normal([12, 10], 232, 0.3))
    model = tf.matmul(L1, W2)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=model))
    optimizer = tf.train.AdamOptimizer(0.01)
    train_op = optimizer.minimize(cost, global_step=global_step)
    sess = tf.Session()
    saver = tf.train.Saver(tf.global_variables())
    ckpt = tf.train.get_checkpoint_state(folder)
    if ckpt and tf.train.checkpoint_exists(ckpt.model_checkpoint_path):
        saver.restore(sess, ckpt.model_checkpoint_path)
        resumed = True
    else:
        sess.run(tf.global_variables_initializer())
        resumed = False
    log = []
    for _ in range(steps):
        sess.run(train_op, feed_dict={X: images, Y: labels})
        log.append([sess.run(global_step), sess.run(cost, feed_dict={X: images, Y: labels})])
    saver.save(sess, os.path.join(folder, "dnn.ckpt"), global_step=global_step)
    prediction = sess.run(tf.argmax(model, 1), feed_dict={X: images[:8]})
    sess.close()
    return resumed, np.array(log, dtype=np.float64), prediction


def main():
    images, _, labels = digits(100)
    with tempfile.TemporaryDirectory() as folder:
        first = session_run(folder, images, labels, 3)
        second = session_run(folder, images, labels, 3)
        files = sorted(name for name in os.listdir(folder) if name == "checkpoint")
    return {"first": list(first), "second": list(second), "files": files}


if __name__ == "__main__":
    print(main())
