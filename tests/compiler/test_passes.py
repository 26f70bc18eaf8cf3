"""The pipeline: one PASSES list is what the compiler runs, what GF_DISABLE_PASSES and a
backend's skipped passes switch off, and what GF_DEBUG=3 prints after each step; GF_DEBUG=1
and 2 print bound plans with assign targets, constants, fused rows, @host marks and sources."""

from __future__ import annotations

import re

import numpy as np
import pytest

import graphflow as tf
from graphflow.compiler.passes import PASSES


def test_the_pipeline_order():
    assert [p.name for p in PASSES] == ["lower", "sink_control_inputs", "fold", "simplify",
                                        "fuse_batch_norm_relu", "fuse", "fuse_pool_relu_grad",
                                        "fuse_bias_relu_pool", "fuse_conv_backprops", "dce", "histories",
                                        "schedule", "memory"]
    assert {p.name for p in PASSES if p.optional} == {
        "sink_control_inputs", "fold", "simplify", "fuse_batch_norm_relu", "fuse", "fuse_pool_relu_grad",
        "fuse_bias_relu_pool", "fuse_conv_backprops"}


def _model():
    x = tf.placeholder(tf.float32, [4, 300], name="x")
    w = tf.Variable(np.ones((4, 300), np.float32), name="w")
    h = tf.maximum(x * 0.5 + w, 0.0) * 2.0 - 1.0  # fuses on the CPU: 1200 elements
    step = tf.assign_add(w, h, name="step")
    with tf.device("/cpu:0"):
        pinned = tf.exp(x, name="pinned")
    return x, w, step, pinned


def _debug_run(monkeypatch, capsys, level, backend="cpu"):
    x, w, step, pinned = _model()
    monkeypatch.setenv("GF_BACKEND", backend)
    with tf.Session() as sess:
        sess.run(w.initializer)
        capsys.readouterr()
        monkeypatch.setenv("GF_DEBUG", str(level))
        sess.run([step, pinned], {x: np.ones((4, 300), np.float32)})
    return capsys.readouterr().err


def test_debug_1_shows_targets_constants_fused_rows_and_host_marks(graph, monkeypatch, capsys):
    err = _debug_run(monkeypatch, capsys, 1)
    assert err.startswith("graphflow plan ") and "(cpu):" in err.splitlines()[0]
    assert "AssignAdd(&w, %" in err
    assert "Const{0.5}()" in err
    assert "_FusedElementwise{t0=Mul(x0,x1); t1=Add(t0,x2); t2=Maximum(t1,x3); t3=Mul(t2,x4); " \
        "t4=Sub(t3,x5) -> t4}(" in err
    assert re.search(r"= Exp\(%\d+\) @host -> float32\[4,300\]   # pinned", err)
    assert "def plan(feeds)" not in err


def test_debug_2_adds_the_plan_function_and_kernel_sources(graph, monkeypatch, capsys):
    err = _debug_run(monkeypatch, capsys, 2)
    assert "def plan(feeds):" in err
    assert "# kernel of %" in err and "@njit(cache=True" in err and "t4 = (t3 - x5)" in err
    assert "IR after" not in err


def test_debug_3_prints_the_ir_after_every_pass(graph, monkeypatch, capsys):
    err = _debug_run(monkeypatch, capsys, 3)
    steps = re.findall(r"graphflow IR after (\w+):", err)
    assert steps == [p.name for p in PASSES]
    after_fold = err.split("graphflow IR after fold:")[1].split("graphflow IR after")[0]
    assert "Mul(" in after_fold and "_FusedElementwise" not in after_fold
    after_fuse = err.split("graphflow IR after fuse:")[1].split("graphflow IR after")[0]
    assert "_FusedElementwise" in after_fuse


def test_disabled_and_skipped_passes_are_not_run(graph, monkeypatch, capsys):
    monkeypatch.setenv("GF_DISABLE_PASSES",
                       "fold,fuse,fuse_pool_relu_grad,fuse_bias_relu_pool,fuse_conv_backprops")
    err = _debug_run(monkeypatch, capsys, 3)
    assert re.findall(r"graphflow IR after (\w+):", err) == [
        "lower", "sink_control_inputs", "simplify", "fuse_batch_norm_relu", "dce", "histories",
        "schedule", "memory"]
    monkeypatch.delenv("GF_DISABLE_PASSES")
    err = _debug_run(monkeypatch, capsys, 3, backend="reference")  # it skips fusion
    assert "fuse" not in re.findall(r"graphflow IR after (\w+):", err)
    assert "_FusedElementwise" not in err


@pytest.mark.parametrize("level", ["", "0"])
def test_no_debug_output_by_default(graph, monkeypatch, capsys, level):
    assert _debug_run(monkeypatch, capsys, level) == ""
