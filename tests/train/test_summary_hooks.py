"""SummarySaverHook, StepCounterHook and MonitoredTrainingSession's summary defaults, read back
with TensorBoard's EventAccumulator. The tags and steps expected are those TensorFlow 2.21's
compat.v1 wrote for the same programs (e.g. MTS with save_summaries_steps=2,
log_step_count_steps=2 and 5 steps: the summary at steps 1, 3, 5; global_step/sec at 3, 5)."""

from __future__ import annotations

import logging as py_logging
import os

import pytest

import graphflow as tf

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator, event_file_loader  # noqa: E402

FED = [0.5, -1.25, 3.0, 7.5, 2.0]


@pytest.fixture(autouse=True)
def _fresh_graph_and_writers(graph):
    tf.summary.FileWriterCache.clear()
    yield graph
    tf.summary.FileWriterCache.clear()


def _scalars(logdir):
    """{tag: [(step, value), ...]} of every scalar in `logdir` (writers closed first)."""
    tf.summary.FileWriterCache.clear()
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def _session_logs(logdir):
    tf.summary.FileWriterCache.clear()
    events = []
    for name in sorted(os.listdir(logdir)):
        if name.startswith("events.out.tfevents"):
            events += event_file_loader.EventFileLoader(os.path.join(logdir, name)).Load()
    return [(e.step, e.session_log.status) for e in events if e.HasField("session_log")]


def _build():
    """A fed scalar summarized as "fed"; the train op only increments the global step."""
    gs = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [], name="x")
    summary = tf.summary.scalar("fed", x)
    train = tf.assign_add(gs, 1)
    return x, summary, train


def _train(sess, x, train, steps):
    for i in range(steps):
        sess.run(train, feed_dict={x: FED[i]})


def test_summary_saver_hook_writes_every_n_steps_from_the_first(tmp_path):
    x, summary, train = _build()
    hook = tf.train.SummarySaverHook(save_steps=2, output_dir=str(tmp_path), summary_op=summary)
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        _train(sess, x, train, 5)
    # The step written is the global step after the run; the value is the one fed to that run.
    assert _scalars(tmp_path) == {"fed": [(1, FED[0]), (3, FED[2]), (5, FED[4])]}
    start = tf.summary.SessionLog.START
    assert _session_logs(tmp_path) == [(1, start)]


def test_summary_saver_hook_takes_the_scaffold_summary_op_and_a_writer(tmp_path):
    x, _, train = _build()
    writer = tf.summary.FileWriter(str(tmp_path))
    scaffold = tf.train.Scaffold()
    hook = tf.train.SummarySaverHook(save_steps=3, summary_writer=writer, scaffold=scaffold)
    with tf.train.MonitoredSession(tf.train.ChiefSessionCreator(scaffold=scaffold), hooks=[hook]) as sess:
        _train(sess, x, train, 5)
    writer.close()
    assert _scalars(tmp_path) == {"fed": [(1, FED[0]), (4, FED[3])]}


def test_summary_saver_hook_argument_errors():
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1)
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1, scaffold=tf.train.Scaffold(), summary_op=tf.constant(b""))
    with pytest.raises(ValueError):
        tf.train.SummarySaverHook(summary_op=tf.constant(b""))
    hook = tf.train.SummarySaverHook(save_steps=1, summary_op=tf.constant(b""))
    with pytest.raises(RuntimeError, match="Global step should be created to use SummarySaverHook"):
        hook.begin()


def test_step_counter_hook_writes_and_logs_steps_per_sec(tmp_path, caplog):
    x, _, train = _build()
    hook = tf.train.StepCounterHook(every_n_steps=2, output_dir=str(tmp_path))
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        with caplog.at_level(py_logging.INFO, logger="graphflow"), \
                tf.train.MonitoredSession(hooks=[hook]) as sess:
            _train(sess, x, train, 5)
    finally:
        tf.logging.set_verbosity(old)
    rates = _scalars(tmp_path)["global_step/sec"]
    # The first trigger (step 1) only starts the clock.
    assert [step for step, _ in rates] == [3, 5]
    assert all(rate > 0 for _, rate in rates)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("global_step/sec: ")]
    assert len(logged) == 2
    assert float(logged[0].split(": ")[1]) > 0


