"""Each malformed input the loaders can meet gives its documented error class: meta graphs
(GraphFormatError, a ValueError), checkpoints (DataLossError), state files (ignored with a
warning, as TF1) - never IndexError, KeyError, TypeError, UnicodeDecodeError or
RecursionError. Also the graph checks TF1 makes: negative dimensions and control cycles."""

from __future__ import annotations

import copy
import json
import struct

import numpy as np
import pytest

import graphflow as tf
from graphflow.framework.graph_json import GraphFormatError
from graphflow.train import checkpoint_format

from .loader_samples import sample_session_graph, write_samples


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sample")
    prefix = write_samples(str(directory))
    with open(prefix + ".meta", encoding="utf-8") as f:
        meta = json.load(f)
    with open(prefix + ".safetensors", "rb") as f:
        data = f.read()
    return prefix, meta, data


def _node(meta, name):
    return next(n for n in meta["graph_def"]["node"] if n["name"] == name)


def _edited(meta, edit):
    meta = copy.deepcopy(meta)
    edit(meta)
    return meta


META_EDITS = {
    "input index past the outputs": lambda m: _node(m, "w/Assign")["inputs"].__setitem__(
        1, "w/initial_value:7"),
    "input index not a number": lambda m: _node(m, "w/Assign")["inputs"].__setitem__(1, "w/initial_value:x"),
    "input without an index": lambda m: _node(m, "w/Assign")["inputs"].__setitem__(1, "w/initial_value"),
    "non-string input": lambda m: _node(m, "w/Assign")["inputs"].__setitem__(1, 5),
    "control input closing a cycle": lambda m: _node(m, "w/initial_value")[
        "control_inputs"].append("w/Assign"),
    "non-string control input": lambda m: _node(m, "w/Assign")["control_inputs"].append([1]),
    "missing node key": lambda m: _node(m, "w/Assign").pop("attrs"),
    "missing op type": lambda m: _node(m, "loss").pop("op"),
    "missing graph_def": lambda m: m.pop("graph_def"),
    "missing node list": lambda m: m["graph_def"].pop("node"),
    "node not an object": lambda m: m["graph_def"]["node"].insert(0, "x"),
    "node list not a list": lambda m: m["graph_def"].__setitem__("node", {"a": 1}),
    "attrs a list": lambda m: _node(m, "loss").__setitem__("attrs", [1, 2]),
    "unknown dtype": lambda m: _node(m, "x")["attrs"].__setitem__("dtype", {"dtype": "float99"}),
    "dtype not a string": lambda m: _node(m, "x")["attrs"].__setitem__("dtype", {"dtype": [1]}),
    "negative shape": lambda m: _node(m, "x")["attrs"].__setitem__("shape", {"shape": [-5, 3]}),
    "shape of strings": lambda m: _node(m, "x")["attrs"].__setitem__("shape", {"shape": ["a"]}),
    "array bytes too few for a huge shape": lambda m: _node(m, "w/initial_value")["attrs"][
        "value"]["array"].__setitem__("shape", [2 ** 40, 2 ** 40]),
    "array data not base64": lambda m: _node(m, "w/initial_value")["attrs"]["value"][
        "array"].__setitem__("data", "!!"),
    "array missing its dtype": lambda m: _node(m, "w/initial_value")["attrs"]["value"][
        "array"].pop("dtype"),
    "array of objects": lambda m: _node(m, "w/initial_value")["attrs"]["value"][
        "array"].__setitem__("dtype", "O"),
    "string array of the wrong length": lambda m: _node(m, "words/initial_value")["attrs"][
        "value"]["array"].__setitem__("shape", [7]),
    "deeply nested attribute": lambda m: _node(m, "loss")["attrs"].__setitem__(
        "deep", json.loads("[" * 500 + "]" * 500)),
    "unhashable dict key": lambda m: _node(m, "loss")["attrs"].__setitem__(
        "d", {"dict": [[[1], 2]]}),
    "wrong attribute type for the op": lambda m: _node(m, "x")["attrs"].__setitem__("dtype", 3),
    "duplicate node": lambda m: m["graph_def"]["node"].append(_node(m, "x")),
    "device not a string": lambda m: _node(m, "x").__setitem__("device", 3),
    "collection not a list": lambda m: m["collection_def"].__setitem__("variables", {"a": 1}),
    "collection item of two keys": lambda m: m["collection_def"]["numbers"].append(
        {"value": 1, "tensor": "x:0"}),
    "collection tensor not a name": lambda m: m["collection_def"]["numbers"].append({"tensor": 3}),
    "collection tensor unknown": lambda m: m["collection_def"]["numbers"].append(
        {"tensor": "nope:0"}),
    "collection variable missing keys": lambda m: m["collection_def"]["variables"][0][
        "variable"].pop("variable_name"),
    "saver_def not an object": lambda m: m.__setitem__("saver_def", [1]),
    "saver variables not an object": lambda m: m["saver_def"].__setitem__("variables", 3),
    "saver variable names an unknown op": lambda m: m["saver_def"]["variables"]["w"].__setitem__(
        "variable_name", "nope:0"),
    "version not a number": lambda m: m.__setitem__("version", "1"),
    "not an object": lambda m: m.clear(),
}


