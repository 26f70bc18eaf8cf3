"""One logistic model trained a few steps by each of TF1's optimizers (plain, momentum,
Nesterov, Adagrad, Adadelta, RMSProp with momentum, centered RMSProp, Adam), each in its own
graph; the losses, final weights and slot names are compared."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 1e-6

OPTIMIZERS = {
    "sgd": lambda: tf.train.GradientDescentOptimizer(0.5),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, momentum=0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.1, momentum=0.9, use_nesterov=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.1),
    "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.95, epsilon=1e-6),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5),
    "rmsprop_centered": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
    "adam": lambda: tf.train.AdamOptimizer(0.05, beta1=0.8, beta2=0.99),
}


def train(make_optimizer, images, labels):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(images)
        y = tf.constant(labels)
        W = tf.Variable(normal([64, 10], 71), name="W")
        b = tf.Variable(tf.zeros([10]), name="b")
        loss = tf.losses.softmax_cross_entropy(y, tf.matmul(x, W) + b)
        optimizer = make_optimizer()
        train_op = optimizer.minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([train_op, loss])[1] for _ in range(6)]
            final_W = sess.run(W)
        slots = sorted(optimizer.get_slot_names())
        variables = sorted(v.name for v in tf.global_variables())
    return {"losses": np.array(losses), "W_corner": final_W[:6, :4], "slots": slots, "variables": variables}


def main():
    images, _, labels = digits(100)
    return {name: train(make, images, labels) for name, make in OPTIMIZERS.items()}


if __name__ == "__main__":
    print(main())
