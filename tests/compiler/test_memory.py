"""Memory planning: every intermediate value is released right after its last consumer;
fetched values and constants never are."""

from __future__ import annotations

import graphflow as tf
from graphflow.compiler.memory import last_uses
from graphflow.compiler.schedule import schedule

from .ir_helpers import compilation, golden, listing, lowered


def test_values_are_released_after_their_last_use(graph):
    x = tf.placeholder(tf.float32, [3], name="x")
    a = tf.exp(x, name="a")
    b = tf.sin(a, name="b")
    c = tf.add(a, b, name="c")
    d = tf.cos(c, name="d")
    with compilation():
        nodes, fetched = lowered([d, b], {x: [3]})
        order = schedule(nodes)
    assert listing(order) == golden("""
        %0 = _Feed() -> float32[3]   # x
        %1 = Exp(%0) -> float32[3]   # a
        %2 = Sin(%1) -> float32[3]   # b
        %3 = Add(%1, %2) -> float32[3]   # c
        %4 = Cos(%3) -> float32[3]   # d
    """)
    releases = {step: [(n.name, i) for n, i in values]
                for step, values in last_uses(order, fetched).items()}
    # a after c (step 3), c after d (step 4); b and d are fetched, so never released
    assert releases == {1: [("x", 0)], 3: [("a", 0)], 4: [("c", 0)]}


def test_constants_are_never_released(graph):
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.exp(x * 2.0, name="y")
    with compilation():
        nodes, fetched = lowered([y], {x: [3]})
        releases = last_uses(schedule(nodes), fetched)
    released = [n for values in releases.values() for n, _ in values]
    assert [n.name for n in released] == ["x", "mul"]
