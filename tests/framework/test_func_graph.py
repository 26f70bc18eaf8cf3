"""FuncGraph: tracing a function body, capturing outer tensors, TF1 names, init_scope."""

from __future__ import annotations

import pytest

import graphflow as tf
from graphflow.framework.func_graph import FuncGraph, init_scope, trace


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_outer_tensors_are_captured_once_and_constants_copied(fresh_graph):
    outer = tf.placeholder(tf.float32, [2], name="outer")
    small = tf.constant([1.0, 2.0], name="small")

    def build(func):
        x = func.add_input(tf.float32, [2], name="x")
        return x * outer + outer + small

    with tf.name_scope("loop"):
        func, result = trace("loop/body", build)
    assert [o for o, _ in func.captures] == [outer]  # used twice, captured once
    assert len(func.inputs) == 2 and func.inputs[1] is func.captures[0][1]
    assert small not in [o for o, _ in func.captures]
    assert [op.name for op in func.get_operations() if op.type == "Const"] == ["loop/small"]
    assert result.graph is func and result.op.name.startswith("loop/")  # the outer scope continues
    assert result.op.name not in [op.name for op in fresh_graph.get_operations()]


def test_nested_functions_capture_through_each_level(fresh_graph):
    outer = tf.placeholder(tf.float32, [], name="v")

    def inner_build(func):
        return outer * 2.0

    def middle_build(func):
        inner, result = trace("inner", inner_build)
        return inner, result

    middle, (inner, result) = trace("middle", middle_build)
    assert [o for o, _ in middle.captures] == [outer]
    (source, _), = inner.captures
    assert source.graph is middle  # the inner body captures the middle body's placeholder


def test_variables_created_in_a_body_live_in_the_outermost_graph(fresh_graph):
    def build(func):
        with tf.variable_scope("cell"):
            v = tf.get_variable("w", [2], initializer=tf.zeros_initializer())
        with init_scope() as graph:
            assert graph is fresh_graph
        return v + 1.0

    with tf.name_scope("rnn/while"):
        func, result = trace("rnn/while/body", build)
    (v,) = tf.global_variables()
    assert v.name == "cell/w:0" and v.op.graph is fresh_graph
    assert [o.op.name for o, _ in func.captures] == ["cell/w/read"]


def test_assign_in_a_body_references_the_outer_variable(fresh_graph):
    v = tf.Variable(1.0, name="v")

    def build(func):
        return tf.assign_add(v, 2.0)

    func, result = trace("body", build)
    assert result.op.graph is func and result.op.inputs[0] is v._ref()
    assert result.op not in v._ref().consumers()  # a reference from a body is not an outer use
    assert not func.captures


def test_control_dependencies_on_outer_ops_move_to_the_function(fresh_graph):
    outer_op = tf.no_op(name="outer_op")

    def build(func):
        with tf.control_dependencies([outer_op]):
            return tf.constant(1.0) + 1.0

    func, _ = trace("body", build)
    assert func.external_control == [outer_op]
    assert isinstance(func, FuncGraph) and func.building_function
