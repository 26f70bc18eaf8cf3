"""Dead-code elimination: what the fetches and the effects (assignments, random draws) need
stays, in its order; values nothing uses go, even after other passes orphaned them."""

from __future__ import annotations

import graphflow as tf
from graphflow.compiler.dce import eliminate_dead_code
from graphflow.compiler.fold import fold_constants

from .ir_helpers import compilation, golden, listing, lowered


def test_orphans_of_folding_go_and_effects_stay(graph):
    v = tf.Variable(1.0, name="v")
    step = tf.assign_add(v, tf.sqrt(tf.constant(9.0, name="nine")), name="step")
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.multiply(x, 2.0, name="y")
    with compilation():
        nodes, fetched = fold_constants(*lowered([y, step], {x: [2]}))
        assert listing(nodes) == golden("""
            %6 = Const{3.0}() -> float32[]   # Sqrt
            %0 = _Feed() -> float32[2]   # x
            %1 = Const{2.0}() -> float32[]   # y/y
            %2 = Mul(%0, %1) -> float32[2]   # y
            %3 = Const{9.0}() -> float32[]   # nine
            %7 = AssignAdd(&v, %6) -> float32[]   # step
        """)
        # the run's only target is `step`, fetched as "run this node": (node, -1)
        live = eliminate_dead_code(nodes, fetched[:1])
    assert listing(live) == golden("""
        %6 = Const{3.0}() -> float32[]   # Sqrt
        %0 = _Feed() -> float32[2]   # x
        %1 = Const{2.0}() -> float32[]   # y/y
        %2 = Mul(%0, %1) -> float32[2]   # y
        %7 = AssignAdd(&v, %6) -> float32[]   # step
    """)


def test_unconsumed_variable_reads_go(graph):
    v = tf.Variable(1.0, name="v")
    x = tf.placeholder(tf.float32, [], name="x")
    with compilation():
        nodes, fetched = lowered([x * 2.0, v.value()], {x: []})
        live = eliminate_dead_code(nodes, fetched[:1])  # as if only the product were fetched
    assert [n.type for n in live] == ["_Feed", "Const", "Mul"]
