"""Linear regression on the diabetes dataset (442 patients, 10 features), trained with
gradient descent in a graphflow session, checked against the least-squares optimum.

Usage: python examples/linear_regression.py [--steps N]

This is plain TF1 code: replace the import with `import tensorflow.compat.v1 as tf` (and call
`tf.disable_v2_behavior()`) and it runs on TensorFlow unchanged.
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_diabetes

import graphflow as tf


def load_data(seed: int = 0):
    """Standardized features and target, split 80/20 into train and test sets."""
    data = load_diabetes()
    x = data.data.astype(np.float32)
    y = data.target.astype(np.float32)
    x = (x - x.mean(0)) / x.std(0)
    y = (y - y.mean()) / y.std()
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    train, test = order[:cut], order[cut:]
    return (x[train], y[train]), (x[test], y[test])


def least_squares_mse(train, test) -> float:
    """Test MSE of the exact least-squares fit (the optimum gradient descent approaches)."""
    (x, y), (xt, yt) = train, test
    design = np.c_[x, np.ones(len(x))].astype(np.float64)
    coef = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    return float(np.mean((np.c_[xt, np.ones(len(xt))] @ coef - yt) ** 2))


def main(steps: int = 1500, learning_rate: float = 0.2, verbose: bool = True) -> dict:
    train, test = load_data()
    tf.reset_default_graph()
    tf.set_random_seed(0)

    x = tf.placeholder(tf.float32, [None, 10], name="x")
    y = tf.placeholder(tf.float32, [None], name="y")
    w = tf.get_variable("w", [10, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [], initializer=tf.zeros_initializer())
    prediction = tf.squeeze(tf.matmul(x, w), axis=1) + b
    loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
    global_step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(learning_rate).minimize(
        loss, global_step=global_step)

    (xs, ys), (xt, yt) = train, test
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            train_mse, _ = sess.run([loss, train_op], {x: xs, y: ys})
            step = sess.run(global_step)
            if verbose and step % 250 == 0:
                print(f"step {step:5d}  train mse {train_mse:.4f}")
        test_mse = float(sess.run(loss, {x: xt, y: yt}))
        weights = sess.run(w).ravel()

    optimum = least_squares_mse(train, test)
    if verbose:
        print(f"test mse {test_mse:.4f}  (least-squares optimum {optimum:.4f})")
        print("weights", np.round(weights, 3))
    return {"test_mse": test_mse, "optimum_mse": optimum, "weights": weights}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    args = parser.parse_args()
    main(steps=args.steps)
