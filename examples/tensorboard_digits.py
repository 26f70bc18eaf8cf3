"""Watching training in TensorBoard: a small digits classifier (scikit-learn's 8x8 digits)
that writes the loss and accuracy as scalars, its weights as histograms, a few input images
and the graph (graph tab: name scopes and shapes) to an event file.

Usage: python examples/tensorboard_digits.py [--logdir DIR] [--steps N]
then:  tensorboard --logdir DIR   (needs `pip install graphflow-tf1[tensorboard]`)

TF1 code throughout: tf.summary.scalar / histogram / image, tf.summary.merge_all and
tf.summary.FileWriter(logdir, graph) with add_summary(summary, global_step).
"""

from __future__ import annotations

import argparse

import numpy as np
from optimizers import load_data  # the digits split shared with examples/optimizers.py

import graphflow as tf


def build(learning_rate: float = 0.1):
    """A one-hidden-layer classifier with its summaries; returns the tensors training needs."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 64], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    with tf.name_scope("model"):
        hidden = tf.layers.dense(images, 32, tf.nn.relu, name="hidden")
        logits = tf.layers.dense(hidden, 10, name="logits")
    with tf.name_scope("metrics"):
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, global_step=step)

    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", accuracy)
    for variable in tf.trainable_variables():  # tag "hidden/kernel_1": the scope is taken, as TF1
        tf.summary.histogram(variable.op.name, variable)
    tf.summary.image("inputs", tf.reshape(images, [-1, 8, 8, 1]), max_outputs=3)
    return images, labels, loss, train, step, tf.summary.merge_all()


def main(logdir: str = "./logs/digits", steps: int = 300, batch: int = 64, summary_every: int = 10,
         verbose: bool = True) -> dict:
    """Trains for `steps` mini-batches, writing the merged summaries every `summary_every`
    steps; returns the logged (step, loss) pairs and the final test loss."""
    (xtr, ytr), (xte, yte) = load_data()
    images, labels, loss, train, step, summaries = build()
    rng = np.random.default_rng(1)
    logged = []
    with tf.Session() as sess, tf.summary.FileWriter(logdir, sess.graph) as writer:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            idx = rng.choice(len(xtr), batch, replace=False)
            feed = {images: xtr[idx], labels: ytr[idx]}
            sess.run(train, feed)
            global_step = int(sess.run(step))  # read after the update
            if global_step % summary_every == 0:
                # The summaries of the full training set, so the logged loss is not batch noise.
                summary, value = sess.run([summaries, loss], {images: xtr, labels: ytr})
                writer.add_summary(summary, global_step)
                logged.append((int(global_step), float(value)))
                if verbose and global_step % (10 * summary_every) == 0:
                    print(f"step {global_step:4d}  loss {value:.4f}")
        test_loss = float(sess.run(loss, {images: xte, labels: yte}))
    if verbose:
        print(f"test loss {test_loss:.4f}. To view the run: tensorboard --logdir {logdir}")
    return {"logged": logged, "test_loss": test_loss}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="./logs/digits")
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    main(args.logdir, args.steps)
