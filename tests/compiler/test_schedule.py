"""Scheduling: a topological order, ties broken by lowering order, with a variable's reads
placed before an assignment they do not depend on (they see the value from the start of the
run) and after one they are ordered behind (`tf.control_dependencies`)."""

from __future__ import annotations

import graphflow as tf
from graphflow.compiler.schedule import schedule

from .ir_helpers import compilation, golden, listing, lowered


def _write_and_two_reads():
    v = tf.Variable(1.0, name="v")
    write = tf.assign(v, 5.0, name="write")
    with tf.control_dependencies([write]):
        later = tf.multiply(v.read_value(), 3.0, name="later")
    read = tf.multiply(v.read_value(), 2.0, name="read")
    return v, write, later, read


def test_reads_go_before_writes_they_do_not_depend_on(graph):
    _, write, later, read = _write_and_two_reads()
    with compilation():
        order = schedule(lowered([write, later, read])[0])
    # %5 (the unordered read) moves before the assignment %1; %2 (ordered after it) stays
    assert listing(order) == golden("""
        %0 = Const{5.0}() -> float32[]   # Const
        %5 = VariableV2() -> float32[]   # v
        %1 = Assign(&v, %0) -> float32[]   # write
        %2 = VariableV2() ^%1 -> float32[]   # v
        %3 = Const{3.0}() ^%1 -> float32[]   # later/y
        %4 = Mul(%2, %3) ^%1 -> float32[]   # later
        %6 = Const{2.0}() -> float32[]   # read_2/y
        %7 = Mul(%5, %6) -> float32[]   # read_2
    """)


def test_the_order_is_what_a_session_observes(graph):
    v, write, later, read = _write_and_two_reads()
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([write, later, read]) == [5.0, 15.0, 2.0]


def test_order_is_topological_and_deterministic(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    parts = [tf.exp(x * float(k), name=f"part{k}") for k in range(4)]
    total = tf.add_n(parts, name="total")
    orders = []
    for _ in range(3):
        with compilation():
            nodes, _ = lowered([total], {x: [2]})
            orders.append(listing(schedule(nodes)))
    assert orders[0] == orders[1] == orders[2]
    with compilation():
        order = schedule(lowered([total], {x: [2]})[0])
    position = {n.id: k for k, n in enumerate(order)}
    assert all(position[src.id] < position[n.id] for n in order for src, _ in n.inputs)