@pytest.mark.parametrize("case", sorted(META_EDITS))
def test_malformed_meta_graph_is_a_graph_format_error(sample, tmp_path, case):
    _, meta, _ = sample
    path = tmp_path / "bad.meta"
    path.write_text(json.dumps(_edited(meta, META_EDITS[case])), encoding="utf-8")
    with tf.Graph().as_default(), pytest.raises(GraphFormatError):
        tf.train.import_meta_graph(str(path))


@pytest.mark.parametrize("raw", [
    b'{"format": "graphflow.meta_graph", "version": 1, "x": "\xff\xfe"}',  # invalid UTF-8
    b"[" * 100000 + b"]" * 100000,  # deeper than the JSON parser recurses
    b'{"format": "graphflow.meta_graph", "version": ' + b"9" * 5000 + b"}",  # huge integer
    b"",
    b"\x00\x01",
], ids=["invalid-utf8", "deep-nesting", "huge-integer", "empty", "binary"])
def test_unparsable_meta_graph_files_are_graph_format_errors(tmp_path, raw):
    path = tmp_path / "bad.meta"
    path.write_bytes(raw)
    with tf.Graph().as_default(), pytest.raises(GraphFormatError):
        tf.train.import_meta_graph(str(path))


def test_the_unedited_sample_imports(sample):
    prefix, meta, _ = sample
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(prefix + ".meta")
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run("w:0"),
                                          np.arange(6, dtype=np.float32).reshape(3, 2))


def _header(data):
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length]), data[8 + length:]


def _with_header(header, body):
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + body


def _checkpoint_edits(data):
    header, body = _header(data)

    def edit(fn):
        h = copy.deepcopy(header)
        fn(h)
        return _with_header(h, body)

    return {
        "truncated in the header": data[:20],
        "truncated in the data": data[:-3],
        "empty": b"",
        "huge header length": struct.pack("<Q", 2 ** 62) + data[8:],
        "header length past the end": struct.pack("<Q", len(data)) + data[8:],
        "huge declared shape": edit(lambda h: h["w"].__setitem__("shape", [2 ** 31, 2 ** 31])),
        "offsets past the end": edit(lambda h: h["w"].__setitem__("data_offsets", [0, 2 ** 40])),
        "unknown dtype": edit(lambda h: h["w"].__setitem__("dtype", "F8_E4M3")),
        "dtype graphflow does not read": edit(lambda h: h["w"].__setitem__("dtype", "BF16")
                                              or h["w"].__setitem__("shape", [3, 4])),
        "checksums not JSON": edit(lambda h: h["__metadata__"].__setitem__("crc32c", "{")),
        "checksums a list": edit(lambda h: h["__metadata__"].__setitem__("crc32c", "[1]")),
        "checksum huge": edit(lambda h: h["__metadata__"].__setitem__("crc32c", '{"w": 1e999}')),
        "version not a number": edit(lambda h: h["__metadata__"].__setitem__("version", "x")),
        "newer version": edit(lambda h: h["__metadata__"].__setitem__("version", "99")),
        "missing checksums": edit(lambda h: h["__metadata__"].pop("crc32c")),
        "string shape negative": edit(lambda h: h["__metadata__"].__setitem__(
            "strings", '{"words": [-3]}')),
        "string shape huge": edit(lambda h: h["__metadata__"].__setitem__(
            "strings", '{"words": [4294967296, 4294967296]}')),
        "string shape nested deeply": edit(lambda h: h["__metadata__"].__setitem__(
            "strings", '{"words": ' + "[" * 50000 + "]" * 50000 + "}")),
        "string buffers missing": edit(lambda h: h.pop("words:string_ends")
                                       or h["__metadata__"].__setitem__("crc32c", "{}")),
        "flipped data byte": data[:-2] + bytes([data[-2] ^ 1]) + data[-1:],
    }


