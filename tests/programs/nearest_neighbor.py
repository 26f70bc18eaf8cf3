"""Nearest neighbour with an L1 distance and tf.arg_min, one test point fed at a time."""

import numpy as np

from tests.programs._data import digits
from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def main():
    tf.reset_default_graph()
    images, labels, one_hot = digits(220)
    Xtr, Ytr = images[:200], one_hot[:200]
    Xte, Yte = images[200:], one_hot[200:]

    xtr = tf.placeholder("float", [None, 64])
    xte = tf.placeholder("float", [64])
    distance = tf.reduce_sum(tf.abs(tf.add(xtr, tf.negative(xte))), reduction_indices=1)
    pred = tf.arg_min(distance, 0)

    accuracy = 0.
    predictions = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(len(Xte)):
            nn_index = sess.run(pred, feed_dict={xtr: Xtr, xte: Xte[i, :]})
            predictions.append(int(np.argmax(Ytr[nn_index])))
            if np.argmax(Ytr[nn_index]) == np.argmax(Yte[i]):
                accuracy += 1. / len(Xte)
        index_dtype = sess.run(pred, feed_dict={xtr: Xtr, xte: Xte[0]}).dtype.name
    return {"predictions": predictions, "accuracy": accuracy, "index_dtype": index_dtype}


if __name__ == "__main__":
    print(main())
