"""The fused optimizer update ops (ops/training_ops.py): each rule against a float64 formula
written here from TF1's documentation (not from the rule text), the numba kernels against the
numpy reference in float32, three steps against values recorded from TensorFlow's kernels, TF1's
errors, and the storage guarantee (an array fetched or read before an update never changes)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow.ops import registry
from graphflow.ops._update_rules import RULES
from graphflow.train.training_ops import apply_update


def _textbook(op_type, s, g, attrs):
    """One step of each rule in float64, from TF1's documented update equations."""
    s = {k: np.asarray(v, np.float64) for k, v in s.items()}
    g = np.asarray(g, np.float64)
    nesterov = attrs.get("use_nesterov", False)
    update_slots = attrs.get("update_slots", True)
    if op_type == "ApplyGradientDescent":
        return {"var": s["var"] - s["alpha"] * g}
    if op_type in ("ApplyMomentum", "ApplyKerasMomentum"):
        keras = op_type == "ApplyKerasMomentum"
        accum = s["momentum"] * s["accum"] + (-s["lr"] * g if keras else g)
        if keras:
            step = s["momentum"] * accum - s["lr"] * g if nesterov else accum
            return {"var": s["var"] + step, "accum": accum}
        step = s["lr"] * (g + s["momentum"] * accum) if nesterov else s["lr"] * accum
        return {"var": s["var"] - step, "accum": accum}
    if op_type == "ApplyAdam":
        m = s["beta1"] * s["m"] + (1 - s["beta1"]) * g
        v = s["beta2"] * s["v"] + (1 - s["beta2"]) * g * g
        lr_t = s["lr"] * np.sqrt(1 - s["beta2_power"]) / (1 - s["beta1_power"])
        m_used = s["beta1"] * m + (1 - s["beta1"]) * g if nesterov else m
        return {"var": s["var"] - lr_t * m_used / (np.sqrt(v) + s["epsilon"]), "m": m, "v": v}
    if op_type == "ApplyAdaMax":
        m = s["beta1"] * s["m"] + (1 - s["beta1"]) * g
        v = np.maximum(s["beta2"] * s["v"], np.abs(g))
        return {"var": s["var"] - s["lr"] / (1 - s["beta1_power"]) * m / (v + s["epsilon"]),
                "m": m, "v": v}
    if op_type in ("ApplyRMSProp", "ApplyCenteredRMSProp"):
        ms = s["rho"] * s["ms"] + (1 - s["rho"]) * g * g
        out = {"ms": ms}
        denominator = ms + s["epsilon"]
        if op_type == "ApplyCenteredRMSProp":
            out["mg"] = s["rho"] * s["mg"] + (1 - s["rho"]) * g
            denominator = ms - out["mg"] ** 2 + s["epsilon"]
        out["mom"] = s["momentum"] * s["mom"] + s["lr"] * g / np.sqrt(denominator)
        out["var"] = s["var"] - out["mom"]
        return out
    if op_type in ("ApplyAdagrad", "ApplyAdagradV2"):
        accum = s["accum"] + g * g if update_slots else s["accum"]
        root = np.sqrt(accum) + (s["epsilon"] if op_type == "ApplyAdagradV2" else 0.0)
        return {"var": s["var"] - s["lr"] * g / root, "accum": accum}
    if op_type == "ApplyAdadelta":
        accum = s["rho"] * s["accum"] + (1 - s["rho"]) * g * g
        update = np.sqrt(s["accum_update"] + s["epsilon"]) / np.sqrt(accum + s["epsilon"]) * g
        return {"var": s["var"] - s["lr"] * update, "accum": accum,
                "accum_update": s["rho"] * s["accum_update"] + (1 - s["rho"]) * update * update}
    raise AssertionError(op_type)


SCALARS = {"alpha": 0.1, "lr": 0.05, "momentum": 0.9, "beta1": 0.9, "beta2": 0.99,
           "beta1_power": 0.81, "beta2_power": 0.9801, "epsilon": 1e-3, "rho": 0.9}
VARIANTS = [(t, attrs) for t, rule in RULES.items()
            for attrs in [{}, *({a.lstrip("!"): not rule.defaults[a.lstrip("!")]}
                                for a in rule.variants)]]
SHAPE = (5, 7)


