"""Sub-plans of loops and branches: compiled by the same passes, once per input signature,
printed by GF_DEBUG=1; the outer plan's passes leave the body inside the loop."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_body_passes_fold_and_fuse_inside_the_loop(compiled):
    x = tf.placeholder(tf.float32, [2048])

    def body(i, h):  # a constant subexpression (folded) and an elementwise chain (fused)
        k = tf.constant(2.0) * tf.constant(3.0)
        return i + 1, tf.maximum(h * 0.5 + k, 0.0) * 2.0 - 1.0 + x

    _, out = tf.while_loop(lambda i, h: i < 3, body, [tf.constant(0), tf.zeros([2048])])
    with tf.Session() as s:
        got = s.run(out, {x: np.ones(2048, np.float32)})
    expected = np.zeros(2048)
    for _ in range(3):
        expected = np.maximum(expected * 0.5 + 6.0, 0.0) * 2.0 - 1.0 + 1.0
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    bodies = [plan for label, plan in compiled if label.endswith("(body)")]
    assert len(bodies) == 1  # compiled once for the loop, not once per iteration
    types = [n.type for n in bodies[0].order]
    assert "_FusedElementwise" in types  # the chain is one kernel inside the body
    assert types.count("Mul") == 0  # 2.0 * 3.0 folded


def test_outer_plan_keeps_body_ops_in_the_loop():
    x = tf.placeholder(tf.float32, [])
    out = tf.while_loop(lambda v: v < 100.0, lambda v: v * (x * 2.0), [tf.constant(1.0)])
    with tf.Session() as s:
        assert s.run(out, {x: 1.5}) == 243.0
        plans = list(s._plans.values())
    assert len(plans) == 1  # the multiplication x * 2.0 is a body op: computed in the loop
    assert [n.type for n in plans[0].order if n.type not in ("_Feed", "Const")] == ["While"]


def test_shape_changing_loop_compiles_per_signature(compiled):
    out = tf.while_loop(lambda x: tf.size(x) < 16, lambda x: tf.concat([x, x], 0),
                        [tf.constant([1.0])], shape_invariants=[tf.TensorShape([None])])
    with tf.Session() as s:
        assert s.run(out).tolist() == [1.0] * 16
        assert s.run(out).tolist() == [1.0] * 16
    bodies = [label for label, _ in compiled if label.endswith("(body)")]
    assert len(bodies) == 4  # sizes 1, 2, 4, 8: each compiled once, reused by the second run


def test_gf_debug_prints_the_loop_sub_plans(monkeypatch, capsys):
    monkeypatch.setenv("GF_DEBUG", "1")
    out = tf.while_loop(lambda v: v < 100.0, lambda v: v * 3.0, [tf.constant(1.0)], name="growing")
    with tf.Session() as s:
        assert s.run(out) == 243.0
    err = capsys.readouterr().err
    assert "graphflow sub-plan of growing/While (cond):" in err
    assert "graphflow sub-plan of growing/While (body):" in err
    assert "Less(" in err and "Mul" in err


def test_gf_debug_shows_a_counters_predicate_run_on_the_host(monkeypatch, capsys):
    monkeypatch.setenv("GF_DEBUG", "1")
    _, out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0),
                           [tf.constant(0), tf.constant(1.0)], name="counting")
    with tf.Session() as s:
        assert s.run(out) == 8.0
    err = capsys.readouterr().err
    assert "graphflow sub-plan of counting/While (cond): on Python ints: while (v[0] < 3): " \
           "v[0] += 1" in err
    assert "graphflow sub-plan of counting/While (body):" in err and "Mul" in err


def test_a_loop_growing_every_iteration_switches_to_one_generic_plan(compiled):
    from graphflow.backends.sub_plan import MAX_SIGNATURES

    def body(i, v):
        return i + 1, tf.concat([v, tf.fill([1], tf.cast(i, tf.float32)) * 2.0 + 1.0], 0)

    _, out = tf.while_loop(lambda i, v: i < 30, body, [tf.constant(0), tf.zeros([1])],
                           shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    with tf.Session() as s:
        got = s.run(out)
    np.testing.assert_allclose(got, [0.0] + [2.0 * i + 1.0 for i in range(30)])
    bodies = [plan for label, plan in compiled if label.endswith("(body)")]
    assert len(bodies) == MAX_SIGNATURES + 1  # specialized plans, then the generic one
    concat = [n for n in bodies[-1].order if n.type.startswith("Concat")]
    assert concat and concat[0].out_specs[0].shape.as_list() == [None]
