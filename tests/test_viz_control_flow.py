"""Rendering control flow: a loop or branch is one cluster holding its bodies' ops."""

from __future__ import annotations

import re

import graphflow as tf
from graphflow import viz


def test_loop_and_cond_render_as_clusters_with_their_bodies():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        w = tf.Variable(tf.ones([3]), name="w")
        _, h = tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, tf.tanh(h * w + x, name="act")),
                             [tf.constant(0), tf.zeros([3])], name="rnn")
        tf.cond(tf.reduce_sum(h) > 0, lambda: h * 2.0, lambda: h, name="gate")
        source = viz.to_dot(g).source
    clusters = re.findall(r"subgraph cluster_(\S+) \{", source)
    assert "rnn" in clusters and "gate" in clusters
    loop = source[source.index("subgraph cluster_rnn {"):]
    loop = loop[:loop.index("subgraph cluster_gate")] if "subgraph cluster_gate" in loop else loop
    for name in ("rnn/While", "rnn/act", "rnn/Less", "rnn/add"):  # the op and its bodies' ops
        assert f'"{name}"' in loop, name
    assert 'w -> "rnn/While"' in source  # the variable's value enters the loop op
