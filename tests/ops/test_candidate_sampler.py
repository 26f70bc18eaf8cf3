"""Candidate sampler ops: outputs, distributions (frequencies against the closed-form
probabilities, statistically), TF1's expected-count formulas, seeds, errors, and
tf.nn.compute_accidental_hits."""

import numpy as np
import pytest

import graphflow as tf


def _log_uniform_p(k, range_max):
    k = np.asarray(k, np.float64)
    return np.log((k + 2.0) / (k + 1.0)) / np.log(range_max + 1.0)


def _draw_many(sampler, runs, **kwargs):
    graph = tf.Graph()
    with graph.as_default():
        out = sampler(tf.constant([[0], [1]], tf.int64), 1, seed=11, **kwargs)
    with tf.Session(graph=graph) as sess:
        return [sess.run(out) for _ in range(runs)]


def _assert_frequencies(ids, p, draws):
    """Counts within 5 standard deviations of their binomial expectation, everywhere."""
    counts = np.bincount(np.concatenate(ids), minlength=len(p))
    expected = draws * p
    assert np.all(np.abs(counts - expected) <= 5 * np.sqrt(expected * (1 - p)) + 1), (counts, expected)


def test_log_uniform_with_replacement_follows_zipf_and_counts_p_times_n():
    runs = _draw_many(tf.nn.log_uniform_candidate_sampler, 300, num_sampled=50, unique=False, range_max=20)
    sampled, true_count, sampled_count = runs[0]
    assert sampled.dtype == np.int64 and sampled.shape == (50,)
    assert true_count.dtype == np.float32 and true_count.shape == (2, 1)
    p = _log_uniform_p(np.arange(20), 20)
    np.testing.assert_allclose(true_count[:, 0], 50 * p[:2], rtol=1e-6)
    np.testing.assert_allclose(sampled_count, 50 * p[sampled], rtol=1e-6)
    _assert_frequencies([r[0] for r in runs], p, 300 * 50)


def test_unique_samples_are_distinct_and_counts_follow_the_number_of_tries():
    runs = _draw_many(tf.nn.log_uniform_candidate_sampler, 40, num_sampled=8, unique=True, range_max=10)
    p = _log_uniform_p(np.arange(10), 10)
    rejected_somewhere = False
    for sampled, true_count, sampled_count in runs:
        assert len(set(sampled.tolist())) == 8 and sampled.min() >= 0 and sampled.max() < 10
        # TF1: expected count -expm1(tries * log1p(-p)) (p * n when nothing was rejected), with one
        # number of tries for the whole batch
        tries = np.log1p(-sampled_count.astype(np.float64)) / np.log1p(-p[sampled])
        if np.allclose(sampled_count, 8 * p[sampled], rtol=1e-6):
            continue
        rejected_somewhere = True
        n = int(round(tries[0]))
        assert n > 8
        np.testing.assert_allclose(sampled_count, -np.expm1(n * np.log1p(-p[sampled])), rtol=1e-5)
        np.testing.assert_allclose(true_count[:, 0], -np.expm1(n * np.log1p(-p[:2])), rtol=1e-5)
    assert rejected_somewhere  # 8 distinct of 10 Zipfian classes practically always rejects draws


def test_uniform_sampler_is_uniform():
    runs = _draw_many(tf.nn.uniform_candidate_sampler, 200, num_sampled=30, unique=False, range_max=7)
    np.testing.assert_allclose(runs[0][2], np.full(30, 30 / 7), rtol=1e-6)
    _assert_frequencies([r[0] for r in runs], np.full(7, 1 / 7), 200 * 30)