def _start(rule, rng):
    ranges = {"var": (-1.0, 1.0), "mg": (-0.1, 0.1)}
    return {r: rng.uniform(*ranges.get(r, (0.5, 1.5)), SHAPE) for r in rule.refs}


def _run_steps(op_type, attrs, dtype, start, grads):
    """The op run in a session for each gradient: the final variable and slots, and the op's
    output of the last step."""
    rule = RULES[op_type]
    graph = tf.Graph()
    with graph.as_default():
        variables = {r: tf.Variable(start[r].astype(dtype), name=r) for r in rule.refs}
        grad = tf.placeholder(dtype, SHAPE)
        args = [variables[n] if n in rule.refs else grad if n == rule.grad_name
                else np.asarray(SCALARS[n], dtype) for n in rule.inputs]
        update = apply_update(op_type, *args, **attrs)
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for g in grads:
            out = sess.run(update, {grad: g.astype(dtype)})
        return sess.run(variables), out, update


@pytest.mark.parametrize(("op_type", "attrs"), VARIANTS, ids=lambda v: str(v))
def test_rule_matches_the_documented_update(op_type, attrs):
    rule, rng = RULES[op_type], np.random.default_rng(7)
    start, grads = _start(rule, rng), [rng.normal(size=SHAPE) for _ in range(3)]
    expected = dict(start)
    for g in grads:
        expected = _textbook(op_type, {**expected, **SCALARS}, g, attrs)
        expected = {r: expected.get(r, start[r]) for r in rule.refs}
    for dtype, rtol in ((np.float64, 1e-12), (np.float32, 2e-5), (np.float16, 2e-2)):
        got, out, update = _run_steps(op_type, attrs, dtype, start, grads)
        assert update.op.type == op_type and update.dtype.np == dtype
        for r in rule.refs:
            assert got[r].dtype == dtype
            np.testing.assert_allclose(got[r], expected[r], rtol=rtol, atol=rtol,
                                       err_msg=f"{op_type} {r} {dtype.__name__}")
        np.testing.assert_allclose(out, expected["var"], rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("op_type", "attrs"), VARIANTS, ids=lambda v: str(v))
def test_numba_kernel_equals_the_numpy_reference_in_float32(op_type, attrs):
    """The kernels and the reference compute in the variable's dtype, in the same order."""
    rule, rng = RULES[op_type], np.random.default_rng(3)
    start, grads = _start(rule, rng), [rng.normal(size=SHAPE) for _ in range(2)]
    got, _, _ = _run_steps(op_type, attrs, np.float32, start, grads)
    state = {r: start[r].astype(np.float32) for r in rule.refs}
    for g in grads:
        inputs = [state[n] if n in rule.refs else g.astype(np.float32) if n == rule.grad_name
                  else np.float32(SCALARS[n]) for n in rule.inputs]
        state = dict(zip(rule.refs, registry.get(op_type).reference(attrs, *inputs)))
    for r in rule.refs:
        np.testing.assert_allclose(got[r], state[r], rtol=1e-6, atol=1e-7, err_msg=r)


def _adam_graph(shape=(2, 3), grad_shape=None, lr_shape=()):
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.ones(shape, np.float32), name="w")
        m = tf.Variable(np.zeros(shape, np.float32), name="m")
        v = tf.Variable(np.zeros(shape, np.float32), name="v")
        grad = tf.placeholder(tf.float32, grad_shape)
        lr = tf.placeholder(tf.float32, lr_shape)
        update = apply_update("ApplyAdam", w, m, v, 0.9, 0.999, lr, 0.9, 0.999, 1e-8, grad)
    return graph, (w, m, v), grad, lr, update


