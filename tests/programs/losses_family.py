"""The tf.losses family with weights, label smoothing and reductions, get_total_loss over the
LOSSES and REGULARIZATION_LOSSES collections, and a few steps minimizing the total."""

import numpy as np

from tests.programs._data import normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(91)
    labels = rng.randint(0, 4, size=8)
    one_hot = np.eye(4, dtype=np.float32)[labels]
    targets = rng.randn(8, 4).astype(np.float32)
    binary = (rng.rand(8, 4) > 0.5).astype(np.float32)
    weights = np.linspace(0.5, 1.5, 8).astype(np.float32).reshape(8, 1)

    W = tf.get_variable("W", initializer=normal([4, 4], 92, 0.5),
                        regularizer=lambda w: 0.01 * tf.nn.l2_loss(w))
    logits = tf.matmul(tf.constant(targets), W)
    probabilities = tf.sigmoid(logits)
    losses = {
        "mse": tf.losses.mean_squared_error(targets, logits),
        "mse_weighted": tf.losses.mean_squared_error(targets, logits, weights=weights),
        "absolute": tf.losses.absolute_difference(targets, logits),
        "huber": tf.losses.huber_loss(targets, logits, delta=0.5),
        "log_loss": tf.losses.log_loss(binary, probabilities),
        "hinge": tf.losses.hinge_loss(binary, logits),
        "sigmoid_xent": tf.losses.sigmoid_cross_entropy(binary, logits, label_smoothing=0.1),
        "softmax_xent": tf.losses.softmax_cross_entropy(one_hot, logits, label_smoothing=0.2),
        "sparse_xent": tf.losses.sparse_softmax_cross_entropy(labels, logits, weights=weights[:, 0]),
        "softmax_sum": tf.losses.softmax_cross_entropy(one_hot, logits,
                                                       reduction=tf.losses.Reduction.SUM),
        "mse_none": tf.losses.mean_squared_error(targets, logits, reduction=tf.losses.Reduction.NONE,
                                                 loss_collection=None),
    }
    total = tf.losses.get_total_loss()
    regularization = tf.losses.get_regularization_loss()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(total)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(losses)
        history = [sess.run([train, total])[1] for _ in range(4)]
        reg = sess.run(regularization)
    return {"values": values, "history": np.array(history), "regularization": reg,
            "collected": len(tf.get_collection(tf.GraphKeys.LOSSES)),
            "names": sorted(t.op.name for t in tf.get_collection(tf.GraphKeys.LOSSES))}


if __name__ == "__main__":
    print(main())
