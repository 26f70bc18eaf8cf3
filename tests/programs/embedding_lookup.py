"""Word-embedding idioms: tf.nn.embedding_lookup on a Variable built from numpy values, tf.gather
on rows and columns, mean-pooled bag of words trained by SGD (sparse gradients)."""

import numpy as np

from tests.programs._data import normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    vocabulary_size, embedding_size = 12, 4
    sentences = [[1, 2, 3], [4, 5, 6], [1, 7, 8], [9, 10, 11]]
    targets = [0, 1, 0, 1]
    embeddings = tf.Variable(normal([vocabulary_size, embedding_size], 111, 0.5), name="embeddings")
    words = tf.placeholder(tf.int32, shape=[None, 3])
    label = tf.placeholder(tf.int32, shape=[None])
    embed = tf.nn.embedding_lookup(embeddings, words)
    pooled = tf.reduce_mean(embed, axis=1)
    softmax_w = tf.Variable(normal([embedding_size, 2], 112, 0.5))
    logits = tf.matmul(pooled, softmax_w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=label, logits=logits))
    train = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
    rows = tf.gather(embeddings, [0, 11, 0])
    columns = tf.gather(embeddings, [3, 1], axis=1)
    norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keep_dims=True))
    normalized_embeddings = embeddings / norm
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([train, loss], {words: sentences, label: targets})[1] for _ in range(5)]
        final = sess.run(embeddings)
        gathered = sess.run([rows, columns, normalized_embeddings])
        embed_shape = embed.get_shape().as_list()
    return {"losses": np.array(losses), "unused_rows_unchanged": final[0], "trained_row": final[5],
            "gathered": gathered, "embed_shape": embed_shape}


if __name__ == "__main__":
    print(main())
