"""tf.train.ProfilerHook: traces every `save_steps` steps (never the first run), writes
`timeline-<global step>.json` Chrome traces and the run metadata to the event file. The file
steps (2 and 4 for save_steps=2 over 5 runs) were recorded from TensorFlow 2.21's
tf.compat.v1.train.ProfilerHook."""

from __future__ import annotations

import json
import os

import pytest

import graphflow as tf


def _train_op():
    """A training step that also fetches its loss (the update alone does not need `loss`: the
    gradient of a square reads w, and the gradient's seed of ones is a folded constant)."""
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(1.0, name="w")
    loss = tf.square(w, name="loss")
    return [tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step), loss]


def test_writes_timelines_at_tf1s_steps(graph, tmp_path):
    train = _train_op()
    hook = tf.train.ProfilerHook(save_steps=2, output_dir=str(tmp_path), show_memory=True)
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for _ in range(5):
            sess.run(train)
    timelines = sorted(f for f in os.listdir(tmp_path) if f.startswith("timeline-"))
    assert timelines == ["timeline-2.json", "timeline-4.json"]
    with open(tmp_path / "timeline-2.json") as f:
        events = json.load(f)["traceEvents"]
    ops = {e["args"]["name"]: e["name"] for e in events if e["ph"] == "X"}
    assert ops["loss"] == "Square"
    assert any(e["ph"] == "C" for e in events)  # show_memory
    assert any(e["ph"] == "O" and e["name"] == "loss" for e in events)


def test_run_metadata_reaches_the_event_file(graph, tmp_path):
    pytest.importorskip("tensorboard")
    from tests.summary._read import accumulate

    train = _train_op()
    hook = tf.train.ProfilerHook(save_steps=2, output_dir=str(tmp_path))
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for _ in range(3):
            sess.run(train)
    tf.summary.FileWriterCache.get(str(tmp_path)).flush()
    acc = accumulate(str(tmp_path))
    assert acc.Tags()["run_metadata"] == ["step_2"]
    stats = acc.RunMetadata("step_2").step_stats
    names = {ns.node_name for dev in stats.dev_stats for ns in dev.node_stats}
    assert "loss" in names


def test_needs_exactly_one_period_and_a_global_step(graph, tmp_path):
    with pytest.raises(ValueError):
        tf.train.ProfilerHook(output_dir=str(tmp_path))
    with pytest.raises(ValueError):
        tf.train.ProfilerHook(save_steps=1, save_secs=1, output_dir=str(tmp_path))
    hook = tf.train.ProfilerHook(save_steps=1, output_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match="Global step should be created to use ProfilerHook"):
        hook.begin()
