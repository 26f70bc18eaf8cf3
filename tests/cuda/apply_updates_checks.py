"""The fused optimizer updates (ApplyAdam, ApplyMomentum, ...) on the CUDA backend: every rule
variant updates the variable and its slots on the device as the numpy reference does, across
two steps, and a TF1 optimizer's training steps on the device equal the CPU's.

Collected only when named explicitly: tests/cuda/test_apply_updates_sim.py runs this file in a
child process under numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1), tiny shapes.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import registry
from graphflow.ops._update_rules import RULES
from graphflow.train.training_ops import apply_update

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") != "1",
                                reason="run by tests/cuda/test_apply_updates_sim.py under the simulator")

#: scalar inputs in range for every rule (decay rates in (0, 1), powers of them)
SCALARS = {"alpha": 0.1, "lr": 0.05, "momentum": 0.9, "beta1": 0.9, "beta2": 0.99,
           "beta1_power": 0.81, "beta2_power": 0.9801, "epsilon": 1e-3, "rho": 0.9}

VARIANTS = [(t, attr) for t, rule in RULES.items()
            for attr in [None, *(a.lstrip("!") for a in rule.variants)]]


def _attrs(rule, attr):
    if attr is None:
        return {}
    return {attr: not rule.defaults[attr]}


def _state(rule, rng):
    """Slots in range: accumulators of squares positive, the centered mean gradient small
    against them (ms - mg^2 > 0)."""
    ranges = {"var": (-1.0, 1.0), "mg": (-0.1, 0.1)}
    return {r: rng.uniform(*ranges.get(r, (0.5, 1.5)), (3, 2)).astype(np.float32)
            for r in rule.refs}


@pytest.mark.parametrize(("op_type", "attr"), VARIANTS, ids=lambda v: str(v))
def test_each_rule_updates_variable_and_slots_on_the_device(monkeypatch, op_type, attr):
    monkeypatch.setenv("GF_BACKEND", "cuda")
    rule, rng = RULES[op_type], np.random.default_rng(1)
    start, grads = _state(rule, rng), [rng.normal(size=(3, 2)).astype(np.float32) for _ in range(2)]
    graph = tf.Graph()
    with graph.as_default():
        variables = {r: tf.Variable(start[r], name=r) for r in rule.refs}
        grad = tf.placeholder(tf.float32, [3, 2])
        args = [variables[n] if n in rule.refs else grad if n == rule.grad_name
                else np.float32(SCALARS[n]) for n in rule.inputs]
        update = apply_update(op_type, *args, **_attrs(rule, attr))
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for g in grads:
            new_var = sess.run(update, {grad: g})
        got = sess.run(variables)
        host = {n.type for plan in sess._plans.values() for n in plan.host_nodes}
    assert not host, f"ran on the host: {host}"
    expected = dict(start)
    opdef = registry.get(op_type)
    for g in grads:
        inputs = [expected[n] if n in rule.refs else g if n == rule.grad_name
                  else np.float32(SCALARS[n]) for n in rule.inputs]
        expected = dict(zip(rule.refs, opdef.reference(_attrs(rule, attr), *inputs)))
    for r in rule.refs:
        np.testing.assert_allclose(got[r], expected[r], rtol=1e-5, atol=1e-6, err_msg=r)
    np.testing.assert_allclose(new_var, expected["var"], rtol=1e-5, atol=1e-6)


def test_a_float16_variable_updates_through_the_host(monkeypatch):
    """No float16 kernel: the update runs on host copies and the store keeps device arrays."""
    monkeypatch.setenv("GF_BACKEND", "cuda")
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.ones((2, 2), np.float16), name="w")
        accum = tf.Variable(np.zeros((2, 2), np.float16), name="accum")
        update = apply_update("ApplyMomentum", w, accum, np.float16(0.5),
                              np.full((2, 2), 2.0, np.float16), np.float16(0.9))
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run(update)
        got = sess.run({"w": w, "accum": accum})
        stored = sess._state.variables["w"]
    assert hasattr(stored, "copy_to_host")  # still a device array
    np.testing.assert_array_equal(got["accum"], np.full((2, 2), 3.8, np.float16))  # 2, 0.9*2+2
    np.testing.assert_array_equal(got["w"], np.full((2, 2), 1.0 - 0.5 * 2.0 - 0.5 * 3.8,
                                                    np.float16))


def _train(backend, monkeypatch, make_optimizer):
    monkeypatch.setenv("GF_BACKEND", backend)
    rng = np.random.RandomState(0)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(rng.normal(size=(4, 3)).astype(np.float32))
        w = tf.Variable(rng.normal(size=(3, 2)).astype(np.float32), name="w")
        loss = tf.reduce_sum(tf.square(tf.matmul(x, w)))
        train = make_optimizer().minimize(loss)
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        return sess.run(w), {n.type for plan in sess._plans.values() for n in plan.order}


@pytest.mark.parametrize("make_optimizer", [lambda: tf.train.AdamOptimizer(0.1),
                                            lambda: tf.train.MomentumOptimizer(0.05, 0.9)],
                         ids=["adam", "momentum"])
def test_optimizer_steps_on_the_device_equal_the_cpu(monkeypatch, make_optimizer):
    on_device, types = _train("cuda", monkeypatch, make_optimizer)
    on_cpu, _ = _train("cpu", monkeypatch, make_optimizer)
    assert types & {"ApplyAdam", "ApplyMomentum"}
    np.testing.assert_allclose(on_device, on_cpu, rtol=1e-5, atol=1e-6)
