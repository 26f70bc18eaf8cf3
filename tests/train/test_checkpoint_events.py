"""CheckpointSaverHook and the event file, as TF1: the graph and meta graph when the session is
created, and a SessionLog CHECKPOINT (the checkpoint prefix) at every save's global step.
The event sequence was recorded from TensorFlow 2.21's tf.compat.v1 MonitoredTrainingSession
(checkpoint_dir, save_checkpoint_steps=2, 5 steps: CHECKPOINT at steps 0, 2, 4, then 5 at the
end, which TensorFlow loses because it never flushes its cached writer)."""

from __future__ import annotations

import glob
import os

import pytest

import graphflow as tf

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_file_loader  # noqa: E402

from tests.summary._read import accumulate  # noqa: E402


def _events(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return list(event_file_loader.LegacyEventFileLoader(path).Load())  # events as written


def _train_op():
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(1.0, name="w")
    return tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w, name="loss"), global_step=step)


def test_graph_meta_graph_and_checkpoint_logs(graph, tmp_path):
    train = _train_op()
    logdir = str(tmp_path)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=logdir, save_checkpoint_steps=2,
                                           save_summaries_steps=None, save_summaries_secs=None,
                                           log_step_count_steps=None) as sess:
        for _ in range(5):
            sess.run(train)
    tf.summary.FileWriterCache.get(logdir).flush()
    events = _events(logdir)
    kinds = [e.WhichOneof("what") for e in events]
    assert kinds[:3] == ["file_version", "graph_def", "meta_graph_def"]
    logs = [(e.step, e.session_log.status, e.session_log.checkpoint_path) for e in events
            if e.WhichOneof("what") == "session_log"]
    checkpoint = tf.summary.SessionLog.CHECKPOINT
    prefix = os.path.join(logdir, "model.ckpt")
    assert logs == [(0, checkpoint, prefix), (2, checkpoint, prefix), (4, checkpoint, prefix),
                    (5, checkpoint, prefix)]
    for step in (0, 2, 4, 5):
        assert os.path.exists(f"{prefix}-{step}.meta")
    assert os.path.exists(os.path.join(logdir, "graph.pbtxt"))
    meta = accumulate(logdir).MetaGraph()
    names = {node.name for node in meta.graph_def.node}
    assert {"w", "loss", "global_step"} <= names
    assert meta.saver_def.max_to_keep == 5 and meta.saver_def.version == 2  # SaverDef.V2


def test_no_graph_events_without_save_graph_def(graph, tmp_path):
    train = _train_op()
    logdir = str(tmp_path)
    hook = tf.train.CheckpointSaverHook(logdir, save_steps=10, save_graph_def=False)
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        sess.run(train)
    tf.summary.FileWriterCache.get(logdir).flush()
    kinds = [e.WhichOneof("what") for e in _events(logdir)]
    assert "graph_def" not in kinds and "meta_graph_def" not in kinds
    assert kinds.count("session_log") == 2  # at creation (step 0) and at the end (step 1)


def test_add_meta_graph_refuses_other_types(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    try:
        with pytest.raises(TypeError, match="meta_graph_def must be type MetaGraphDef"):
            writer.add_meta_graph({"graph_def": {}})
    finally:
        writer.close()
