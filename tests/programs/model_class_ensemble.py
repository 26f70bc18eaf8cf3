"""Models as Python classes holding their session and variable scope (a popular TF1 pattern):
two instances of one tf.layers CNN class in different scopes, a training flag placeholder for
dropout, predictions averaged into an ensemble."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


class Model:
    def __init__(self, sess, name):
        self.sess = sess
        self.name = name
        self._build_net()

    def _build_net(self):
        with tf.variable_scope(self.name):
            self.training = tf.placeholder(tf.bool)
            self.X = tf.placeholder(tf.float32, [None, 64])
            X_img = tf.reshape(self.X, [-1, 8, 8, 1])
            self.Y = tf.placeholder(tf.float32, [None, 10])
            conv1 = tf.layers.conv2d(inputs=X_img, filters=4, kernel_size=[3, 3], padding="SAME",
                                     activation=tf.nn.relu)
            pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], padding="SAME", strides=2)
            dropout1 = tf.layers.dropout(inputs=pool1, rate=0.3, training=self.training)
            flat = tf.reshape(dropout1, [-1, 4 * 4 * 4])
            self.logits = tf.layers.dense(inputs=flat, units=10)
        self.cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=self.logits,
                                                                               labels=self.Y))
        self.optimizer = tf.train.AdamOptimizer(learning_rate=0.01).minimize(self.cost)
        correct_prediction = tf.equal(tf.argmax(self.logits, 1), tf.argmax(self.Y, 1))
        self.accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    def predict(self, x_test, training=False):
        return self.sess.run(self.logits, feed_dict={self.X: x_test, self.training: training})

    def get_accuracy(self, x_test, y_test, training=False):
        return self.sess.run(self.accuracy, feed_dict={self.X: x_test, self.Y: y_test, self.training: training})

    def train(self, x_data, y_data, training=False):
        return self.sess.run([self.cost, self.optimizer], feed_dict={self.X: x_data, self.Y: y_data,
                                                                     self.training: training})


def main():
    tf.reset_default_graph()
    images, labels, one_hot = digits(160)
    sess = tf.Session()
    models = [Model(sess, "model" + str(m)) for m in range(2)]
    sess.run(tf.global_variables_initializer())
    load_deterministic(sess, [v for v in tf.trainable_variables()], seed=221)
    costs = []
    for _ in range(3):
        avg_cost_list = np.zeros(len(models))
        for start in range(0, 160, 40):
            batch_xs, batch_ys = images[start:start + 40], one_hot[start:start + 40]
            for m_idx, m in enumerate(models):
                c, _ = m.train(batch_xs, batch_ys)  # training=False: deterministic dropout
                avg_cost_list[m_idx] += c / 4
        costs.append(avg_cost_list)
    predictions = np.zeros([160, 10])
    accuracies = []
    for m in models:
        accuracies.append(m.get_accuracy(images, one_hot))
        predictions += m.predict(images)
    ensemble_accuracy = float(np.mean(np.argmax(predictions, 1) == labels))
    names = [v.name for v in tf.trainable_variables()]
    sess.close()
    return {"costs": np.array(costs), "accuracies": accuracies, "ensemble": ensemble_accuracy,
            "names": names}


if __name__ == "__main__":
    print(main())
