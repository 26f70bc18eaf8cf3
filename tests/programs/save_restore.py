"""Save and restore as the tutorial does: train, saver.save to a path, then in a new session
saver.restore and keep training; also restore into a rebuilt graph and find the checkpoint
with tf.train.latest_checkpoint."""

import os
import tempfile

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def build(images_dim=64):
    x = tf.placeholder("float", [None, images_dim], name="x")
    y = tf.placeholder("float", [None, 10], name="y")
    W = tf.Variable(normal([images_dim, 10], 51), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    logits = tf.matmul(x, W) + b
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=y), name="cost")
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(cost, global_step=global_step)
    return x, y, W, cost, global_step, train


def main():
    images, _, labels = digits(100)
    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, "model.ckpt")
        tf.reset_default_graph()
        x, y, W, cost, global_step, train = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(5):
                sess.run(train, feed_dict={x: images, y: labels})
            saved_cost = sess.run(cost, feed_dict={x: images, y: labels})
            save_path = saver.save(sess, model_path, global_step=global_step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            fresh_cost = sess.run(cost, feed_dict={x: images, y: labels})
            saver.restore(sess, save_path)
            restored_cost = sess.run(cost, feed_dict={x: images, y: labels})
            for _ in range(3):
                sess.run(train, feed_dict={x: images, y: labels})
            continued = sess.run([cost, global_step], feed_dict={x: images, y: labels})

        tf.reset_default_graph()
        x, y, W, cost, global_step, train = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            latest = tf.train.latest_checkpoint(folder)
            saver.restore(sess, latest)
            rebuilt_W, rebuilt_step = sess.run([W, global_step])
    return {"saved_cost": saved_cost, "fresh_cost": fresh_cost, "restored_cost": restored_cost,
            "continued": continued, "save_path": os.path.basename(save_path),
            "latest": os.path.basename(latest), "rebuilt_W": rebuilt_W, "rebuilt_step": rebuilt_step,
            "restored_equals_saved": bool(np.isclose(restored_cost, saved_cost))}


if __name__ == "__main__":
    print(main())
