"""A variational autoencoder in the tutorial's style, with the reparameterization noise fed
through a placeholder (numpy draws) so both runs see the same epsilon: KL + reconstruction
loss with tf.log of clipped probabilities, Adam."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import tf

RTOL, ATOL = 5e-4, 1e-5


def main():
    tf.reset_default_graph()
    images, _, _ = digits(96)
    image_dim, hidden_dim, latent_dim = 64, 24, 2
    weights = {
        'encoder_h1': tf.Variable(normal([image_dim, hidden_dim], 191, 0.2)),
        'z_mean': tf.Variable(normal([hidden_dim, latent_dim], 192, 0.2)),
        'z_std': tf.Variable(normal([hidden_dim, latent_dim], 193, 0.2)),
        'decoder_h1': tf.Variable(normal([latent_dim, hidden_dim], 194, 0.2)),
        'decoder_out': tf.Variable(normal([hidden_dim, image_dim], 195, 0.2)),
    }
    biases = {name: tf.Variable(tf.zeros([w.get_shape().as_list()[1]])) for name, w in weights.items()}
    input_image = tf.placeholder(tf.float32, shape=[None, image_dim])
    eps = tf.placeholder(tf.float32, shape=[None, latent_dim])
    encoder = tf.nn.tanh(tf.matmul(input_image, weights['encoder_h1']) + biases['encoder_h1'])
    z_mean = tf.matmul(encoder, weights['z_mean']) + biases['z_mean']
    z_std = tf.matmul(encoder, weights['z_std']) + biases['z_std']
    z = z_mean + tf.exp(z_std / 2) * eps
    decoder = tf.nn.tanh(tf.matmul(z, weights['decoder_h1']) + biases['decoder_h1'])
    decoder = tf.nn.sigmoid(tf.matmul(decoder, weights['decoder_out']) + biases['decoder_out'])

    def vae_loss(x_reconstructed, x_true):
        encode_decode_loss = x_true * tf.log(1e-10 + x_reconstructed) \
            + (1 - x_true) * tf.log(1e-10 + 1 - x_reconstructed)
        encode_decode_loss = -tf.reduce_sum(encode_decode_loss, 1)
        kl_div_loss = 1 + z_std - tf.square(z_mean) - tf.exp(z_std)
        kl_div_loss = -0.5 * tf.reduce_sum(kl_div_loss, 1)
        return tf.reduce_mean(encode_decode_loss + kl_div_loss)

    loss_op = vae_loss(decoder, input_image)
    train_op = tf.train.AdamOptimizer(learning_rate=0.005).minimize(loss_op)
    rng = np.random.RandomState(196)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(10):
            batch_x = images[(i % 3) * 32:(i % 3 + 1) * 32]
            feed = {input_image: batch_x, eps: rng.randn(32, latent_dim).astype(np.float32)}
            losses.append(sess.run([train_op, loss_op], feed_dict=feed)[1])
        decoded = sess.run(decoder, {z: [[0.0, 0.0], [1.0, -1.0]]})
    return {"losses": np.array(losses), "decoded": decoded}


if __name__ == "__main__":
    print(main())
