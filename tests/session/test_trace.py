"""Traced runs: `RunOptions(trace_level=FULL_TRACE)` fills `RunMetadata.step_stats` with one
NodeExecStats per kernel (TF1's StepStats fields), fused kernels name the ops they compute, and
a traced run computes exactly what a plain run computes."""

from __future__ import annotations

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import errors
from graphflow.session.tracing import CPU_DEVICE

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def _small_training_graph():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    w = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, name="W")
    h = tf.nn.relu(tf.matmul(x, w, name="mm") + 1.0, name="h")
    loss = tf.reduce_mean(tf.square(h), name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, w, h, loss, train


def _all_stats(metadata):
    return [ns for dev in metadata.step_stats.dev_stats for ns in dev.node_stats]


def test_traced_run_records_every_kernel_with_outputs(graph):
    x, _, h, loss, _ = _small_training_graph()
    xv = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        plain = sess.run([h, loss], {x: xv})
        metadata = tf.RunMetadata()
        traced = sess.run([h, loss], {x: xv}, options=FULL, run_metadata=metadata)
    np.testing.assert_array_equal(plain[0], traced[0])
    assert plain[1] == traced[1]
    (device,) = metadata.step_stats.dev_stats
    assert device.device == CPU_DEVICE
    by_name = {ns.node_name: ns for ns in device.node_stats}
    mm = by_name["mm"]
    assert mm.timeline_label == "mm = MatMul(x, W)"
    (out,) = mm.output
    description = out.tensor_description
    assert description.dtype == tf.float32.as_datatype_enum
    assert [d.size for d in description.shape.dim] == [2, 3]
    assert description.allocation_description.allocated_bytes == 2 * 3 * 4
    assert by_name["loss"].output[0].tensor_description.shape.dim == []
    starts = [ns.all_start_nanos for ns in device.node_stats]
    assert starts == sorted(starts)  # one thread, in execution order
    for ns in device.node_stats:
        assert ns.all_end_rel_nanos >= 0 and ns.op_end_rel_nanos == ns.all_end_rel_nanos
        assert ns.all_start_micros == ns.all_start_nanos // 1000
        assert ns.all_end_rel_micros == ns.all_end_rel_nanos // 1000
    # epoch time: within a minute of now
    import time

    assert abs(starts[0] / 1e9 - time.time()) < 60


def test_fused_kernel_lists_the_ops_it_computes(graph):
    x = tf.placeholder(tf.float32, [4096], name="x")  # large enough for the CPU to fuse
    y = tf.nn.relu(x * 2.0 + 1.0, name="act")
    xv = np.linspace(-2, 2, 4096, dtype=np.float32)
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        got = sess.run(y, {x: xv}, options=FULL, run_metadata=metadata)
    np.testing.assert_allclose(got, np.maximum(xv * 2 + 1, 0), rtol=1e-6)
    (stats,) = _all_stats(metadata)
    assert stats.node_name == "act/fused3"
    assert stats.timeline_label == \
        "act/fused3 = _FusedElementwise(x, mul/y, add/y) fused: mul:Mul, add:Add, act:Relu"


def test_no_trace_leaves_metadata_empty_and_software_trace_fills_it(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.square(x, name="sq")
    with tf.Session() as sess:
        empty = tf.RunMetadata()
        sess.run(y, {x: [1.0, 2.0]}, options=tf.RunOptions(), run_metadata=empty)
        assert list(empty.step_stats.dev_stats) == []
        soft = tf.RunMetadata()
        sess.run(y, {x: [1.0, 2.0]}, options=tf.RunOptions(trace_level=tf.RunOptions.SOFTWARE_TRACE),
                 run_metadata=soft)
        assert [ns.node_name for ns in _all_stats(soft)] == ["sq"]
        again = sess.run(y, {x: [3.0, 4.0]}, options=FULL, run_metadata=soft)  # replaced, not appended
    np.testing.assert_array_equal(again, [9.0, 16.0])
    assert len(_all_stats(soft)) == 1


def test_training_step_traced_updates_variables_like_a_plain_step(graph):
    x, w, _, loss, train = _small_training_graph()
    xv = np.ones((2, 4), np.float32)
    with tf.Session() as plain_sess:
        plain_sess.run(tf.global_variables_initializer())
        plain_sess.run(train, {x: xv})
        expected = plain_sess.run(w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        metadata = tf.RunMetadata()
        sess.run(train, {x: xv}, options=FULL, run_metadata=metadata)
        np.testing.assert_array_equal(sess.run(w), expected)
    labels = [ns.timeline_label for ns in _all_stats(metadata)]
    assert any(label.startswith("gradients/") for label in labels)
    assert any("AssignSub(W" in label or "ApplyGradientDescent(W" in label for label in labels)


def test_failing_kernel_in_a_traced_run_names_its_op(graph):
    x = tf.placeholder(tf.float32, [None], name="x")
    r = tf.reshape(x, [2, 2], name="bad_reshape")
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(r, {x: [1.0, 2.0, 3.0]}, options=FULL, run_metadata=tf.RunMetadata())
        assert "bad_reshape" in str(info.value)
        # the session stays usable, traced or not
        np.testing.assert_array_equal(sess.run(r, {x: [1.0, 2.0, 3.0, 4.0]}, options=FULL,
                                               run_metadata=tf.RunMetadata()), [[1, 2], [3, 4]])


def test_step_stats_convert_to_tensorboards_proto(graph):
    config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")
    x = tf.placeholder(tf.float32, [2, 2], name="x")
    y = tf.matmul(x, x, name="mm")
    metadata = tf.RunMetadata()
    proto_metadata = config_pb2.RunMetadata()
    with tf.Session() as sess:
        sess.run(y, {x: np.eye(2)}, options=FULL, run_metadata=metadata)
        sess.run(y, {x: np.eye(2)}, options=FULL, run_metadata=proto_metadata)
    proto = metadata.step_stats.to_proto()
    stats = proto.dev_stats[0].node_stats[0]
    mine = metadata.step_stats.dev_stats[0].node_stats[0]
    assert (stats.node_name, stats.timeline_label, stats.all_start_micros, stats.all_end_rel_nanos) == \
        ("mm", "mm = MatMul(x, x)", mine.all_start_micros, mine.all_end_rel_nanos)
    assert stats.output[0].tensor_description.allocation_description.allocated_bytes == 16
    parsed = config_pb2.RunMetadata.FromString(metadata.SerializeToString())
    assert parsed.step_stats == proto
    # a caller's own RunMetadata proto is filled in place
    assert proto_metadata.step_stats.dev_stats[0].node_stats[0].timeline_label == "mm = MatMul(x, x)"


def test_callables_accepting_options_trace(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.square(x, name="sq")
    with tf.Session() as sess:
        run = sess.make_callable(y, [x], accept_options=True)
        metadata = tf.RunMetadata()
        np.testing.assert_array_equal(run([1.0, 3.0], options=FULL, run_metadata=metadata), [1.0, 9.0])
        assert [ns.node_name for ns in _all_stats(metadata)] == ["sq"]
        np.testing.assert_array_equal(run([2.0, 3.0]), [4.0, 9.0])


def test_step_stats_are_built_on_first_read_and_survive_other_lookups(graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.square(x, name="sq")
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(y, {x: [1.0, 2.0]}, options=FULL, run_metadata=metadata)
    assert not hasattr(metadata.step_stats, "no_such_field")
    assert [ns.node_name for ns in _all_stats(metadata)] == ["sq"]
    assert metadata.step_stats.dev_stats is metadata.step_stats.dev_stats  # built once
