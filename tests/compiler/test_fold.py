"""Constant folding: pure nodes over constants (or with values shape inference knows) become
Const nodes computed by their numpy reference; stateful nodes never fold."""

from __future__ import annotations

import numpy as np

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
    y = tf.exp(tf.fill([5], 1.0, name="fill"), name="big")
    with compilation():
        nodes, _ = fold_constants(*lowered([y]))
    assert [n.type for n in nodes if not n.is_const] == []
    monkeypatch.setattr(fold, "MAX_FOLD_ELEMENTS", 4)
    with compilation():
        nodes, _ = fold_constants(*lowered([y]))
    assert [n.type for n in nodes if not n.is_const] == ["Fill", "Exp"]
