"""tf.nn.nce_loss / sampled_softmax_loss with the sampled values given (deterministic): against a
numpy float64 reference of TF1's math and against losses recorded from TensorFlow 2.21's
tf.compat.v1 (/work/scratch/s23/rec/sampled_tf.py); gradients against finite differences."""

import numpy as np
import pytest

import graphflow as tf

V, D, B = 12, 4, 3
_rng = np.random.default_rng(7)
W = _rng.normal(size=(V, D)).astype(np.float32)
BIAS = _rng.normal(size=V).astype(np.float32)
X = _rng.normal(size=(B, D)).astype(np.float32)

CASES = {
    "one_true": dict(labels=[[1], [5], [7]], sampled=[5, 0, 3, 9], tec=[[0.4], [0.2], [0.15]],
                     sec=[0.2, 0.9, 0.3, 0.1]),
    "two_true": dict(labels=[[1, 2], [5, 3], [7, 0]], sampled=[5, 0, 3, 9, 11],
                     tec=[[0.4, 0.5], [0.2, 0.3], [0.15, 0.7]], sec=[0.2, 0.9, 0.3, 0.1, 0.05]),
}
# Per-example losses from TensorFlow 2.21 (tf.compat.v1) on exactly these inputs.
TF_LOSSES = {
    ("one_true", "nce", False): [5.907696, 6.287434, 7.38133],
    ("one_true", "nce", True): [5.907696, 3.735596, 7.38133],
    ("one_true", "ssm", True): [1.535033, 0.6704773, 1.495468],
    ("one_true", "ssm", False): [1.535033, 1.083556, 1.495468],
    ("two_true", "nce", False): [10.96112, 11.12088, 11.65827],
    ("two_true", "nce", True): [10.96112, 7.330616, 10.47197],
    ("two_true", "ssm", True): [2.527409, 1.972506, 2.361138],
    ("two_true", "ssm", False): [2.527409, 2.286572, 2.39617],
}


def numpy_loss(kind, case, remove_hits, w=W, b=BIAS, x=X):
    """TF1's _compute_sampled_logits + the loss, in float64."""
    w, b, x = (np.asarray(a, np.float64) for a in (w, b, x))
    labels, sampled = np.array(case["labels"]), np.array(case["sampled"])
    num_true = labels.shape[1]
    true_logits = np.einsum("bd,btd->bt", x, w[labels]) + b[labels] - np.log(case["tec"])
    sampled_logits = x @ w[sampled].T + b[sampled] - np.log(case["sec"])
    if remove_hits:
        hits = (labels[:, :, None] == sampled[None, None, :]).any(axis=1)
        sampled_logits = np.where(hits, sampled_logits - 3.4028234663852886e38, sampled_logits)
    logits = np.concatenate([true_logits, sampled_logits], 1)
    targets = np.concatenate([np.full(true_logits.shape, 1.0 / num_true), np.zeros(sampled_logits.shape)], 1)
    if kind == "nce":
        per = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
        return per.sum(1)
    shifted = logits - logits.max(1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    return -(targets * log_softmax).sum(1)


def build(kind, case, remove_hits, labels_dtype=tf.int32):
    w, b, x = tf.constant(W), tf.constant(BIAS), tf.constant(X)
    sampled = (tf.constant(case["sampled"], tf.int64), tf.constant(case["tec"], tf.float32),
               tf.constant(case["sec"], tf.float32))
    fn = tf.nn.nce_loss if kind == "nce" else tf.nn.sampled_softmax_loss
    loss = fn(w, b, tf.constant(case["labels"], labels_dtype), x, len(case["sampled"]), V,
              num_true=len(case["labels"][0]), sampled_values=sampled, remove_accidental_hits=remove_hits)
    return loss, (w, b, x)


@pytest.mark.parametrize("case_name,kind,remove_hits", sorted(TF_LOSSES))
def test_losses_match_tensorflow_and_numpy(case_name, kind, remove_hits):
    case = CASES[case_name]
    loss, _ = build(kind, case, remove_hits)
    assert loss.shape.as_list() == [B]
    with tf.Session() as sess:
        got = sess.run(loss)
    np.testing.assert_allclose(numpy_loss(kind, case, remove_hits), TF_LOSSES[case_name, kind, remove_hits],
                               rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(got, TF_LOSSES[case_name, kind, remove_hits], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind,remove_hits", [("nce", True), ("ssm", True), ("nce", False)])
def test_gradients_match_finite_differences(kind, remove_hits):
    case = CASES["two_true"]
    loss, (w, b, x) = build(kind, case, remove_hits, labels_dtype=tf.int64)
    grads = [tf.convert_to_tensor(g) for g in tf.gradients(tf.reduce_sum(loss), [w, b, x])]
    with tf.Session() as sess:
        got = sess.run(grads)
    base = {"w": W.astype(np.float64), "b": BIAS.astype(np.float64), "x": X.astype(np.float64)}
    for key, grad in zip("wbx", got):
        numeric = np.zeros_like(base[key])
        for index in np.ndindex(base[key].shape):
            values = {k: v.copy() for k, v in base.items()}
            values[key][index] += 1e-6
            up = numpy_loss(kind, case, remove_hits, **values).sum()
            values[key][index] -= 2e-6
            down = numpy_loss(kind, case, remove_hits, **values).sum()
            numeric[index] = (up - down) / 2e-6
        np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4, err_msg=key)


def test_default_sampler_is_log_uniform_in_the_loss_scope_and_training_lowers_the_loss():
    tf.reset_default_graph()
    tf.set_random_seed(3)
    inputs = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int32, [None, 1])
    embeddings = tf.Variable(tf.random_uniform([V, 2], -1.0, 1.0))
    weights = tf.Variable(tf.random_uniform([V, 2], -1.0, 1.0))
    biases = tf.Variable(tf.zeros([V]))
    loss = tf.reduce_mean(tf.nn.nce_loss(weights, biases, labels, tf.nn.embedding_lookup(embeddings, inputs),
                                         4, V))
    samplers = [(op.name, op.type) for op in tf.get_default_graph().get_operations() if "Sampler" in op.type]
    assert samplers == [("nce_loss/LogUniformCandidateSampler", "LogUniformCandidateSampler")]
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    feed = {inputs: [0, 1, 2, 3, 4, 5], labels: [[1], [2], [3], [4], [5], [6]]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = np.mean([sess.run(loss, feed) for _ in range(20)])
        for _ in range(150):
            sess.run(train, feed)
        last = np.mean([sess.run(loss, feed) for _ in range(20)])
    assert last < 0.7 * first, (first, last)


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_sharded_weights_give_the_unsharded_loss(strategy):
    case = CASES["two_true"]
    ids = np.arange(V)
    shard_of = ids % 2 if strategy == "mod" else (ids >= (V + 1) // 2).astype(int)
    shards = [tf.constant(W[shard_of == s]) for s in (0, 1)]
    sampled = (tf.constant(case["sampled"], tf.int64), tf.constant(case["tec"]), tf.constant(case["sec"]))
    loss = tf.nn.sampled_softmax_loss(shards, tf.constant(BIAS), tf.constant(case["labels"]), tf.constant(X),
                                      len(case["sampled"]), V, num_true=2, sampled_values=sampled,
                                      partition_strategy=strategy)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(loss), TF_LOSSES["two_true", "ssm", True], rtol=1e-5, atol=1e-5)
