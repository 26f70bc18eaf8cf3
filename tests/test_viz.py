"""Graph rendering: clusters for name scopes, op types and shapes, distinct variables,
placeholders and fetches, collapsed gradient scopes, a readable large graph."""

from __future__ import annotations

import re

import graphflow as tf


def _model(layers: int):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 8], name="x")
        h = x
        for i in range(layers):
            with tf.variable_scope(f"dense{i}"):
                w = tf.get_variable("w", [8, 8])
                h = tf.tanh(tf.matmul(h, w) + tf.get_variable("b", [8]))
        loss = tf.reduce_mean(tf.square(h), name="loss")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    return graph, loss, train


def test_dot_source_shows_scopes_types_shapes_and_fetches():
    graph, loss, train = _model(2)
    source = tf.viz.to_dot(graph, fetches=[loss]).source
    assert "cluster_dense0" in source and "cluster_dense1" in source
    assert "MatMul" in source and "[?,8]" in source
    assert "cylinder" in source and "parallelogram" in source  # variables and placeholders
    assert re.search(r'\tloss \[label="[^"]*"[^\]]*color="#cc0000"', source)
    assert re.search(r'\tgradients \[label="gradients\n\(\d+ ops\)"', source)


def test_large_graph_stays_readable(tmp_path):
    graph, loss, train = _model(20)
    assert len(graph.get_operations()) > 200
    dot = tf.viz.to_dot(graph, fetches=[loss, train])
    nodes = re.findall(r'^\t+"?[\w/]+"? \[label=', dot.source, flags=re.M)
    # gradients and variable internals fold into single boxes
    assert 20 < len(nodes) < 0.6 * len(graph.get_operations())
    out = tf.render(graph, str(tmp_path / "big.svg"), fetches=[loss])
    assert (tmp_path / "big.svg").read_text().startswith("<?xml")
    assert out.endswith("big.svg")


def test_everything_expanded_on_request():
    graph, loss, _ = _model(1)
    source = tf.viz.to_dot(graph, collapse=(), collapse_variables=False).source
    assert "gradients/" in source and "dense0/w/read" in source
