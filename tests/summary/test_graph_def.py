"""The graph tab: FileWriter(graph=...) writes a GraphDef that TensorBoard's reader returns with
graphflow's node names (name scopes), op types, inputs, control inputs and shapes."""

import graphflow as tf

from ._read import accumulate


def test_graph_written_and_read_back(graph, tmp_path):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.name_scope("dense"):
        w = tf.Variable(tf.ones([3, 2]), name="w")
        y = tf.matmul(x, w, name="mm")
    with tf.control_dependencies([y.op]):
        z = tf.identity(y, name="z")
    parts = tf.split(tf.zeros([4, 2]), 2, name="parts")
    total = tf.add(parts[1], parts[0], name="total")
    tf.summary.FileWriter(str(tmp_path), graph=graph).close()
    graph_def = accumulate(tmp_path).Graph()
    nodes = {n.name: n for n in graph_def.node}
    assert set(nodes) == {op.name for op in graph.get_operations()}
    assert nodes["dense/mm"].op == "MatMul"
    assert list(nodes["dense/mm"].input) == ["x", y.op.inputs[1].op.name]
    assert list(nodes["z"].input) == ["dense/mm"]  # a control input that is also an input is dropped
    assert nodes["x"].op == "Placeholder"
    shape = nodes["x"].attr["_output_shapes"].list.shape[0]
    assert [d.size for d in shape.dim] == [-1, 3]
    assert nodes["x"].attr["dtype"].type == 1  # DT_FLOAT
    assert list(nodes["total"].input) == ["parts:1", "parts"]
    assert z.op.name == "z" and total.op.name == "total"


def test_control_inputs_carry_caret(graph, tmp_path):
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a.op]):
        c = tf.identity(b, name="c")
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_graph(graph)
    nodes = {n.name: n for n in accumulate(tmp_path).Graph().node}
    assert list(nodes["c"].input) == ["b", "^a"]
    assert c.op.control_inputs == [a.op]
