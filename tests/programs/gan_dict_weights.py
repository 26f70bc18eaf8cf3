"""A fully connected GAN as the classic tutorial: dict weights, generator and discriminator
functions called twice on shared weights, two Adam optimizers with var_list, numpy noise."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


def main():
    tf.reset_default_graph()
    images, _, _ = digits(128)
    image_dim, gen_hidden_dim, disc_hidden_dim, noise_dim = 64, 32, 32, 8
    weights = {
        'gen_hidden1': tf.Variable(normal([noise_dim, gen_hidden_dim], 31, 0.3)),
        'gen_out': tf.Variable(normal([gen_hidden_dim, image_dim], 32, 0.2)),
        'disc_hidden1': tf.Variable(normal([image_dim, disc_hidden_dim], 33, 0.15)),
        'disc_out': tf.Variable(normal([disc_hidden_dim, 1], 34, 0.2)),
    }
    biases = {
        'gen_hidden1': tf.Variable(tf.zeros([gen_hidden_dim])),
        'gen_out': tf.Variable(tf.zeros([image_dim])),
        'disc_hidden1': tf.Variable(tf.zeros([disc_hidden_dim])),
        'disc_out': tf.Variable(tf.zeros([1])),
    }

    def generator(x):
        hidden_layer = tf.nn.relu(tf.add(tf.matmul(x, weights['gen_hidden1']), biases['gen_hidden1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(hidden_layer, weights['gen_out']), biases['gen_out']))

    def discriminator(x):
        hidden_layer = tf.nn.relu(tf.add(tf.matmul(x, weights['disc_hidden1']), biases['disc_hidden1']))
        return tf.nn.sigmoid(tf.add(tf.matmul(hidden_layer, weights['disc_out']), biases['disc_out']))

    gen_input = tf.placeholder(tf.float32, shape=[None, noise_dim], name='input_noise')
    disc_input = tf.placeholder(tf.float32, shape=[None, image_dim], name='disc_input')
    gen_sample = generator(gen_input)
    disc_real = discriminator(disc_input)
    disc_fake = discriminator(gen_sample)
    gen_loss = -tf.reduce_mean(tf.log(disc_fake))
    disc_loss = -tf.reduce_mean(tf.log(disc_real) + tf.log(1. - disc_fake))
    optimizer_gen = tf.train.AdamOptimizer(learning_rate=0.002)
    optimizer_disc = tf.train.AdamOptimizer(learning_rate=0.002)
    gen_vars = [weights['gen_hidden1'], weights['gen_out'], biases['gen_hidden1'], biases['gen_out']]
    disc_vars = [weights['disc_hidden1'], weights['disc_out'], biases['disc_hidden1'], biases['disc_out']]
    train_gen = optimizer_gen.minimize(gen_loss, var_list=gen_vars)
    train_disc = optimizer_disc.minimize(disc_loss, var_list=disc_vars)

    noise_rng = np.random.RandomState(35)
    history = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(1, 13):
            batch_x = images[(i % 4) * 32:(i % 4 + 1) * 32]
            z = noise_rng.uniform(-1., 1., size=[32, noise_dim])
            feed_dict = {disc_input: batch_x, gen_input: z}
            # The tutorial runs both train ops in one sess.run; in TensorFlow that races (the
            # generator's gradient may read the discriminator before or after its update), so
            # the two steps run one after the other here.
            _, dl = sess.run([train_disc, disc_loss], feed_dict=feed_dict)
            _, gl = sess.run([train_gen, gen_loss], feed_dict=feed_dict)
            history.append([gl, dl])
        samples = sess.run(gen_sample, feed_dict={gen_input: noise_rng.uniform(-1., 1., size=[3, noise_dim])})
    return {"history": np.array(history), "samples": samples}


if __name__ == "__main__":
    print(main())
