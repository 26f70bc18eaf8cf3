"""tf.summary.scalar / merge_all through a FileWriter, read back with EventAccumulator; the
event file's name, TF1's errors, tag cleaning, and tensorboard being optional."""

import logging
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import graphflow as tf

from ._read import accumulate


def test_scalars_and_steps_read_back(graph, tmp_path):
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.name_scope("train"):
        loss = tf.summary.scalar("loss", x * 2.0)
    acc_s = tf.summary.scalar("acc", 1.0 - x)
    merged = tf.summary.merge_all()
    assert loss.name == "train/loss:0" and acc_s.name == "acc:0"
    assert merged.op.type == "MergeSummary" and merged.op.name == "Merge/MergeSummary"
    writer = tf.summary.FileWriter(str(tmp_path), flush_secs=1)
    with tf.Session() as sess:
        for step, v in enumerate([0.5, 0.25, 0.125]):
            writer.add_summary(sess.run(merged, {x: v}), global_step=10 * step)
    writer.close()
    acc = accumulate(tmp_path)
    assert sorted(acc.Tags()["scalars"]) == ["acc", "train/loss"]
    events = acc.Scalars("train/loss")
    assert [e.step for e in events] == [0, 10, 20]
    np.testing.assert_allclose([e.value for e in events], [1.0, 0.5, 0.25])
    np.testing.assert_allclose([e.value for e in acc.Scalars("acc")], [0.5, 0.75, 0.875])


def test_event_file_named_as_tf1_and_first_record_is_file_version(graph, tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path / "run"), filename_suffix=".v1")
    writer.close()
    (name,) = os.listdir(tmp_path / "run")
    prefix = "events.out.tfevents."
    assert name.startswith(prefix) and name.endswith(f".{socket.gethostname()}.v1")
    assert len(name[len(prefix):].split(".")[0]) == 10  # %010d seconds, as TF1
    assert writer.get_logdir() == str(tmp_path / "run")
    from tensorboard.backend.event_processing import event_file_loader

    events = list(event_file_loader.EventFileLoader(str(tmp_path / "run" / name)).Load())
    assert events[0].file_version == "brain.Event:2"


def test_non_scalar_is_tf1_runtime_error(graph):
    s = tf.summary.scalar("a", tf.constant([1.0, 2.0]))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match=r"tags and values are not the same shape: "
                                                   r"\[\] != \[2\] \(tag 'a'\)"):
        sess.run(s)


def test_illegal_tag_is_cleaned_with_tf1_warning(graph, caplog):
    with caplog.at_level(logging.WARNING):
        s = tf.summary.scalar("bad name!", 1.0)
    assert s.op.name == "bad_name_"
    assert "Summary name bad name! is illegal; using bad_name_ instead." in caplog.text


def test_family_prefixes_the_tag(graph, tmp_path):
    s = tf.summary.scalar("lr", 0.5, family="opt")
    assert s.op.name == "opt/lr"
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as w:
        w.add_summary(sess.run(s), 3)
    assert accumulate(tmp_path).Tags()["scalars"] == ["opt/opt/lr"]  # TF1 repeats the family


def test_merge_all_empty_is_none_and_collections(graph):
    assert tf.summary.merge_all() is None
    s = tf.summary.scalar("a", 1.0, collections=["mine"])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == []
    assert tf.summary.merge_all("mine") is not None and tf.get_collection("mine") == [s]


def test_unwritable_logdir_is_clear_error_at_creation(graph, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="FileWriter cannot write to logdir"):
        tf.summary.FileWriter(str(blocker / "sub"))


