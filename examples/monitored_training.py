"""Long training runs under tf.train.MonitoredTrainingSession: hooks that stop, log and watch for
NaN, checkpoints every few steps, and resuming after the process is killed.

Usage: python examples/monitored_training.py [--checkpoint-dir DIR] [--last-step N]

Run it, interrupt it (Ctrl-C, `kill -9`, a preempted machine) and run it again: the session
restores the latest checkpoint of DIR and the global step goes on from there until
StopAtStepHook's `last_step`. A run that finds the last step already reached trains no more.
The model is a small digits classifier (scikit-learn's 8x8 digits, bundled and offline).
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from optimizers import load_data  # the digits split shared with examples/optimizers.py

import graphflow as tf


def build(learning_rate: float = 0.05):
    """A one-hidden-layer classifier; returns the placeholders, loss, train op and global step."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 64], name="images")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    hidden = tf.layers.dense(images, 32, tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 10, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, global_step=step)
    return images, labels, loss, train, step


def main(checkpoint_dir: str = "./checkpoints/monitored", last_step: int = 2000,
         save_every: int = 100, log_every: int = 50, batch: int = 32) -> dict:
    """Trains until the global step reaches `last_step`, resuming from `checkpoint_dir`.

    Returns:
        The checkpoint the run started from (None for a fresh start) and the one it ended with.
    """
    tf.logging.set_verbosity(tf.logging.INFO)  # the hooks log at INFO, as TF1's
    (x, y), _ = load_data()
    images, labels, loss, train, step = build()
    start = tf.train.latest_checkpoint(checkpoint_dir)
    print(f"resuming from {start}" if start else "starting from scratch", flush=True)
    hooks = [tf.train.StopAtStepHook(last_step=last_step),
             tf.train.LoggingTensorHook({"step": step, "loss": loss}, every_n_iter=log_every),
             tf.train.NanTensorHook(loss)]  # a NaN loss stops training with an error
    rng = np.random.default_rng()  # a resumed run should not replay the first run's batches
    with tf.train.MonitoredTrainingSession(checkpoint_dir=checkpoint_dir, hooks=hooks,
                                           save_checkpoint_steps=save_every) as sess:
        while not sess.should_stop():
            idx = rng.choice(len(x), batch, replace=False)
            sess.run(train, {images: x[idx], labels: y[idx]})
    end = tf.train.latest_checkpoint(checkpoint_dir)  # the session saved once more on exit
    print(f"done: {os.path.basename(end)}", flush=True)
    return {"start": start, "end": end}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint-dir", default="./checkpoints/monitored")
    parser.add_argument("--last-step", type=int, default=2000)
    args = parser.parse_args()
    main(args.checkpoint_dir, args.last_step)