def test_malformed_checkpoints_are_data_loss_errors(sample, tmp_path):
    _, _, data = sample
    for case, raw in _checkpoint_edits(data).items():
        prefix = str(tmp_path / case.replace(" ", "_"))
        with open(checkpoint_format.data_path(prefix), "wb") as f:
            f.write(raw)
        graph, saver = sample_session_graph()
        with graph.as_default(), tf.Session() as sess, pytest.raises(tf.errors.DataLossError):
            saver.restore(sess, prefix)
            pytest.fail(f"{case}: restored")


@pytest.mark.parametrize("text", [
    b'model_checkpoint_path: "\xff"\n',  # invalid UTF-8
    b'model_checkpoint_path: ' + b"[" * 100000 + b"\n",
    b"model_checkpoint_path: 3\n",
    b'model_checkpoint_path "x"\n',
    b"all_model_checkpoint_timestamps: 1e999999\nbogus: 1\n",
    b'model_checkpoint_path: "a\\u0000b"\n',
], ids=["invalid-utf8", "deep-nesting", "not-a-string", "no-colon", "bad-fields", "nul-byte"])
def test_malformed_state_files_are_ignored_as_tf1(tmp_path, text):
    (tmp_path / "checkpoint").write_bytes(text)
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_state_file_that_is_a_directory_or_huge_is_ignored(tmp_path):
    (tmp_path / "checkpoint").mkdir()
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    other = tmp_path / "other"
    other.mkdir()
    with open(other / "checkpoint", "wb") as f:
        f.truncate(64 << 20)  # sparse: 64 MiB of NULs, never read whole
    assert tf.train.get_checkpoint_state(str(other)) is None


def test_negative_placeholder_dimensions_are_value_errors(graph):
    with pytest.raises(ValueError, match="Dimension -5 must be >= 0"):
        tf.placeholder(tf.float32, [-5, 3])
    with pytest.raises(ValueError, match="Dimension -1 must be >= 0"):  # TF1: unknown is None
        tf.placeholder(tf.float32, [-1, 3])
    with pytest.raises(ValueError):
        tf.TensorShape([2, -3])
    assert tf.placeholder(tf.float32, [None, 3]).shape.as_list() == [None, 3]


def test_control_dependency_cycle_is_an_invalid_argument_error(graph):
    a = tf.constant(1.0, name="a")
    b = tf.identity(a, name="b")
    c = tf.identity(b, name="c")
    d = tf.identity(a, name="d")
    b.op._add_control_input(c.op)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="contains a cycle with 2 nodes, including: b, c"):
            sess.run(c)
        assert sess.run(d) == 1.0  # the rest of the graph still runs
        # a fed tensor cuts the cycle, as TF1 prunes what the feeds replace
        assert sess.run(c, {b: 5.0}) == 5.0


def test_import_into_a_finalized_graph_is_a_runtime_error(sample):
    prefix, _, _ = sample
    with tf.Graph().as_default() as g:
        g.finalize()
        with pytest.raises(RuntimeError, match="Graph is finalized"):
            tf.train.import_meta_graph(prefix + ".meta")
