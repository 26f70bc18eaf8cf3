"""String variables in checkpoints: round trips through Saver, list/load_variable and
inspect_checkpoint; the on-disk encoding (bytes + end offsets, read back with the safetensors
package itself); checksums and damaged offsets are data loss; dtype mismatches are named."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow.inspect_checkpoint import print_checkpoint
from graphflow.train import checkpoint_format

WORDS = np.array([b"a", "h\xe9llo".encode(), b"", b"\x00\xff\xfe"], dtype=object)


def _save(tmp_path):
    words = tf.Variable(["a", "h\xe9llo", "", b"\x00\xff\xfe"], name="words")
    grid = tf.Variable([["x", "yz"], ["", "w"]], name="layer/grid")
    scalar = tf.Variable("one", name="scalar")
    empty = tf.Variable(tf.constant([], tf.string), name="empty")
    weight = tf.Variable(np.float32(2.5), name="weight")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
    return (words, grid, scalar, empty, weight), saver, path


def test_string_variables_round_trip(graph, tmp_path):
    (words, grid, scalar, empty, weight), saver, path = _save(tmp_path)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([tf.assign(words, ["q"] * 4), tf.assign(scalar, "two")])
        saver.restore(sess, path)
        got = sess.run({"words": words, "grid": grid, "scalar": scalar, "empty": empty,
                        "weight": weight})
    np.testing.assert_array_equal(got["words"], WORDS)
    assert all(type(v) is bytes for v in got["words"])
    assert got["grid"].tolist() == [[b"x", b"yz"], [b"", b"w"]]
    assert got["scalar"] == b"one" and got["empty"].shape == (0,)
    assert got["weight"] == np.float32(2.5)


def test_list_load_and_inspect_show_strings(graph, tmp_path):
    _, _, path = _save(tmp_path)
    assert tf.train.list_variables(path) == [("empty", [0]), ("layer/grid", [2, 2]),
                                             ("scalar", []), ("weight", []), ("words", [4])]
    np.testing.assert_array_equal(tf.train.load_variable(path, "words"), WORDS)
    assert tf.train.load_variable(path, "scalar") == b"one"
    reader = tf.train.NewCheckpointReader(path)
    assert reader.get_variable_to_dtype_map()["words"] is tf.string
    assert reader.get_variable_to_dtype_map()["weight"] is tf.float32
    out = io.StringIO()
    print_checkpoint(path, all_tensors=True, out=out)
    lines = out.getvalue().splitlines()
    assert "tensor_name: words  dtype: string  shape: [4]" in lines
    assert "[b'a' b'h\\xc3\\xa9llo' b'' b'\\x00\\xff\\xfe']" in lines
    assert "tensor_name: scalar  dtype: string  shape: []" in lines and "b'one'" in lines


def test_encoding_is_bytes_plus_offsets_in_plain_safetensors(graph, tmp_path):
    from safetensors.numpy import load_file

    _, _, path = _save(tmp_path)
    raw = load_file(path + ".safetensors")
    assert raw["words"].dtype == np.uint8
    assert raw["words"].tobytes() == b"".join(WORDS)
    np.testing.assert_array_equal(raw["words:string_ends"], np.cumsum([len(w) for w in WORDS]))
    assert raw["scalar"].tobytes() == b"one" and raw["scalar:string_ends"].tolist() == [3]
    header = _header(path)
    metadata = header["__metadata__"]
    assert metadata["version"] == "2"
    assert json.loads(metadata["strings"]) == {"empty": [0], "layer/grid": [2, 2],
                                               "scalar": [], "words": [4]}
    assert set(json.loads(metadata["crc32c"])) == set(header) - {"__metadata__"}


def test_checkpoints_without_strings_keep_format_version_1(graph, tmp_path):
    tf.Variable(1.0, name="w")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "plain"))
    assert _header(path)["__metadata__"]["version"] == "1"
    assert "strings" not in _header(path)["__metadata__"]


def _header(path):
    data = Path(path + ".safetensors").read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + size])


def test_damaged_string_bytes_are_data_loss(graph, tmp_path):
    (words, *_), saver, path = _save(tmp_path)
    data_file = tmp_path / "m.safetensors"
    data = bytearray(data_file.read_bytes())
    start = 8 + struct.unpack("<Q", data[:8])[0] + _header(path)["words"]["data_offsets"][0]
    data[start + 1] ^= 0x20  # "h" of "héllo" -> "H": a valid string, a wrong value
    data_file.write_bytes(bytes(data))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.DataLossError, match="'words' is corrupted"):
            saver.restore(sess, path)
        assert sess.run(words).tolist()[1] == "h\xe9llo".encode()  # unchanged


def test_offsets_that_do_not_describe_the_bytes_are_data_loss():
    data = np.frombuffer(b"abcdef", np.uint8)
    good = checkpoint_format.decode_strings(data, np.array([2, 2, 6]), [3], "t")
    assert good.tolist() == [b"ab", b"", b"cdef"]
    for ends, shape in [([2, 1, 6], [3]), ([2, 2, 7], [3]), ([2, 6], [3]), ([-1, 2, 6], [3]),
                        ([], [0])]:
        with pytest.raises(tf.errors.DataLossError, match="string offsets do not match"):
            checkpoint_format.decode_strings(data, np.array(ends, np.int64), shape, "t")


def test_string_checkpoint_into_a_float_variable_names_both_dtypes(graph, tmp_path):
    _save(tmp_path)
    with tf.Graph().as_default():
        words = tf.Variable(np.zeros(4, np.float32), name="words")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="'words' has dtype float32 in the graph but string"):
                tf.train.Saver([words]).restore(sess, str(tmp_path / "m"))


def test_objects_that_are_not_strings_cannot_be_saved(tmp_path):
    with pytest.raises(TypeError, match="Cannot save variable 'bad'"):
        checkpoint_format.write_checkpoint(str(tmp_path / "x"),
                                           {"bad": np.array([1, 2], dtype=object)})
    assert not (tmp_path / "x.safetensors").exists()


def test_meta_graph_with_string_ops_and_variables(graph, tmp_path):
    """A graph of string constants, string attributes and a string variable, exported with its
    checkpoint and rebuilt without model code."""
    words = tf.Variable(["Hello", "World"], name="words")
    sentence = tf.strings.regex_replace(tf.reduce_join(words, 0, separator=", "), "o", "0",
                                        name="sentence")
    count = tf.strings.to_number(tf.as_string(tf.strings.length(words)), tf.int64, name="count")
    tf.identity(tf.constant(["\xe9", b"\xff"]), name="raw")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(words, ["Good", "bye"]))
        path = saver.save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default() as fresh:
        restorer = tf.train.import_meta_graph(path + ".meta")
        with tf.Session(graph=fresh) as sess:
            restorer.restore(sess, path)
            got = sess.run(["sentence:0", "count:0", "raw:0"])
    assert got[0] == b"G00d, bye"
    assert got[1].tolist() == [4, 3] and got[1].dtype == np.int64
    assert got[2].tolist() == [b"\xc3\xa9", b"\xff"]
    assert sentence.op.type == "StaticRegexReplace" and count.dtype is tf.int64
