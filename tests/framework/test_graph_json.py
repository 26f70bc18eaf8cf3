"""Graphs to JSON and back: every op of the registry (with each sample's attributes) survives
a round trip through JSON text and computes the same values; bad files are rejected."""

from __future__ import annotations

import json

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework import dtypes
from graphflow.framework.graph_json import (
    GraphFormatError,
    decode_value,
    encode_value,
    graph_to_json,
    import_graph_json,
)
from graphflow.ops import registry


def _every_sample_graph():
    """One graph holding every pure op's every sample, inputs as constants."""
    graph, fetches = tf.Graph(), []
    with graph.as_default():
        for op_type in sorted(registry.REGISTRY):
            opdef = registry.REGISTRY[op_type]
            if opdef.stateful:
                continue
            for sample in opdef.samples(np.random.default_rng(0)):
                inputs = [tf.constant(np.asarray(x)) for x in sample.inputs]
                try:
                    op = graph.create_op(op_type, inputs, dict(sample.attrs))
                    opdef.reference(sample.attrs, *sample.inputs)
                except (ValueError, TypeError):
                    continue  # samples of build-time errors
                fetches += [t.name for t in op.outputs]
    return graph, fetches


def test_every_op_round_trips_through_json_text():
    graph, fetches = _every_sample_graph()
    text = json.dumps(graph_to_json(graph))
    copy = tf.Graph()
    import_graph_json(json.loads(text), copy)
    assert [(o.name, o.type) for o in copy.get_operations()] == \
        [(o.name, o.type) for o in graph.get_operations()]
    for original, rebuilt in zip(graph.get_operations(), copy.get_operations()):
        for a, b in zip(original.outputs, rebuilt.outputs):
            assert a.dtype == b.dtype and a.shape.as_list() == b.shape.as_list(), a.name
    with tf.Session(graph=graph) as sess:
        expected = sess.run(fetches)
    with tf.Session(graph=copy) as sess:
        got = sess.run(fetches)
    for name, e, g in zip(fetches, expected, got):
        np.testing.assert_array_equal(g, e, err_msg=name)
    assert len(fetches) > 200


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), float("nan"), "text", [1, 2], (1, (2, 3)), {"a": 1},
    dtypes.float16, tf.TensorShape([None, 3]), tf.TensorShape(None), np.float32(1.5),
    np.arange(6, dtype=np.int16).reshape(2, 3), np.array(True), np.zeros((0, 2)),
    np.full((3, 4), 0.5, np.float32), np.array([1.0, 1.0, np.nan]), np.full(2, -0.0),
    np.array([b"x", b"\xff"], dtype=object)])
def test_attribute_values_round_trip(value):
    back = decode_value(json.loads(json.dumps(encode_value(value))))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    else:
        assert back == value


def test_an_array_of_equal_values_is_stored_as_one_value():
    body = encode_value(np.full((512, 512), 0.25, np.float32))["array"]
    assert body["fill"] is True and len(body["data"]) == 8  # four bytes in base64
    assert "fill" not in encode_value(np.array([1.0, 1.0, 2.0]))["array"]
    bad = {"array": {**body, "data": encode_value(np.arange(2, dtype=np.float32))["array"]["data"]}}
    with pytest.raises(GraphFormatError, match="has 8 bytes"):
        decode_value(bad)


def test_control_inputs_devices_and_import_scope(graph):
    a = tf.constant(1.0, name="a")
    with tf.device("/cpu:0"), tf.control_dependencies([a.op]):
        b = tf.identity(tf.constant(2.0), name="b")
    copy = tf.Graph()
    with copy.as_default():
        ops = import_graph_json(graph_to_json(graph), copy, import_scope="imported")
    rebuilt = copy.get_operation_by_name("imported/b")
    assert ops["b"] is rebuilt
    assert [c.name for c in rebuilt.control_inputs] == ["imported/a"]
    assert rebuilt.device == b.op.device == "/cpu:0"


def test_bad_graph_files_are_rejected(graph):
    tf.constant(1.0, name="c")
    data = graph_to_json(graph)
    with pytest.raises(GraphFormatError, match="newer"):
        import_graph_json({**data, "version": 99}, tf.Graph())
    with pytest.raises(GraphFormatError, match="not a graphflow.graph"):
        import_graph_json({"format": "something else"}, tf.Graph())
    evil = {**data, "node": [{**data["node"][0], "op": "os.system"}]}
    with pytest.raises(GraphFormatError, match="does not define"):
        import_graph_json(evil, tf.Graph())
    bad_value = {**data, "node": [{**data["node"][0], "attrs": {"value": {"pickle": "x"}}}]}
    with pytest.raises(GraphFormatError, match="unknown attribute value tag"):
        import_graph_json(bad_value, tf.Graph())
    dangling = {**data, "node": [{**data["node"][0], "inputs": ["ghost:0"]}]}
    with pytest.raises(GraphFormatError, match="ghost"):
        import_graph_json(dangling, tf.Graph())
    with pytest.raises(TypeError, match="cannot hold"):
        encode_value(object(), "attribute 'x'")
