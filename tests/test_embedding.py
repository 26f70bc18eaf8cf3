"""tf.nn.embedding_lookup: a single table, "mod" and "div" partitions, max_norm, sparse-row
training, errors; checked against numpy indexing (max_norm values recorded from TensorFlow)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf

TABLE = np.arange(20, dtype=np.float32).reshape(10, 2)
IDS = np.array([[0, 9], [3, 4], [7, 7]])


def test_single_table_gathers_rows_with_tf1_name(graph):
    rows = tf.nn.embedding_lookup(tf.constant(TABLE), IDS)
    assert rows.name == "embedding_lookup/Identity:0"
    assert rows.get_shape().as_list() == [3, 2, 2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(rows), TABLE[IDS])


def test_mod_and_div_partitions_address_the_whole_table(graph):
    mod_parts = [tf.constant(TABLE[i::3]) for i in range(3)]  # id i in partition i % 3, row i // 3
    div_parts = [tf.constant(TABLE[:4]), tf.constant(TABLE[4:7]), tf.constant(TABLE[7:])]
    by_mod = tf.nn.embedding_lookup(mod_parts, IDS)
    by_div = tf.nn.embedding_lookup(div_parts, IDS, partition_strategy="div")
    with tf.Session() as sess:
        mod_value, div_value = sess.run([by_mod, by_div])
    np.testing.assert_array_equal(mod_value, TABLE[IDS])
    np.testing.assert_array_equal(div_value, TABLE[IDS])


def test_max_norm_scales_long_rows_only(graph):
    rows = tf.nn.embedding_lookup(tf.constant(TABLE), [[0, 9]], max_norm=5.0)
    with tf.Session() as sess:
        value = sess.run(rows)
    np.testing.assert_array_equal(value[0, 0], [0.0, 1.0])  # norm 1 <= 5: unchanged
    np.testing.assert_allclose(value[0, 1], [3.4387233, 3.6297634], rtol=1e-6)  # TensorFlow's values


def test_training_changes_only_looked_up_rows(graph):
    embeddings = tf.Variable(TABLE)
    loss = tf.reduce_sum(tf.nn.embedding_lookup(embeddings, [1, 1, 4]))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        after = sess.run(embeddings)
    expected = TABLE.copy()
    expected[1] -= 1.0  # looked up twice: gradient 2 per element, times 0.5
    expected[4] -= 0.5
    np.testing.assert_array_equal(after, expected)


def test_bad_arguments_raise(graph):
    with pytest.raises(ValueError, match="partition_strategy"):
        tf.nn.embedding_lookup(tf.constant(TABLE), [0], partition_strategy="hash")
    with pytest.raises(ValueError, match="at least one"):
        tf.nn.embedding_lookup([], [0])
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.embedding_lookup(tf.constant(TABLE), tf.constant([0.0]))
