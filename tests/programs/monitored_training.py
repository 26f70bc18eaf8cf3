"""MonitoredTrainingSession with a StopAtStepHook and a checkpoint_dir, the long-job idiom: a
first "process" trains to step 6 (checkpoints every 4 steps), a second one restores and trains
4 more steps; the checkpoint steps on disk and the losses are compared."""

import os
import re
import tempfile

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-6


def train(folder, images, labels, stop_hook):
    tf.reset_default_graph()
    global_step = tf.train.get_or_create_global_step()
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.float32, [None, 10])
    W1 = tf.Variable(normal([64, 16], 241, 0.3))
    b1 = tf.Variable(tf.zeros([16]))
    W2 = tf.Variable(normal([16, 10], 242, 0.3))
    logits = tf.matmul(tf.nn.relu(tf.matmul(X, W1) + b1), W2)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=logits))
    train_op = tf.train.MomentumOptimizer(0.05, 0.9).minimize(cost, global_step=global_step)
    log = []
    with tf.train.MonitoredTrainingSession(checkpoint_dir=folder, save_checkpoint_steps=4,
                                           save_summaries_steps=None, hooks=[stop_hook]) as sess:
        start = sess.run(global_step)
        while not sess.should_stop():
            _, loss = sess.run([train_op, cost], feed_dict={X: images, Y: labels})
            log.append(loss)
    steps = sorted(int(m.group(1)) for name in os.listdir(folder)
                   if (m := re.fullmatch(r"model\.ckpt-(\d+)\.index", name)
                       or re.fullmatch(r"model\.ckpt-(\d+)\.meta", name)))
    return int(start), np.array(log, dtype=np.float64), sorted(set(steps))


def main():
    images, _, labels = digits(100)
    with tempfile.TemporaryDirectory() as folder:
        first = train(folder, images, labels, tf.train.StopAtStepHook(last_step=6))
        second = train(folder, images, labels, tf.train.StopAtStepHook(num_steps=4))
        final_step = int(tf.train.load_variable(folder, "global_step"))
    return {"first": list(first), "second": list(second), "final_step": final_step}


if __name__ == "__main__":
    print(main())
