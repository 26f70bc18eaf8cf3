"""The plan cache: a plan per run signature, least recently used evicted beyond its bound."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.session.plan_cache import MAX_PLANS, PlanCache


def test_evicts_the_least_recently_used_plan():
    cache = PlanCache(max_plans=2)
    cache.put("a", "plan a")
    cache.put("b", "plan b")
    assert cache.get("a") == "plan a"  # "b" is now the least recently used
    cache.put("c", "plan c")
    assert "b" not in cache and list(cache.values()) == ["plan a", "plan c"]
    assert cache.get("b") is None and len(cache) == 2
    cache.clear()
    assert len(cache) == 0


def test_the_bound_is_checked():
    with pytest.raises(ValueError, match="max_plans=0"):
        PlanCache(max_plans=0)
    assert PlanCache().max_plans == MAX_PLANS


def test_a_session_feeding_ever_new_shapes_keeps_a_bounded_cache(graph, monkeypatch):
    from graphflow.session import plan_cache

    monkeypatch.setattr(plan_cache, "MAX_PLANS", 3)
    x = tf.placeholder(tf.float32, None, name="x")  # unknown rank: a signature per rank
    y = x * 2.0
    with tf.Session() as sess:
        for n in range(1, 7):
            np.testing.assert_array_equal(sess.run(y, {x: np.ones((1,) * n, np.float32)}),
                                          np.full((1,) * n, 2.0))
        assert len(sess._plans) == 3
        np.testing.assert_array_equal(sess.run(y, {x: np.ones(1, np.float32)}), [2.0])  # again


def test_generalized_shapes_leave_only_the_placeholders_unknown_dimensions_unknown(graph):
    from graphflow.session.plan_cache import generalized_shapes

    batch = tf.placeholder(tf.float32, [None, 3])
    anything = tf.placeholder(tf.float32, None)
    fixed = tf.placeholder(tf.float32, [2])
    scalar = tf.placeholder(tf.float32, [])
    assert generalized_shapes([batch, fixed], [(5, 3), (2,)]) == ((None, 3), (2,))
    assert generalized_shapes([anything], [(4, 1)]) == ((None, None),)  # the rank stays
    assert generalized_shapes([fixed, scalar], [(2,), ()]) is None  # nothing to generalize
    assert generalized_shapes([anything], [()]) is None
