"""Skip-gram word2vec with `tf.nn.nce_loss` in the idiom of the public tutorials (nlintz
08_word2vec, golbin 04-03): words of a few sentences to ids, (centre, context) pairs, an
embedding table looked up for the inputs, `nce_loss(nce_weights, nce_biases, labels, embed,
num_sampled, voc_size)` averaged and minimized.

The candidate sampler draws differently in each implementation, so the training feeds the three
outputs of the loss's own sampler op (found by its TF1 name, `nce_loss/LogUniformCandidateSampler`)
with negatives from a seeded numpy log-uniform sampler: a feed of an op's outputs, as TF1 allows.
The real sampler's draws are checked only for facts that hold whatever the generator (range,
uniqueness, TF1's expected-count formula)."""

import numpy as np

from tests.programs._data import normal
from tests.programs._tf import tf

RTOL, ATOL = 1e-4, 1e-5

SENTENCES = ["the quick brown fox jumped over the lazy dog", "I love cats and dogs",
             "we all love cats and dogs", "dogs and cats love sausage", "the lazy dog sleeps",
             "the quick cat jumps over the brown dog", "cats hate the rain and dogs love it"]
EMBEDDING, NUM_SAMPLED, BATCH = 3, 6, 16


def skip_gram_pairs(words, index):
    """(centre id, context id) for each word and each neighbour, in order."""
    pairs = []
    for i in range(1, len(words) - 1):
        for j in (i - 1, i + 1):
            pairs.append((index[words[i]], index[words[j]]))
    return np.array(pairs)


def log_uniform_negatives(rng, range_max, count):
    """`count` distinct log-uniform ids, the number of draws it took, and TF1's expected counts."""
    seen, tries = [], 0
    while len(seen) < count:
        tries += 1
        value = int(np.exp(rng.uniform() * np.log(range_max + 1))) - 1
        if value not in seen:
            seen.append(value)
    return np.array(seen, np.int64), tries


def expected_count(ids, range_max, tries, count):
    p = np.log((np.asarray(ids, np.float64) + 2) / (np.asarray(ids, np.float64) + 1)) / np.log(range_max + 1)
    return (p * count if tries == count else -np.expm1(tries * np.log1p(-p))).astype(np.float32)


def main():
    tf.reset_default_graph()
    words = " ".join(SENTENCES).lower().split()
    vocabulary = sorted(set(words), key=lambda w: (-words.count(w), w))  # frequent first, for log-uniform
    index = {w: i for i, w in enumerate(vocabulary)}
    voc_size = len(vocabulary)
    pairs = skip_gram_pairs(words, index)

    train_inputs = tf.placeholder(tf.int32, shape=[None])
    train_labels = tf.placeholder(tf.int32, shape=[None, 1])
    embeddings = tf.Variable(tf.constant(normal([voc_size, EMBEDDING], 1, 0.5)))
    embed = tf.nn.embedding_lookup(embeddings, train_inputs)
    nce_weights = tf.Variable(tf.constant(normal([voc_size, EMBEDDING], 2, 0.5)))
    nce_biases = tf.Variable(tf.zeros([voc_size]))
    per_example = tf.nn.nce_loss(nce_weights, nce_biases, train_labels, embed, NUM_SAMPLED, voc_size)
    loss = tf.reduce_mean(per_example)
    train_op = tf.train.AdamOptimizer(0.05).minimize(loss)
    sampler = tf.get_default_graph().get_operation_by_name("nce_loss/LogUniformCandidateSampler")
    sampled, true_count, sampled_count = sampler.outputs

    rng = np.random.RandomState(0)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # the real sampler: facts that hold for any generator
        facts = []
        for start in (0, 5):
            ids, trues, counts = sess.run([sampled, true_count, sampled_count],
                                          {train_labels: pairs[start:start + 4, 1:]})
            p = np.log((ids + 2.0) / (ids + 1.0)) / np.log(voc_size + 1.0)
            formula = np.allclose(counts, NUM_SAMPLED * p, rtol=1e-5)
            if not formula:  # some draws were rejected: one whole number of tries explains every count
                tries = np.log1p(-counts.astype(np.float64)) / np.log1p(-p)
                formula = np.allclose(tries, np.round(tries[0]), atol=1e-2)
            in_range = ids.min() >= 0 and ids.max() < voc_size
            facts.append([bool(len(set(ids.tolist())) == NUM_SAMPLED), bool(in_range), bool(formula),
                          list(trues.shape)])
        for step in range(40):
            batch = pairs[(step * BATCH) % (len(pairs) - BATCH):][:BATCH]
            negatives, tries = log_uniform_negatives(rng, voc_size, NUM_SAMPLED)
            feed = {train_inputs: batch[:, 0], train_labels: batch[:, 1:], sampled: negatives,
                    true_count: expected_count(batch[:, 1:], voc_size, tries, NUM_SAMPLED),
                    sampled_count: expected_count(negatives, voc_size, tries, NUM_SAMPLED)}
            _, value = sess.run([train_op, loss], feed)
            losses.append(value)
        per_pair = sess.run(per_example, feed)
        trained = sess.run(embeddings)
    normalized = trained / np.linalg.norm(trained, axis=1, keepdims=True)
    similarity = normalized @ normalized.T
    np.fill_diagonal(similarity, -2)
    return {"vocabulary": vocabulary, "pairs": pairs[:6], "losses": np.array(losses), "per_pair": per_pair,
            "embeddings": trained, "nearest_to_cats": vocabulary[int(np.argmax(similarity[index["cats"]]))],
            "sampler": [sampler.type, sampler.name, [t.dtype.name for t in sampler.outputs],
                        [t.shape.as_list() for t in sampler.outputs]],
            "loss_shape": per_example.shape.as_list(), "facts": facts}


if __name__ == "__main__":
    print(main())
