"""Lowering (prune + CSE + placement): the printed IR of small graphs, compared with golden
listings (node ids count from 0 in every compilation, so a listing never changes)."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler.lower import lower

from .ir_helpers import compilation, golden, listing, lowered


def _doubled_twice():
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.placeholder(tf.float32, [], name="unused") * 3.0  # noqa: B018 - not needed by the fetch
    h = tf.add(x * 2.0, x * 2.0, name="h")  # the two products are one node after CSE
    return x, h, tf.exp(h, name="out")


def test_prunes_merges_duplicates_and_specializes_shapes(graph):
    x, _, out = _doubled_twice()
    with compilation():
        nodes, fetched = lowered([out], {x: [5]})
    assert listing(nodes) == golden("""
        %0 = _Feed() -> float32[5]   # x
        %1 = Const{2.0}() -> float32[]   # mul_1/y
        %2 = Mul(%0, %1) -> float32[5]   # mul_1
        %3 = Add(%2, %2) -> float32[5]   # h
        %4 = Exp(%3) -> float32[5]   # out
    """)
    assert fetched == [(nodes[4], 0)]


def test_a_fed_tensor_stops_the_walk(graph):
    _, h, out = _doubled_twice()
    with compilation():
        nodes, _ = lowered([out], {h: [5]})
    assert listing(nodes) == golden("""
        %0 = _Feed() -> float32[5]   # h
        %1 = Exp(%0) -> float32[5]   # out
    """)


def test_ids_are_numbered_per_compilation(graph):
    x, _, out = _doubled_twice()
    listings = []
    for _ in range(2):
        with compilation():
            listings.append(listing(lowered([out], {x: [5]})[0]))
    assert listings[0] == listings[1]


def test_assign_targets_control_edges_and_host_placement(graph):
    v = tf.Variable(1.0, name="v")
    inc = tf.assign_add(v, 1.0, name="inc")
    with tf.control_dependencies([inc]):
        after = tf.identity(v.value() * 1.0, name="after")
    with tf.device("/cpu:0"):
        pinned = tf.add(v, 2.0, name="pinned")  # stateless: pinned to the host
        pv = tf.Variable(3.0, name="pv")  # a variable stays with the session's storage
    with compilation():
        nodes, _ = lowered([after, pinned, pv.value()])
    assert listing(nodes) == golden("""
        %0 = Const{1.0}() -> float32[]   # Const
        %1 = AssignAdd(&v, %0) -> float32[]   # inc
        %2 = VariableV2() ^%1 -> float32[]   # v
        %3 = Const{1.0}() ^%1 -> float32[]   # mul/y
        %4 = Mul(%2, %3) ^%1 -> float32[]   # mul
        %5 = Identity(%4) ^%1 -> float32[]   # after
        %6 = VariableV2() -> float32[]   # v
        %7 = Const{2.0}() @host -> float32[]   # pinned/y
        %8 = Add(%6, %7) @host -> float32[]   # pinned
        %9 = VariableV2() -> float32[]   # pv
    """)


def test_same_op_on_two_devices_is_not_merged(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    on_device = x * 3.0
    with tf.device("/cpu:0"):
        on_host = x * 3.0
    with compilation():
        nodes, _ = lowered([on_device, on_host], {x: [2]})
    assert [(n.type, n.host) for n in nodes if n.type == "Mul"] == [("Mul", False), ("Mul", True)]


def test_collects_the_ops_the_run_needs(graph):
    x, h, out = _doubled_twice()
    from graphflow.framework.tensor_shape import TensorShape
    from graphflow.ops.registry import Spec

    with compilation():
        _, _, ops = lower([out], [], [x], [Spec(TensorShape([5]), tf.float32)])
    names = sorted(op.name for op in ops)
    # both products (merged into one node) are checked for placement; "unused" is not needed
    assert names == ["h", "mul_1", "mul_1/y", "mul_2", "mul_2/y", "out", "x"]


def test_an_unfed_placeholder_is_an_error_naming_it(graph):
    _, _, out = _doubled_twice()
    with compilation(), pytest.raises(tf.errors.InvalidArgumentError,
                                      match="must feed a value for placeholder tensor 'x'"):
        lowered([out])


def test_node_ids_outside_a_compilation_never_collide_with_a_plans(graph):
    x = tf.placeholder(tf.float32, [3], name="x")
    y = x + 1.0
    with tf.Session() as sess:
        sess.run(y, {x: np.zeros(3, np.float32)})
        (plan,) = sess._plans.values()
    assert sorted(n.id for n in plan.order) == [0, 1, 2]
    from graphflow.compiler.ir import Node

    made_later = Node(plan.order[0].opdef, "later", {}, (), (), (), ())
    assert made_later.id >= 1 << 40