def test_close_reopen_and_cache(graph, tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.close()
    w.add_summary(b"")  # ignored after close, as TF1
    w.reopen()
    w.close()
    assert len(os.listdir(tmp_path)) >= 1
    a = tf.summary.FileWriterCache.get(str(tmp_path / "c"))
    assert tf.summary.FileWriterCache.get(str(tmp_path / "c")) is a
    tf.summary.FileWriterCache.clear()


def test_import_does_not_need_tensorboard_and_summaries_name_the_extra():
    code = ("import sys; sys.modules['tensorboard'] = None\n"
            "import graphflow as tf\n"
            "s = tf.summary.scalar('a', 1.0)\n"
            "try:\n"
            "    tf.summary.FileWriter('unused')\n"
            "except ImportError as e:\n"
            "    print('IMPORT-ERROR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert "IMPORT-ERROR" in out.stdout, out.stderr
    assert "pip install graphflow-tf1[tensorboard]" in out.stdout


def test_summary_protos_and_session_log(graph, tmp_path):
    summary = tf.summary.Summary(value=[tf.summary.Summary.Value(tag="hand", simple_value=4.5)])
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        # a START log purges later-step events shown before it (TensorBoard's restart rule)
        writer.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 1)
        writer.add_summary(summary, global_step=2)
        writer.add_event(tf.summary.Event(step=3, summary=summary))
    (first, second) = accumulate(tmp_path).Scalars("hand")
    assert (first.step, first.value, second.step, second.value) == (2, 4.5, 3, 4.5)
    from tensorboard.backend.event_processing import event_file_loader

    (path,) = tmp_path.iterdir()
    logs = [e.session_log.status for e in event_file_loader.EventFileLoader(str(path)).Load()
            if e.HasField("session_log")]
    assert logs == [tf.summary.SessionLog.START]


def test_killed_process_leaves_readable_event_file(tmp_path):
    # the child flushes 5 steps, queues more and dies without closing: every flushed record is
    # whole, so the reader gets steps 0..4 at least and no error
    code = ("import os, graphflow as tf\n"
            f"w = tf.summary.FileWriter({str(tmp_path)!r})\n"
            "s = lambda v: tf.summary.Summary(value=[tf.summary.Summary.Value(tag='t', simple_value=v)])\n"
            "for k in range(5): w.add_summary(s(k), k)\n"
            "w.flush()\n"
            "for k in range(5, 500): w.add_summary(s(k), k)\n"
            "os._exit(9)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.returncode == 9, out.stderr
    steps = [e.step for e in accumulate(tmp_path).Scalars("t")]
    assert steps[:5] == [0, 1, 2, 3, 4] and steps == list(range(len(steps)))


def test_add_run_metadata_is_listed_by_tag(graph, tmp_path):
    from tensorboard.compat.proto import config_pb2

    proto = config_pb2.RunMetadata()
    proto.step_stats.dev_stats.add(device="/cpu:0")
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_run_metadata(proto, "step5", global_step=5)
        writer.add_run_metadata(tf.RunMetadata(), "plain")
    acc = accumulate(tmp_path)
    assert sorted(acc.Tags()["run_metadata"]) == ["plain", "step5"]
    assert acc.RunMetadata("step5").step_stats.dev_stats[0].device == "/cpu:0"


def test_top_level_summary_protos_are_tf_summary_ones(graph, tmp_path):
    # TF1 exports tf.Summary / tf.Event / tf.SessionLog / tf.SummaryMetadata at the top level;
    # tutorials log Python numbers with tf.Summary(value=[tf.Summary.Value(...)])
    assert tf.Summary is tf.summary.Summary and tf.Event is tf.summary.Event
    assert tf.SessionLog is tf.summary.SessionLog
    assert tf.SummaryMetadata(display_name="d").display_name == "d"
    value = tf.Summary(value=[tf.Summary.Value(tag="epoch_acc", simple_value=0.75)])
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_summary(value, global_step=7)
    (point,) = accumulate(tmp_path).Scalars("epoch_acc")
    assert (point.step, point.value) == (7, 0.75)
    with pytest.raises(AttributeError, match="no attribute 'Summaries'"):
        tf.Summaries  # noqa: B018
