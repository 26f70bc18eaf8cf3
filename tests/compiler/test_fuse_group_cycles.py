"""Fusion never creates a cycle between groups: a group runs as one unit, so every input of any
of its members comes before all of its outputs. A path that enters another group at one member
and leaves it from another (G -> exp -> H -> G below) must keep two groups apart even though no
path between single nodes closes a loop."""

from __future__ import annotations

import numpy as np

import graphflow as tf
from graphflow.compiler import fuse


def test_no_cycle_through_another_group(graph):
    n = 1024  # big enough for small groups to fuse
    x = tf.placeholder(tf.float64, [n])
    ys = [tf.placeholder(tf.float64, [n]) for _ in range(fuse.MAX_GROUP_INPUTS - 1)]
    p = x * 3.0 - 1.0  # group G
    h = ys[0]
    for y in ys[1:]:
        h = h + y  # group H reads MAX_GROUP_INPUTS - 1 values: G and H cannot merge
    q = p + h  # joins G, reading h from H
    e = tf.exp(p)  # a numpy call between the groups (transcendental)
    r = h * e  # may join H only if H does not feed G
    values = {x: np.linspace(0.0, 1.0, n)}
    values.update({y: np.full(n, k + 1.0) for k, y in enumerate(ys)})
    with tf.Session() as sess:
        got_q, got_r = sess.run([q, r], values)
    h_np = sum(k + 1.0 for k in range(len(ys)))
    p_np = values[x] * 3.0 - 1.0
    np.testing.assert_allclose(got_q, p_np + h_np, rtol=1e-15)
    np.testing.assert_allclose(got_r, h_np * np.exp(p_np), rtol=1e-15)
