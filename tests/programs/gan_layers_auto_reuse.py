"""A GAN whose networks are tf.layers.dense calls under variable_scope with AUTO_REUSE and
scope.reuse_variables(), sigmoid_cross_entropy_with_logits losses against ones_like /
zeros_like, and tf.trainable_variables() filtered by name prefix (a common GAN idiom)."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


def generator(z):
    with tf.variable_scope("generator", reuse=tf.AUTO_REUSE):
        h = tf.layers.dense(z, 16, activation=tf.nn.leaky_relu, name="g_h1")
        return tf.layers.dense(h, 64, activation=tf.nn.sigmoid, name="g_out")


def discriminator(x, reuse=None):
    with tf.variable_scope("discriminator") as scope:
        if reuse:
            scope.reuse_variables()
        h = tf.layers.dense(x, 16, activation=tf.nn.leaky_relu, name="d_h1")
        logits = tf.layers.dense(h, 1, name="d_out")
        return tf.nn.sigmoid(logits), logits


def main():
    tf.reset_default_graph()
    images, _, _ = digits(64)
    real = tf.placeholder(tf.float32, [None, 64], name="real")
    z = tf.placeholder(tf.float32, [None, 4], name="z")
    fake = generator(z)
    d_real, d_logits_real = discriminator(real)
    d_fake, d_logits_fake = discriminator(fake, reuse=True)
    d_loss_real = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        logits=d_logits_real, labels=tf.ones_like(d_logits_real)))
    d_loss_fake = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        logits=d_logits_fake, labels=tf.zeros_like(d_logits_fake)))
    d_loss = d_loss_real + d_loss_fake
    g_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        logits=d_logits_fake, labels=tf.ones_like(d_logits_fake)))
    t_vars = tf.trainable_variables()
    d_vars = [var for var in t_vars if var.name.startswith("discriminator")]
    g_vars = [var for var in t_vars if var.name.startswith("generator")]
    d_optim = tf.train.AdamOptimizer(0.002, beta1=0.5).minimize(d_loss, var_list=d_vars)
    g_optim = tf.train.AdamOptimizer(0.002, beta1=0.5).minimize(g_loss, var_list=g_vars)
    rng = np.random.RandomState(201)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, t_vars, seed=202)
        for i in range(6):
            batch_z = rng.uniform(-1, 1, [16, 4]).astype(np.float32)
            batch = images[(i % 4) * 16:(i % 4 + 1) * 16]
            _, errD = sess.run([d_optim, d_loss], feed_dict={real: batch, z: batch_z})
            _, errG = sess.run([g_optim, g_loss], feed_dict={z: batch_z})
            history.append([errD, errG])
        d_prob = sess.run(d_real, {real: images[:3]})
    return {"history": np.array(history), "d_prob": d_prob, "d_vars": [v.name for v in d_vars],
            "g_vars": [v.name for v in g_vars], "fake_name": fake.name}


if __name__ == "__main__":
    print(main())
