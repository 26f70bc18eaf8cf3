"""A DCGAN in the tutorial's style: tf.layers generator and discriminator under
variable_scope(..., reuse=reuse), the discriminator applied three times, variables picked by
collection scope, sparse softmax targets fed as lists, and two Adam optimizers."""

import numpy as np

from tests.programs._data import digits, load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 1e-3, 1e-5


def generator(x, reuse=False):
    with tf.variable_scope('Generator', reuse=reuse):
        x = tf.layers.dense(x, units=2 * 2 * 16)
        x = tf.nn.tanh(x)
        x = tf.reshape(x, shape=[-1, 2, 2, 16])
        x = tf.layers.conv2d_transpose(x, 8, 2, strides=2)
        x = tf.layers.conv2d_transpose(x, 1, 2, strides=2)
        return tf.nn.sigmoid(x)


def discriminator(x, reuse=False):
    with tf.variable_scope('Discriminator', reuse=reuse):
        x = tf.layers.conv2d(x, 8, 3)
        x = tf.nn.tanh(x)
        x = tf.layers.average_pooling2d(x, 2, 2)
        x = tf.layers.flatten(x)
        x = tf.layers.dense(x, 16)
        x = tf.nn.tanh(x)
        x = tf.layers.dense(x, 2)
    return x


def main():
    tf.reset_default_graph()
    images, _, _ = digits(64, flat=False)
    noise_dim, batch_size = 6, 16
    noise_input = tf.placeholder(tf.float32, shape=[None, noise_dim])
    real_image_input = tf.placeholder(tf.float32, shape=[None, 8, 8, 1])
    gen_sample = generator(noise_input)
    disc_real = discriminator(real_image_input)
    disc_fake = discriminator(gen_sample, reuse=True)
    disc_concat = tf.concat([disc_real, disc_fake], axis=0)
    stacked_gan = discriminator(gen_sample, reuse=True)
    disc_target = tf.placeholder(tf.int32, shape=[None])
    gen_target = tf.placeholder(tf.int32, shape=[None])
    disc_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=disc_concat, labels=disc_target))
    gen_loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=stacked_gan, labels=gen_target))
    gen_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='Generator')
    disc_vars = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='Discriminator')
    train_gen = tf.train.AdamOptimizer(learning_rate=0.001).minimize(gen_loss, var_list=gen_vars)
    train_disc = tf.train.AdamOptimizer(learning_rate=0.001).minimize(disc_loss, var_list=disc_vars)

    rng = np.random.RandomState(41)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=42)
        for i in range(6):
            batch_x = images[(i % 4) * batch_size:(i % 4 + 1) * batch_size]
            z = rng.uniform(-1., 1., size=[batch_size, noise_dim])
            batch_disc_y = [1] * batch_size + [0] * batch_size
            batch_gen_y = [1] * batch_size
            feed_dict = {real_image_input: batch_x, noise_input: z,
                         disc_target: batch_disc_y, gen_target: batch_gen_y}
            # One train op per run: both in one sess.run race in TensorFlow (see gan_dict_weights).
            _, dl = sess.run([train_disc, disc_loss], feed_dict=feed_dict)
            _, gl = sess.run([train_gen, gen_loss], feed_dict=feed_dict)
            history.append([gl, dl])
        sample = sess.run(gen_sample, feed_dict={noise_input: rng.uniform(-1., 1., size=[2, noise_dim])})
    return {"history": np.array(history), "sample": sample,
            "gen_vars": [v.name for v in gen_vars], "disc_vars": [v.name for v in disc_vars],
            "sample_shape": gen_sample.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