def test_fixed_unigram_weights_distortion_and_reserved_ids(tmp_path):
    unigrams = [5.0, 1.0, 0.0, 10.0]
    weights = np.concatenate([[0.0, 0.0], np.power(unigrams, 0.75)])
    p = weights / weights.sum()
    runs = _draw_many(tf.nn.fixed_unigram_candidate_sampler, 300, num_sampled=20, unique=False, range_max=6,
                      distortion=0.75, num_reserved_ids=2, unigrams=unigrams)
    drawn = np.concatenate([r[0] for r in runs])
    assert not np.isin(drawn, [0, 1, 4]).any()  # weight zero: reserved ids and a zero count
    _assert_frequencies([drawn], p, drawn.size)
    np.testing.assert_allclose(runs[0][2], 20 * p[runs[0][0]], rtol=1e-6)
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("".join(f"w{i},{c}\n" for i, c in enumerate(unigrams)))
    from_file = _draw_many(tf.nn.fixed_unigram_candidate_sampler, 1, num_sampled=20, unique=False, range_max=6,
                           distortion=0.75, num_reserved_ids=2, vocab_file=str(vocab))
    np.testing.assert_array_equal(from_file[0][0], runs[0][0])  # same seed, same weights


def test_fixed_unigram_shards_keep_their_ids():
    # ids 0..5 with counts 1..6; shard 1 of 2 keeps ids 1, 3, 5 (weights 2, 4, 6), numbered 0, 1, 2
    runs = _draw_many(tf.nn.fixed_unigram_candidate_sampler, 200, num_sampled=10, unique=False, range_max=3,
                      unigrams=[1, 2, 3, 4, 5, 6], num_shards=2, shard=1)
    _assert_frequencies([r[0] for r in runs], np.array([2.0, 4.0, 6.0]) / 12, 2000)


def test_seeds_repeat_per_session_and_runs_draw_anew():
    def run_twice():
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(1)
            out = tf.random.log_uniform_candidate_sampler(tf.constant([[3]], tf.int64), 1, 5, True, 1000)
        with tf.Session(graph=graph) as sess:
            return [sess.run(out[0]) for _ in range(2)]
    first, second = run_twice(), run_twice()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])


def test_shapes_names_and_errors():
    tf.reset_default_graph()
    classes = tf.placeholder(tf.int64, [None, 2])
    outputs = tf.nn.uniform_candidate_sampler(classes, 2, 4, True, 9, name="negatives")
    sampled, true_count, sampled_count = outputs
    assert sampled.op.type == "UniformCandidateSampler" and sampled.op.name == "negatives"
    assert [t.shape.as_list() for t in (sampled, true_count, sampled_count)] == [[4], [None, 2], [4]]
    with pytest.raises(TypeError, match="int64"):
        tf.nn.log_uniform_candidate_sampler(tf.constant([[1]], tf.int32), 1, 2, True, 5)
    with pytest.raises(ValueError, match="num_true"):
        tf.nn.log_uniform_candidate_sampler(classes, 3, 2, True, 5)
    too_many = tf.nn.log_uniform_candidate_sampler(classes, 2, 12, True, 9)
    outside = tf.nn.uniform_candidate_sampler(classes, 2, 3, False, 9)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="too small"):
            sess.run(too_many, {classes: [[1, 2]]})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0, 9\)"):
            sess.run(outside, {classes: [[1, 9]]})
        assert sess.run(outside[1], {classes: [[1, 2]]}).shape == (1, 2)  # the session still works


def test_compute_accidental_hits_lists_each_hit():
    labels = np.array([[1, 4], [2, 3], [7, 7]], np.int64)
    sampled = np.array([4, 7, 1, 4], np.int64)
    with tf.Session() as sess:
        indices, ids, weights = sess.run(tf.nn.compute_accidental_hits(labels, sampled, num_true=2))
    want = [(i, j) for i in range(3) for j in range(4) if sampled[j] in labels[i]]
    assert indices.dtype == np.int32 and ids.dtype == np.int64 and weights.dtype == np.float32
    np.testing.assert_array_equal(indices, [i for i, _ in want])
    np.testing.assert_array_equal(ids, [sampled[j] for _, j in want])
    np.testing.assert_array_equal(weights, np.full(len(want), np.finfo(np.float32).min))
