"""graphflow.timeline: a traced run's step stats as Chrome trace JSON (metadata, one `X` event
per kernel, dataflow arrows, tensor lifetimes and memory counters)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import graphflow as tf
from graphflow.session.step_stats import StepStats
from graphflow.timeline import Timeline


def _traced_step():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    w = tf.constant(np.ones((3, 4), np.float32), name="w")
    mm = tf.matmul(x, w, name="mm")
    out = tf.reduce_sum(tf.square(mm, name="sq"), name="total")
    metadata = tf.RunMetadata()
    with tf.Session() as sess:
        sess.run(out, {x: np.ones((2, 3))}, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                 run_metadata=metadata)
    return metadata


def _events(metadata, **kwargs):
    stats = getattr(metadata, "step_stats", metadata)
    trace = json.loads(Timeline(stats).generate_chrome_trace_format(**kwargs))
    return trace["traceEvents"]


def test_kernels_become_complete_events_named_by_op_type(graph):
    metadata = _traced_step()
    events = _events(metadata, show_dataflow=False)
    processes = [e for e in events if e["ph"] == "M" and e["name"] == "process_name"]
    assert [p["args"]["name"] for p in processes] == ["/job:localhost/replica:0/task:0/device:CPU:0 Compute"]
    assert any(e["ph"] == "M" and e["name"] == "thread_name" for e in events)
    ops = [e for e in events if e["ph"] == "X"]
    stats = metadata.step_stats.dev_stats[0].node_stats
    assert [e["args"]["name"] for e in ops] == [ns.node_name for ns in stats]
    by_name = {e["args"]["name"]: e for e in ops}
    assert by_name["mm"]["name"] == "MatMul" and by_name["mm"]["cat"] == "Op"
    assert by_name["mm"]["args"] == {"name": "mm", "op": "MatMul", "input0": "x", "input1": "w"}
    assert by_name["sq"]["args"]["input0"] == "mm"
    base = min(ns.all_start_nanos for ns in stats)
    for e, ns in zip(ops, stats):
        assert e["ts"] == pytest.approx((ns.all_start_nanos - base) / 1000)
        assert e["dur"] == pytest.approx(ns.all_end_rel_nanos / 1000)
    assert not [e for e in events if e.get("cat") == "DataFlow"]


def test_dataflow_arrows_join_producer_end_to_consumer_start_across_devices():
    stats = StepStats()
    cpu = stats.dev_stats.add(device="/device:CPU:0")
    gpu = stats.dev_stats.add(device="/device:GPU:0")
    cpu.node_stats.add(node_name="a", timeline_label="a = Foo(x)", all_start_nanos=1000, all_end_rel_nanos=2000)
    gpu.node_stats.add(node_name="b", timeline_label="b = Bar(a, a:1)", all_start_nanos=4000,
                       all_end_rel_nanos=1000)
    gpu.node_stats.add(node_name="c", timeline_label="c = Baz(b)", all_start_nanos=6000, all_end_rel_nanos=500)
    events = _events(stats, show_dataflow=True)
    flows = [e for e in events if e.get("cat") == "DataFlow"]
    starts = {e["id"]: e for e in flows if e["ph"] == "s"}
    ends = {e["id"]: e for e in flows if e["ph"] == "t"}
    # a -> b twice (two outputs), across devices; b -> c stays on one thread: no arrow (TF1)
    assert set(starts) == set(ends) and len(starts) == 2
    assert sorted(e["name"] for e in starts.values()) == ["a", "a:1"]
    for i, start in starts.items():
        assert (start["pid"], start["ts"]) == (0, 2.0)  # a's end, microseconds after the first start
        assert (ends[i]["pid"], ends[i]["ts"]) == (1, 3.0)  # b's start
    assert not [e for e in _events(stats, show_dataflow=False) if e.get("cat") == "DataFlow"]


def test_no_arrows_on_one_thread(graph):
    assert not [e for e in _events(_traced_step(), show_dataflow=True) if e.get("cat") == "DataFlow"]


def test_memory_view_tracks_tensor_lifetimes_and_live_bytes(graph):
    events = _events(_traced_step(), show_dataflow=False, show_memory=True)
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    assert "/job:localhost/replica:0/task:0/device:CPU:0 Tensors" in names and "Allocators" in names
    snapshots = {e["name"]: e["args"]["snapshot"]["tensor_description"] for e in events if e["ph"] == "O"}
    assert snapshots["mm"] == {"dtype": 1, "shape": [2, 4], "allocated_bytes": 32, "allocator_name": "cpu"}
    created = {e["name"]: e["ts"] for e in events if e["ph"] == "N"}
    deleted = {e["name"]: e["ts"] for e in events if e["ph"] == "D"}
    ops = {e["args"]["name"]: e for e in events if e["ph"] == "X"}
    assert deleted["mm"] == pytest.approx(ops["sq"]["ts"] + ops["sq"]["dur"])  # freed after its last use
    assert created["mm"] < deleted["mm"]
    counters = [e["args"]["Allocator Bytes in Use"] for e in events if e["ph"] == "C"]
    assert max(counters) == 32 + 32  # mm and sq alive together while sq runs
    assert counters[-1] == 0 and min(counters) >= 0


def test_reads_tensorboards_proto_and_empty_stats():
    step_stats_pb2 = pytest.importorskip("tensorboard.compat.proto.step_stats_pb2")
    proto = step_stats_pb2.StepStats()
    dev = proto.dev_stats.add(device="/device:CPU:0")
    dev.node_stats.add(node_name="a", timeline_label="a = Foo(b, c:1)", all_start_micros=10,
                       all_end_rel_micros=5)
    events = _events(proto, show_dataflow=True)
    (op,) = [e for e in events if e["ph"] == "X"]
    assert op["name"] == "Foo" and op["ts"] == 0 and op["dur"] == 5
    assert op["args"] == {"name": "a", "op": "Foo", "input0": "b", "input1": "c:1"}
    assert _events(StepStats()) == []
