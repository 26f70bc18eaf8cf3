"""TF1's numerics edge cases on the CUDA backend: empty reductions fill TF's identities on the
device, and integer division by zero does not raise (TF1's GPU kernels do not either; numba's
device code gives 0).

Collected only when named explicitly: tests/cuda/test_numerics_sim.py runs this file in a child
process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1), tiny shapes.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import graphflow as tf

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_numerics_sim.py under the simulator")

REDUCTIONS = {"max": tf.reduce_max, "min": tf.reduce_min, "prod": tf.reduce_prod,
              "sum": tf.reduce_sum, "mean": tf.reduce_mean}
#: TF's values for a reduction of nothing (recorded from TF 2.21, see tests/ops)
IDENTITIES = {"float32": {"max": -np.inf, "min": np.inf, "prod": 1.0, "sum": 0.0, "mean": np.nan},
              "int32": {"max": -2**31, "min": 2**31 - 1, "sum": 0}}


@pytest.mark.parametrize(("op", "dtype"), [(op, dtype) for dtype, ops in IDENTITIES.items()
                                           for op in ops])
def test_the_reduction_runner_fills_identities(op, dtype):
    from graphflow.cuda.reduce import reduce

    for shape, axes, out_shape in [((3, 0), [1], (3,)), ((0, 2), [0], (2,)), ((2, 0, 3), [1], (2, 3))]:
        got = reduce(np.zeros(shape, dtype), axes, op)
        np.testing.assert_array_equal(got, np.full(out_shape, IDENTITIES[dtype][op], dtype))


def test_empty_reductions_run_on_the_device(monkeypatch):
    monkeypatch.setenv("GF_BACKEND", "cuda")
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3, 0])
        flags = tf.placeholder(tf.bool, [0, 2])
        fetches = {name: reduce(x, axis=1) for name, reduce in REDUCTIONS.items()}
        fetches["any"] = tf.reduce_any(flags, axis=0)
        fetches["all"] = tf.reduce_all(flags, axis=0)
    with tf.Session(graph=graph) as sess:
        got = sess.run(fetches, {x: np.zeros((3, 0), np.float32), flags: np.zeros((0, 2), bool)})
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    assert not host, f"ran on the host: {host}"
    for name, identity in IDENTITIES["float32"].items():
        np.testing.assert_array_equal(got[name], np.full(3, identity, np.float32), err_msg=name)
    np.testing.assert_array_equal(got["any"], [False, False])
    np.testing.assert_array_equal(got["all"], [True, True])


def test_integer_division_by_zero_does_not_raise_on_the_device(monkeypatch):
    monkeypatch.setenv("GF_BACKEND", "cuda")
    graph = tf.Graph()
    with graph.as_default():
        x, y = tf.placeholder(tf.int32, [4]), tf.placeholder(tf.int32, [4])
        quotient, remainder = x // y, x % y
    with tf.Session(graph=graph) as sess, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the simulator computes with numpy
        q, r = sess.run([quotient, remainder], {x: [7, -7, 7, 5], y: [2, 2, 0, -3]})
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    assert not host, f"ran on the host: {host}"
    np.testing.assert_array_equal(q, [3, -4, 0, -2])
    np.testing.assert_array_equal(r, [1, 1, 0, -1])
