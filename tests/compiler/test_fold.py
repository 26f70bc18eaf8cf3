"""Constant folding: pure nodes over constants (or with values shape inference knows) become
Const nodes computed by their numpy reference; stateful nodes never fold."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler import fold
from graphflow.compiler.fold import fold_constants

from .ir_helpers import compilation, golden, listing, lowered


def _scaled_noisy_input():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    scale = tf.sqrt(tf.constant(4.0, name="four"), name="scale")
    noise = tf.random_uniform([3], seed=1, name="noise")
    n = tf.cast(tf.shape(x)[0], tf.float32, name="n")  # known once the feed shape is
    return x, tf.add(x * scale + noise, n, name="y")


def test_folds_constants_and_known_values_but_not_random_draws(graph):
    x, y = _scaled_noisy_input()
    with compilation():
        nodes, fetched = fold_constants(*lowered([y], {x: [2, 3]}))
    # scale = sqrt(4) = 2, the draw's `maxval - minval` = 1, n = 2 (rows fed); the draw stays
    assert listing(nodes) == golden("""
        %18 = Const{2.0}() -> float32[]   # scale
        %20 = Const{1.0}() -> float32[]   # sub
        %28 = Const{2.0}() -> float32[]   # n
        %0 = _Feed() -> float32[2,3]   # x
        %1 = Const{4.0}() -> float32[]   # four
        %19 = Mul(%0, %18) -> float32[2,3]   # mul_1
        %4 = Const{[3]}() -> int32[1]   # Const
        %5 = RandomUniform(%4) -> float32[3]   # noise
        %6 = Const{1.0}() -> float32[]   # Const_2
        %7 = Const{0.0}() -> float32[]   # Const_1
        %21 = Mul(%5, %20) -> float32[3]   # mul
        %22 = Add(%21, %7) -> float32[3]   # add
        %23 = Add(%19, %22) -> float32[2,3]   # add_1
        %13 = Const{[0]}() -> int32[1]   # strided_slice/stack
        %14 = Const{[1]}() -> int32[1]   # strided_slice/stack_1
        %29 = Add(%23, %28) -> float32[2,3]   # y
    """)
    assert fetched == [(nodes[-1], 0)]


def test_a_folded_value_is_the_reference_result_and_read_only(graph):
    a = tf.constant(np.arange(6.0).reshape(2, 3), name="a")
    y = tf.reduce_sum(tf.exp(a), axis=1, name="y")
    with compilation():
        nodes, fetched = fold_constants(*lowered([y]))
    (node, _), = fetched
    assert node.is_const
    value = node.attrs["value"]
    np.testing.assert_allclose(value, np.exp(np.arange(6.0).reshape(2, 3)).sum(axis=1),
                               rtol=1e-15)
    assert not value.flags.writeable


def test_results_over_the_size_limit_are_computed_at_run_time(graph, monkeypatch):
    # 5000 elements: over what shape inference computes, under what folding creates
    y = tf.exp(tf.fill([5000], 1.0, name="fill"), name="big")
    assert y.op.inputs[0].op.type == "Fill"
    with compilation():
        nodes, _ = fold_constants(*lowered([y]))
    assert [n.type for n in nodes if not n.is_const] == []
    monkeypatch.setattr(fold, "SMALL_FOLD_ELEMENTS", 4)
    with compilation():
        nodes, _ = fold_constants(*lowered([y]))
    assert [n.type for n in nodes if not n.is_const] == ["Fill", "Exp"]


def test_a_fill_beyond_the_small_bound_is_never_materialized(graph):
    """Fill, BroadcastTo and ZerosLike expand a scalar: past SMALL_FOLD_ELEMENTS they run when
    the plan runs, the plan holds no large constant, and the values are right."""
    zeros = tf.zeros([512, 300], name="z")  # 153600 elements > 2**16
    wide = tf.broadcast_to(tf.constant(2.0), [400, 200], name="b")
    like = tf.zeros_like(tf.constant(np.ones((300, 300), np.float32)), name="zl")
    with compilation():
        nodes, fetched = fold_constants(*lowered([zeros, wide, like]))
    assert sorted(n.type for n in nodes if not n.is_const) == ["BroadcastTo", "Fill"]
    assert max(n.attrs["value"].size for n in nodes if n.is_const) == 300 * 300
    with tf.Session() as sess:
        z, b, zl = sess.run([zeros, wide, like])
    np.testing.assert_array_equal(z, np.zeros((512, 300), np.float32))
    np.testing.assert_array_equal(b, np.full((400, 200), 2.0, np.float32))
    np.testing.assert_array_equal(zl, np.zeros((300, 300), np.float32))


def test_a_large_result_no_larger_than_its_inputs_is_folded(graph, monkeypatch):
    a = tf.constant(np.linspace(0.0, 1.0, 300 * 300).reshape(300, 300), name="a")
    y = tf.exp(a, name="y")  # 90000 elements from 90000: folding adds no more than `a` holds
    with compilation():
        nodes, fetched = fold_constants(*lowered([y]))
    assert fetched[0][0].is_const
    np.testing.assert_allclose(fetched[0][0].attrs["value"], np.exp(np.linspace(
        0.0, 1.0, 300 * 300).reshape(300, 300)), rtol=1e-15)
    monkeypatch.setattr(fold, "MAX_FOLD_ELEMENTS", 300 * 300 - 1)
    with compilation():
        nodes, fetched = fold_constants(*lowered([y]))
    assert fetched[0][0].type == "Exp"


def test_worth_folding_bounds():
    assert fold.worth_folding(fold.SMALL_FOLD_ELEMENTS, [1])
    assert not fold.worth_folding(fold.SMALL_FOLD_ELEMENTS + 1, [1, 1])
    assert fold.worth_folding(fold.SMALL_FOLD_ELEMENTS + 1, [fold.SMALL_FOLD_ELEMENTS, 1])
    assert not fold.worth_folding(fold.MAX_FOLD_ELEMENTS + 1, [fold.MAX_FOLD_ELEMENTS + 1])


def test_an_integer_division_by_zero_is_left_to_run_time(graph):
    """Neither shape inference nor folding computes 7 // 0: the run raises TF1's error."""
    y = tf.floordiv(tf.constant(7), tf.constant(0), name="q")
    assert y.op.type == "FloorDiv"
    with compilation():
        nodes, fetched = fold_constants(*lowered([y]))
    assert fetched[0][0].type == "FloorDiv"
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Integer division by zero"):
        sess.run(y)
