"""Plans polymorphic in the dimensions a placeholder leaves unknown: one general plan serves
every new batch size (no compile), with the results of a plan specialized to each shape and
the same errors for feeds that do not fit."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


def _mlp(rng: np.random.RandomState):
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    w1 = tf.Variable(rng.randn(6, 5).astype(np.float32), name="w1")
    w2 = tf.Variable(rng.randn(5, 3).astype(np.float32), name="w2")
    h = tf.nn.relu(tf.matmul(x, w1) + 0.1)
    logits = tf.matmul(h * 2.0 - 0.5, w2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                          logits=logits))
    batch = tf.cast(tf.shape(x)[0], tf.float32)  # must stay a run-time value
    return x, labels, logits, loss, batch


def _feeds(batch: int):
    rng = np.random.RandomState(batch)
    return rng.randn(batch, 6).astype(np.float32), rng.randint(0, 3, batch).astype(np.int64)


def test_two_hundred_batch_sizes_make_two_plans_with_the_specialized_results():
    sizes = list(range(1, 201))
    with tf.Graph().as_default():
        x, labels, logits, loss, batch = _mlp(np.random.RandomState(0))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = len(sess._plans)
            general = {}
            for b in sizes:
                xv, yv = _feeds(b)
                general[b] = sess.run([logits, loss, batch], {x: xv, labels: yv})
            # the first size's specialized plan and one general plan
            assert len(sess._plans) - before == 2
    for b in (1, 2, 3, 77, 200):  # each shape alone in a fresh session: a specialized plan
        with tf.Graph().as_default():
            x, labels, logits, loss, batch = _mlp(np.random.RandomState(0))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                xv, yv = _feeds(b)
                want = sess.run([logits, loss, batch], {x: xv, labels: yv})
        got = general[b]
        np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-6)
        assert got[2] == want[2] == b


def test_the_general_plan_matches_numpy_and_keeps_shape_values_at_run_time(graph):
    x = tf.placeholder(tf.float32, [None, None], name="x")
    rows = tf.shape(x)[0]
    y = tf.reduce_sum(x * 3.0 + 1.0, axis=1) / tf.cast(rows, tf.float32)
    z = tf.reshape(x, [-1])
    with tf.Session() as sess:
        for shape in [(2, 3), (5, 3), (4, 7), (1, 1), (9, 2)]:
            xv = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
            got_y, got_rows, got_z = sess.run([y, rows, z], {x: xv})
            np.testing.assert_allclose(got_y, (xv.astype(np.float64) * 3 + 1).sum(1) / shape[0],
                                       rtol=1e-6)
            assert got_rows == shape[0]
            np.testing.assert_array_equal(got_z, xv.reshape(-1))
        assert len(sess._plans) == 2


def test_training_with_new_batch_sizes_updates_like_specialized_plans():
    def train(sizes: list[int], fresh_session_each_step: bool) -> np.ndarray:
        with tf.Graph().as_default():
            x, labels, _, loss, _ = _mlp(np.random.RandomState(1))
            step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
            w1 = [v for v in tf.global_variables() if v.op.name == "w1"][0]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for b in sizes:
                    xv, yv = _feeds(b)
                    if fresh_session_each_step:
                        sess._plans.clear()  # every step compiles a plan for its shape
                    sess.run(step, {x: xv, labels: yv})
                return sess.run(w1)

    sizes = [4, 9, 2, 13, 4, 1, 30]
    np.testing.assert_allclose(train(sizes, False), train(sizes, True), rtol=1e-5, atol=1e-6)


def test_feeds_that_do_not_fit_fail_as_before(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    s = x + y
    with tf.Session() as sess:
        for b in (1, 2, 3):  # the general plan now exists
            sess.run(s, {x: np.ones((b, 3), np.float32), y: np.ones((b, 3), np.float32)})
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(4, 2\) for Tensor 'x:0'"):
            sess.run(s, {x: np.ones((4, 2), np.float32), y: np.ones((4, 3), np.float32)})
        # shapes the placeholders allow but the op does not: TF1's run-time error
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(s, {x: np.ones((4, 3), np.float32), y: np.ones((5, 3), np.float32)})
        assert "add" in str(info.value).lower()
        # and the session stays usable
        np.testing.assert_array_equal(
            sess.run(s, {x: np.ones((6, 3), np.float32), y: np.ones((6, 3), np.float32)}),
            np.full((6, 3), 2.0, np.float32))


def test_fully_defined_feeds_keep_one_plan_per_shape(graph):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y, {x: np.ones((2, 3), np.float32)})
        assert len(sess._plans) == 1


def _general_plan(sess):
    return [p for p in sess._plans.values() if any(
        None in s.shape.as_list() for n in p.order for s in n.out_specs if s.shape.dims)][0]


def test_the_general_plan_fuses_with_run_time_dimensions(graph):
    from graphflow.backends import cpu_fused

    x = tf.placeholder(tf.float32, [None, 40], name="x")
    b = tf.placeholder(tf.float32, [40], name="b")
    h = x
    for _ in range(4):
        h = tf.maximum(h * 0.5 + b, 0.0) - 0.25
    with tf.Session() as sess:
        before = None
        for rows in (30, 31, 1, 64, 7):
            xv = np.random.default_rng(rows).normal(size=(rows, 40)).astype(np.float32)
            bv = np.linspace(-1, 1, 40).astype(np.float32)
            got = sess.run(h, {x: xv, b: bv})
            want = xv.astype(np.float64)
            for _ in range(4):
                want = np.maximum(want * 0.5 + bv, 0.0) - 0.25
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
            if rows == 31:  # the general plan was compiled by this run
                before = len(cpu_fused._kernels)
        assert len(cpu_fused._kernels) == before  # later batch sizes compiled no kernel
        fused = [n for n in _general_plan(sess).order if n.type == "_FusedElementwise"]
        assert fused and fused[0].attrs["program"].shape == (None, 40)


def test_a_run_time_dimension_of_one_broadcasts_as_in_numpy(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    z = (x * 2.0 + y) * 3.0 - x
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        for rows_x, rows_y in [(2, 2), (3, 3), (5, 1), (1, 4), (6, 6)]:
            xv = rng.normal(size=(rows_x, 3)).astype(np.float32)
            yv = rng.normal(size=(rows_y, 3)).astype(np.float32)
            np.testing.assert_allclose(sess.run(z, {x: xv, y: yv}), (xv * 2 + yv) * 3 - xv,
                                       rtol=1e-6, atol=1e-6)
        assert any(n.type == "_FusedElementwise" for n in _general_plan(sess).order)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(z, {x: np.ones((4, 3), np.float32), y: np.ones((5, 3), np.float32)})


def test_a_shape_that_keeps_coming_back_gets_its_own_plan(graph):
    from graphflow.session.plan_cache import MAX_PROMOTED, PROMOTE_AFTER

    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = x * 2.0 + 1.0
    with tf.Session() as sess:
        for rows in (1, 2):  # the first shape's plan, then the general one
            sess.run(y, {x: np.ones((rows, 4), np.float32)})
        assert len(sess._plans) == 2
        for rows in (3, 4, 5):  # once each: served by the general plan
            sess.run(y, {x: np.ones((rows, 4), np.float32)})
        assert len(sess._plans) == 2
        for _ in range(PROMOTE_AFTER):  # a training loop on a later batch size
            got = sess.run(y, {x: np.full((7, 4), 3.0, np.float32)})
        np.testing.assert_array_equal(got, np.full((7, 4), 7.0))
        assert len(sess._plans) == 3
        assert ((y,), (x,), ((7, 4),)) in sess._plans
        for rows in range(10, 10 + 2 * MAX_PROMOTED):  # promotions are bounded
            for _ in range(PROMOTE_AFTER + 1):
                sess.run(y, {x: np.ones((rows, 4), np.float32)})
        assert len(sess._plans) == 2 + MAX_PROMOTED


def test_a_backend_without_general_plans_compiles_a_plan_per_shape(graph, monkeypatch):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = x * 2.0
    with tf.Session() as sess:
        monkeypatch.setattr(type(sess._backend), "general_plans", False)  # as the CUDA backend
        for rows in (1, 2, 3, 4):
            np.testing.assert_array_equal(sess.run(y, {x: np.ones((rows, 2), np.float32)}),
                                          np.full((rows, 2), 2.0))
        assert len(sess._plans) == 4