def test_step_counter_hook_argument_errors():
    with pytest.raises(ValueError, match="exactly one of every_n_steps and every_n_secs"):
        tf.train.StepCounterHook(every_n_steps=None)
    with pytest.raises(ValueError, match="exactly one of every_n_steps and every_n_secs"):
        tf.train.StepCounterHook(every_n_steps=1, every_n_secs=1.0)
    with pytest.raises(RuntimeError, match="Global step should be created to use StepCounterHook"):
        tf.train.StepCounterHook().begin()


def test_mts_writes_summaries_into_checkpoint_dir_as_tf(tmp_path):
    x, _, train = _build()
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), save_summaries_steps=2,
                                           log_step_count_steps=2) as sess:
        _train(sess, x, train, 5)
    scalars = _scalars(tmp_path)
    assert scalars["fed"] == [(1, FED[0]), (3, FED[2]), (5, FED[4])]
    assert [step for step, _ in scalars["global_step/sec"]] == [3, 5]


def test_mts_defaults_summarize_every_100_steps(tmp_path):
    x, _, train = _build()
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path)) as sess:
        _train(sess, x, train, 3)
    # Default periods of 100 steps: the summary at the first step, no rate yet.
    assert _scalars(tmp_path) == {"fed": [(1, FED[0])]}


def test_mts_summary_dir_and_disabled_summaries(tmp_path):
    x, _, train = _build()
    ckpt, logs = tmp_path / "ckpt", tmp_path / "logs"
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(ckpt), summary_dir=str(logs),
                                           save_summaries_steps=None, log_step_count_steps=1) as sess:
        _train(sess, x, train, 3)
    # as TF1: the checkpoint directory's event file holds the CheckpointSaverHook's graph and
    # checkpoint logs only (recorded from TensorFlow 2.21's tf.compat.v1), no summaries
    assert _scalars(ckpt) == {}
    scalars = _scalars(logs)
    assert set(scalars) == {"global_step/sec"}
    assert [step for step, _ in scalars["global_step/sec"]] == [2, 3]


def test_mts_without_a_directory_writes_no_events(tmp_path):
    x, _, train = _build()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with tf.train.MonitoredTrainingSession() as sess:
            _train(sess, x, train, 2)
    finally:
        os.chdir(cwd)
    assert os.listdir(tmp_path) == []


def test_scaffold_summary_op_defaults_to_merge_all():
    tf.train.get_or_create_global_step()
    assert tf.train.Scaffold().finalize().summary_op is None
    tf.get_default_graph()._unsafe_unfinalize()
    tf.summary.scalar("a", tf.constant(1.0))
    scaffold = tf.train.Scaffold().finalize()
    assert scaffold.summary_op is not None
    # TF1's GraphKeys.SUMMARY_OP is the string "summary_op".
    assert tf.get_default_graph().get_collection("summary_op") == [scaffold.summary_op]
    with tf.Session() as sess:
        merged = tf.summary.Summary.FromString(sess.run(scaffold.summary_op))
    assert [(v.tag, v.simple_value) for v in merged.value] == [("a", 1.0)]


def test_mts_without_tensorboard_trains_and_warns(tmp_path, monkeypatch, caplog):
    from graphflow.summary import protos

    monkeypatch.setattr(protos, "tensorboard_available", lambda: False)
    x, _, train = _build()
    with caplog.at_level(py_logging.WARNING, logger="graphflow"), \
            tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path)) as sess:
        _train(sess, x, train, 2)
        assert sess.run(tf.train.get_global_step()) == 2
    assert not [f for f in os.listdir(tmp_path) if f.startswith("events.out")]
    assert any("tensorboard package is not installed" in r.getMessage() for r in caplog.records)
