"""tf.cond and tf.while_loop on the CUDA backend, compared with CPU sessions of the same graph.

Collected only when named explicitly: tests/cuda/test_control_flow_sim.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1, GF_BACKEND=cuda).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.backends import sub_plan
from graphflow.cuda.device import is_device
from graphflow.ops import registry

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_control_flow_sim.py under the simulator")


@pytest.fixture
def sub_plans(monkeypatch):
    """Every sub-plan compiled during the test (to check where its nodes ran)."""
    made = []
    compile_plan = sub_plan.SubPlan._compile

    def recording(self, values, generic=False):
        plan = compile_plan(self, values, generic)
        made.append(plan)
        return plan

    monkeypatch.setattr(sub_plan.SubPlan, "_compile", recording)
    return made


def _recurrent_model():
    """A tiny tanh RNN over 3 steps (a while_loop reading a variable), a cond-gated loss and a
    gradient-descent step."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [3, 2, 4], name="x")
        scale = tf.placeholder(tf.bool, [], name="scale")
        w = tf.Variable(np.linspace(-0.5, 0.5, 16).reshape(4, 4).astype(np.float32), name="w")

        def body(t, h):
            return t + 1, tf.tanh(tf.matmul(tf.gather(x, t), w) + h)

        _, h = tf.while_loop(lambda t, h: t < 3, body, [tf.constant(0), tf.zeros([2, 4])])
        loss = tf.cond(scale, lambda: tf.reduce_sum(h * h) * 2.0, lambda: tf.reduce_sum(h * h))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()
    return graph, x, scale, w, loss, train, init


def test_loop_training_on_the_device_matches_the_cpu(monkeypatch, sub_plans):
    xs = np.random.default_rng(0).normal(size=(3, 2, 4)).astype(np.float32)
    results = {}
    for backend in ("cpu", "cuda"):
        monkeypatch.setenv("GF_BACKEND", backend)
        sub_plans.clear()
        graph, x, scale, w, loss, train, init = _recurrent_model()
        with tf.Session(graph=graph) as sess:
            sess.run(init)
            losses = [sess.run([loss, train], {x: xs, scale: k % 2 == 0})[0] for k in range(3)]
            results[backend] = losses, sess.run(w)
            if backend == "cuda":
                assert all(is_device(v) for v in sess._state.variables.values())
                host = {n.type for plan in sub_plans for n in plan.host_nodes}
                assert all(registry.get(t).host_memory for t in host), f"on the host: {host}"
                assert sub_plans and all(plan.backend == "cuda" for plan in sub_plans)
    np.testing.assert_allclose(results["cuda"][0], results["cpu"][0], rtol=1e-5)
    np.testing.assert_allclose(results["cuda"][1], results["cpu"][1], rtol=1e-5, atol=1e-6)


def test_body_values_stay_on_the_device(monkeypatch):
    monkeypatch.setenv("GF_BACKEND", "cuda")
    seen = []
    with tf.Graph().as_default():
        v = tf.placeholder(tf.float32, [3])

        def body(i, acc):
            return i + 1, acc * 2.0 + v

        _, out = tf.while_loop(lambda i, a: i < 4, body, [tf.constant(0), tf.zeros([3])])
        with tf.Session() as sess:
            original = sub_plan.SubPlan.plan_for

            def spying(self, values):
                seen.extend(values)
                return original(self, values)

            monkeypatch.setattr(sub_plan.SubPlan, "plan_for", spying)
            result = sess.run(out, {v: [1.0, 2.0, 3.0]})
    np.testing.assert_allclose(result, np.array([1.0, 2.0, 3.0]) * 15)
    assert seen and all(is_device(value) for value in seen)


def test_tensor_array_loop_gradient_on_the_device_matches_the_cpu(monkeypatch, sub_plans):
    """A loop carrying a TensorArray (a host list of device arrays) and its gradient: the
    loop op and its bodies stay device plans."""
    xs = np.random.default_rng(1).normal(size=(3, 2, 4)).astype(np.float32)
    results = {}
    for backend in ("cpu", "cuda"):
        monkeypatch.setenv("GF_BACKEND", backend)
        sub_plans.clear()
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [3, 2, 4])
            w = tf.Variable(np.linspace(-0.4, 0.4, 16).reshape(4, 4).astype(np.float32))
            inputs = tf.TensorArray(tf.float32, size=3).unstack(x)

            def body(t, h, out, inputs=inputs, w=w):
                h = tf.tanh(tf.matmul(inputs.read(t), w) + h)
                return t + 1, h, out.write(t, h)

            _, _, out = tf.while_loop(lambda t, h, o: t < 3, body,
                                      [tf.constant(0), tf.zeros([2, 4]),
                                       tf.TensorArray(tf.float32, size=3)])
            stacked = out.stack()
            grads = tf.gradients(tf.reduce_sum(stacked * stacked), [x, w])
            with tf.Session() as sess:
                sess.run(w.initializer)
                results[backend] = sess.run([stacked, *grads], {x: xs})
                if backend == "cuda":
                    assert sub_plans and all(plan.backend == "cuda" for plan in sub_plans)
    for got, want in zip(results["cuda"], results["cpu"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
