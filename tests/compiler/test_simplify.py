"""Algebraic simplification: nodes that only forward their input (identities, reshapes that
keep the shape) disappear, unless a control dependency orders them."""

from __future__ import annotations

import graphflow as tf
from graphflow.compiler.simplify import simplify

from .ir_helpers import compilation, golden, listing, lowered


def test_forwarding_nodes_disappear_unless_ordered(graph):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    same = tf.identity(x, name="same")
    kept = tf.reshape(same, [2, 3], name="keeps_shape")
    changed = tf.reshape(kept, [3, 2], name="changes_shape")
    v = tf.Variable(1.0, name="v")
    with tf.control_dependencies([tf.assign(v, 2.0, name="set")]):
        ordered = tf.identity(x, name="ordered")
    with compilation():
        nodes, fetched = lowered([changed, ordered], {x: [2, 3]})
        assert listing(nodes) == golden("""
            %0 = _Feed() -> float32[2,3]   # x
            %1 = Identity(%0) -> float32[2,3]   # same
            %2 = Const{[2,3]}() -> int32[2]   # keeps_shape/shape
            %3 = Reshape(%1, %2) -> float32[2,3]   # keeps_shape
            %4 = Const{[3,2]}() -> int32[2]   # changes_shape/shape
            %5 = Reshape(%3, %4) -> float32[3,2]   # changes_shape
            %6 = Const{2.0}() -> float32[]   # Const
            %7 = Assign(&v, %6) -> float32[]   # set
            %8 = Identity(%0) ^%7 -> float32[2,3]   # ordered
        """)
        nodes, fetched = simplify(nodes, fetched)
    assert listing(nodes) == golden("""
        %0 = _Feed() -> float32[2,3]   # x
        %2 = Const{[2,3]}() -> int32[2]   # keeps_shape/shape
        %4 = Const{[3,2]}() -> int32[2]   # changes_shape/shape
        %10 = Reshape(%0, %4) -> float32[3,2]   # changes_shape
        %6 = Const{2.0}() -> float32[]   # Const
        %7 = Assign(&v, %6) -> float32[]   # set
        %8 = Identity(%0) ^%7 -> float32[2,3]   # ordered
    """)
    assert [(n.name, i) for n, i in fetched] == [("changes_shape", 0), ("ordered", 0)]


def test_a_fetched_identity_is_replaced_by_its_input(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.identity(x * 2.0, name="y")
    with compilation():
        nodes, fetched = simplify(*lowered([y], {x: [2]}))
    assert [n.type for n in nodes] == ["_Feed", "Const", "Mul"]
    assert fetched == [(nodes[2], 0)]
