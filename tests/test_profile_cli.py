"""`python -m graphflow.profile`: per-op and per-scope tables of mean kernel times, forward and
backward, for a script (examples/cnn_digits.py) and for a meta graph; the report's arithmetic on
hand-made step stats."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import graphflow as tf
from graphflow.profile.__main__ import main
from graphflow.profile.report import StepProfile, forward_name, is_backward, scope_of
from graphflow.session.step_stats import StepStats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _stats(kernels):
    """StepStats with kernels (name, label, start ns, duration ns)."""
    stats = StepStats()
    dev = stats.dev_stats.add(device="/device:CPU:0")
    for name, label, start, duration in kernels:
        dev.node_stats.add(node_name=name, timeline_label=label, all_start_nanos=start,
                           all_end_rel_nanos=duration)
    return stats


def test_names_map_to_phase_forward_op_and_scope():
    assert is_backward("gradients/dense/MatMul_grad/MatMul_1")
    assert is_backward("model/gradients_1/conv/Conv2D_grad/Conv2DBackpropFilter")
    assert not is_backward("dense/MatMul") and not is_backward("my_gradients/x")
    assert forward_name("gradients/dense/MatMul_grad/MatMul_1") == "dense/MatMul"
    assert forward_name("gradients/MatMul_grad/MatMul") == "MatMul"
    assert forward_name("block1/Relu/fused6") == "block1/Relu"
    assert scope_of("gradients/block1/conv2d/Conv2D_grad/Conv2DBackpropFilter", 1) == "block1"
    assert scope_of("gradients/block1/conv2d/Conv2D_grad/Conv2DBackpropFilter", 2) == "block1/conv2d"
    assert scope_of("MatMul", 1) == "(root)"


def test_profile_means_shares_and_scopes_from_step_stats():
    runs = [
        _stats([("d/MatMul", "d/MatMul = MatMul(x, w)", 1000, 3_000_000),
                ("gradients/d/MatMul_grad/MatMul", "gradients/d/MatMul_grad/MatMul = MatMul(g, w)",
                 4_000_000, 5_000_000),
                ("d/Relu/fused2", "d/Relu/fused2 = _FusedElementwise(d/MatMul) fused: d/add:Add, d/Relu:Relu",
                 9_000_000, 1_000_000)]),
        _stats([("d/MatMul", "d/MatMul = MatMul(x, w)", 0, 1_000_000),
                ("gradients/d/MatMul_grad/MatMul", "gradients/d/MatMul_grad/MatMul = MatMul(g, w)",
                 1_000_000, 7_000_000),
                ("d/Relu/fused2", "d/Relu/fused2 = _FusedElementwise(d/MatMul) fused: d/add:Add, d/Relu:Relu",
                 9_000_000, 1_000_000)]),
    ]
    profile = StepProfile.from_step_stats(runs)
    assert [(r.name, r.mean_ms, r.backward) for r in profile.ops] == [
        ("gradients/d/MatMul_grad/MatMul", 6.0, True), ("d/MatMul", 2.0, False), ("d/Relu/fused2", 1.0, False)]
    assert profile.ops[2].fused == ["d/add:Add", "d/Relu:Relu"]
    assert profile.step_ms == pytest.approx((9.999 + 10.0) / 2)
    (scope,) = profile.scopes(1)
    assert (scope.scope, scope.forward_ms, scope.backward_ms) == ("d", 3.0, 6.0)
    text = profile.format(top=2)
    assert "gradients/d/MatMul_grad/MatMul" in text and "d/Relu/fused2" not in text.split("Per name")[0]
    assert re.search(r"6\.000\s+60\.0%\s+backward\s+MatMul\s+gradients/d/MatMul_grad/MatMul", text)
    assert re.search(r"3\.000\s+6\.000\s+9\.000\s+90\.0%\s+d$", text, re.M)
    with pytest.raises(ValueError):
        StepProfile.from_step_stats([])


def test_cnn_digits_script_prints_the_tables():
    result = subprocess.run(
        [sys.executable, "-m", "graphflow.profile", "--iterations", "2", "--warmup", "1", "--top", "40",
         "examples/cnn_digits.py", "--epochs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "examples/cnn_digits.py" in out and "2 runs after 1 warm-up" in out
    assert re.search(r"^\s*[\d.]+\s+[\d.]+%\s+backward\s+Conv2DBackpropFilter\s+"
                     r"gradients/block\d/conv2d/Conv2D_grad/Conv2DBackpropFilter$", out, re.M)
    assert re.search(r"^\s*[\d.]+\s+[\d.]+%\s+forward\s+Conv2D\s+block\d/conv2d/Conv2D$", out, re.M)
    assert re.search(r"_FusedElementwise\s+block\d/Relu/fused\d+\s+\[fused: .*block\d/Relu:Relu\]", out)
    scopes = out.split("Per name scope (depth 1):")[1]
    for block in ("block1", "block2", "block3"):
        assert re.search(rf"^\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+%\s+{block}$", scopes, re.M)
    # the ops' rows are sorted, slowest first
    times = [float(m) for m in re.findall(r"^\s*([\d.]+)\s+[\d.]+%\s+(?:forward|backward)", out, re.M)]
    assert times == sorted(times, reverse=True) and len(times) == 40


def test_meta_graph_mode_with_feed_shapes(graph, tmp_path):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    with tf.variable_scope("dense"):
        logits = tf.layers.dense(x, 3)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    meta = str(tmp_path / "model.meta")
    tf.train.export_meta_graph(meta)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--meta", meta, "--fetch", loss.name, "--fetch", "train", "--feed-shapes", "x:8,4",
                       "--batch", "8", "--iterations", "3", "--chrome-trace", str(tmp_path / "t.json")])
    assert status == 0
    text = out.getvalue()
    assert "over 3 runs" in text and "MatMul" in text
    assert re.search(r"backward\s+\S+\s+gradients/dense/", text)
    assert os.path.getsize(tmp_path / "t.json") > 100


def test_bad_command_lines_are_refused(tmp_path):
    for argv in ([], ["--meta", "m.meta", "script.py"], ["--meta", "m.meta"],
                 ["--feed-shapes", "x", "--meta", "m.meta", "--fetch", "a"]):
        with pytest.raises(SystemExit) as info, contextlib.redirect_stderr(io.StringIO()):
            main(argv)
        assert info.value.code == 2


def test_feeding_a_name_the_graph_lacks_is_named(graph, tmp_path):
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.reduce_sum(x * np.float32(2), name="s")
    meta = str(tmp_path / "m.meta")
    tf.train.export_meta_graph(meta)
    with pytest.raises(KeyError, match="nope"):
        main(["--meta", meta, "--fetch", "s", "--feed-shapes", "nope:3"])


def test_an_unfed_placeholder_gets_a_hint(graph, tmp_path, capsys):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    tf.reduce_sum(x, name="s")
    meta = str(tmp_path / "m.meta")
    tf.train.export_meta_graph(meta)
    with pytest.raises(SystemExit) as info:
        main(["--meta", meta, "--fetch", "s"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "placeholder tensor 'x'" in err and "--feed-shapes" in err
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["--meta", meta, "--fetch", "s", "--batch", "3", "--iterations", "1"]) == 0
    assert "Sum" in out.getvalue()