def test_build_time_errors_name_the_input():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.ones((2, 3), np.float32))
        acc = tf.Variable(np.ones((2, 3), np.float32))
        grad64 = tf.constant(np.ones((2, 3)))
        with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
            apply_update("ApplyMomentum", w, acc, 0.1, grad64, 0.9)
        with pytest.raises(TypeError, match="Input 'grad' of 'ApplyMomentum' Op has type float64"):
            graph.create_op("ApplyMomentum", [w._ref(), acc._ref(), tf.constant(0.1), grad64,
                                              tf.constant(0.9)], {}, "ApplyMomentum")
        with pytest.raises(ValueError, match=r"Dimension 1 .* 3 and 4.*'grad'"):
            apply_update("ApplyMomentum", w, acc, 0.1, np.ones((2, 4), np.float32), 0.9)
        with pytest.raises(ValueError, match="rank 0 but is rank 1 for input 'lr'"):
            apply_update("ApplyMomentum", w, acc, [0.1, 0.2], np.ones((2, 3), np.float32), 0.9)
        with pytest.raises(TypeError, match="Expected a Variable"):
            apply_update("ApplyMomentum", w, tf.constant(np.ones((2, 3), np.float32)), 0.1,
                         np.ones((2, 3), np.float32), 0.9)
        with pytest.raises(ValueError, match="no attribute"):
            apply_update("ApplyGradientDescent", w, 0.1, np.ones((2, 3), np.float32),
                         use_nesterov=True)


def test_run_time_errors_are_tf1s():
    graph, (w, m, v), grad, lr, update = _adam_graph(grad_shape=None, lr_shape=None)
    with tf.Session(graph=graph) as sess:
        sess.run(w.initializer)
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value m"):
            sess.run(update, {grad: np.ones((2, 3), np.float32), lr: 0.1})
        sess.run(tf.global_variables_initializer())
        # caught when the plan is compiled for the fed shapes (shape rule) or, in a plan
        # general in the feeds' shapes, by the kernel: TF1's error either way
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"var and grad do not have the same shape\[2,3\] \[3\]|"
                                 r"rank, but are 2 and 1 \(ApplyAdam inputs 'var' and 'grad'\)"):
            sess.run(update, {grad: np.ones(3, np.float32), lr: 0.1})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"lr is not a scalar: \[2\]|rank 0 but is rank 1 for input 'lr'"):
            sess.run(update, {grad: np.ones((2, 3), np.float32), lr: [0.1, 0.1]})
        # a failed update changed nothing
        np.testing.assert_array_equal(sess.run(w), np.ones((2, 3), np.float32))
        np.testing.assert_array_equal(sess.run(m), np.zeros((2, 3), np.float32))


def test_fetched_and_earlier_read_arrays_never_change():
    graph, (w, m, v), grad, lr, update = _adam_graph()
    feed = {grad: np.ones((2, 3), np.float32), lr: 0.1}
    with graph.as_default():
        snapshot = tf.identity(w) * 1.0  # a read in the same run as the update
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        kept = before.copy()
        sess.run(update, feed)
        np.testing.assert_array_equal(before, kept)  # a fetched array is the user's
        w_now, read, new, slot = sess.run([w, snapshot, update, m], feed)
        # reads in the run with the update see the value from its start
        np.testing.assert_array_equal(w_now, read)
        assert not np.array_equal(new, w_now)
        w_copy, new_copy, slot_copy = w_now.copy(), new.copy(), slot.copy()
        for _ in range(2):
            sess.run(update, feed)
        np.testing.assert_array_equal(w_now, w_copy)
        np.testing.assert_array_equal(new, new_copy)
        np.testing.assert_array_equal(slot, slot_copy)
        new = sess.run(update, feed)  # the op's output is the variable's new value
        np.testing.assert_array_equal(sess.run(w), new)


RECORDED = json.loads((Path(__file__).parent / "data" / "training_ops_tf.json").read_text())


@pytest.mark.parametrize("key", sorted(RECORDED["cases"]))
def test_three_steps_match_tensorflows_kernels(key):
    """float32 against TensorFlow's ResourceApply* kernels (tests/ops/record_training_ops.py)."""
    case, op_type = RECORDED["cases"][key], key.split("{", 1)[0]
    rule = RULES[op_type]
    graph = tf.Graph()
    with graph.as_default():
        variables = {r: tf.Variable(np.asarray(case["start"][r], np.float32), name=r)
                     for r in rule.refs}
        grad = tf.placeholder(tf.float32, [3, 4])
        args = [variables[n] if n in rule.refs else grad if n == rule.grad_name
                else np.float32(RECORDED["scalars"][n]) for n in rule.inputs]
        update = apply_update(op_type, *args, **case["attrs"])
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for g in case["grads"]:
            sess.run(update, {grad: np.asarray(g, np.float32)})
        got = sess.run(variables)
    for r in rule.refs:
        np.testing.assert_allclose(got[r], np.asarray(case["result"][r], np.float32),
                                   rtol=1e-6, atol=1e-7, err_msg=r)
