"""`tf.zeros`, `tf.ones` and `tf.fill` as TF1 builds them: below 1000 elements a constant,
above a Fill of a scalar, so graphs, meta graphs and build-time memory stay small whatever the
shape (`Variable(tf.zeros([2048, 2048]))` writes a meta graph of a few KB; `tf.zeros([1e6,
1e6])` builds without allocating). Op names were recorded from TensorFlow 2.21
(tf.compat.v1); values are checked when run."""

from __future__ import annotations

import json
import os
import tracemalloc

import numpy as np
import pytest

import graphflow as tf


def test_op_names_and_types_match_tensorflow(graph):
    tf.zeros([10, 10])
    tf.zeros([100, 100])
    tf.ones([50, 50], tf.int32)
    tf.fill([3, 4], 2.0)
    tf.zeros([999])
    tf.zeros([1000])
    tf.zeros([], name="scalar")
    got = [(op.name, op.type, [t.name for t in op.inputs]) for op in graph.get_operations()]
    assert got == [
        ("zeros", "Const", []),
        ("zeros_1/shape_as_tensor", "Const", []), ("zeros_1/Const", "Const", []),
        ("zeros_1", "Fill", ["zeros_1/shape_as_tensor:0", "zeros_1/Const:0"]),
        ("ones/shape_as_tensor", "Const", []), ("ones/Const", "Const", []),
        ("ones", "Fill", ["ones/shape_as_tensor:0", "ones/Const:0"]),
        ("Fill/dims", "Const", []), ("Fill/value", "Const", []),
        ("Fill", "Fill", ["Fill/dims:0", "Fill/value:0"]),
        ("zeros_2", "Const", []),
        ("zeros_3/shape_as_tensor", "Const", []), ("zeros_3/Const", "Const", []),
        ("zeros_3", "Fill", ["zeros_3/shape_as_tensor:0", "zeros_3/Const:0"]),
        ("scalar", "Const", []),
    ]


def test_values_when_run(graph):
    n = tf.placeholder(tf.int32, [])
    fetches = {
        "zeros": tf.zeros([100, 100]), "ones": tf.ones((50, 40), tf.int64),
        "small": tf.ones([2, 3], tf.int32), "bool": tf.ones(tf.TensorShape([40, 40]), tf.bool),
        "no": tf.zeros([2000], tf.bool), "strings": tf.zeros([1200], tf.string),
        "array_shape": tf.zeros(np.array([40, 30]), tf.float64), "vector": tf.zeros(5),
        "fill": tf.fill([30, 40], 2.5), "fill_int": tf.fill((3,), np.int64(7)),
        "tensor_shape": tf.zeros(tf.stack([n, 3])), "mixed_shape": tf.ones([n, 2]),
        "scalar_size": tf.ones(n), "empty": tf.zeros([2, 0, 3000]),
    }
    with tf.Session() as sess:
        got = sess.run(fetches, {n: 4})
    expected = {
        "zeros": np.zeros((100, 100), np.float32), "ones": np.ones((50, 40), np.int64),
        "small": np.ones((2, 3), np.int32), "bool": np.ones((40, 40), bool),
        "no": np.zeros(2000, bool), "strings": np.full(1200, b"", dtype=object),
        "array_shape": np.zeros((40, 30)), "vector": np.zeros(5, np.float32),
        "fill": np.full((30, 40), 2.5, np.float32), "fill_int": np.full(3, 7, np.int64),
        "tensor_shape": np.zeros((4, 3), np.float32), "mixed_shape": np.ones((4, 2), np.float32),
        "scalar_size": np.ones(4, np.float32), "empty": np.zeros((2, 0, 3000), np.float32),
    }
    for key, value in expected.items():
        assert got[key].dtype == value.dtype, key
        np.testing.assert_array_equal(got[key], value, err_msg=key)
    assert fetches["mixed_shape"].shape.as_list() == [None, 2]


def test_small_fills_keep_their_value_for_shapes(graph):
    """A small Fill's value is known while building (shape inference needs it)."""
    matrix = tf.reshape(tf.range(9), tf.fill([2], 3))
    assert matrix.shape.as_list() == [3, 3]


def test_a_string_has_no_one(graph):
    with pytest.raises(TypeError, match="Expected string"):
        tf.ones([2000], tf.string)


def test_huge_shapes_build_without_allocating(graph):
    tracemalloc.start()
    try:
        huge = tf.zeros([1e6, 1e6])
        big = tf.ones([16000, 16000])
        v = tf.Variable(tf.zeros([16000, 16000]), name="v")
        doubled = big * 2.0 + huge[:16000, :16000]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, f"building allocated {peak} bytes"
    assert huge.shape.as_list() == [1000000, 1000000] and huge.op.type == "Fill"
    assert v.shape.as_list() == [16000, 16000] and doubled.shape.as_list() == [16000, 16000]
    # the int64 shape TF1 uses when a dimension needs it
    assert tf.zeros([3 * 2**31, 2]).op.inputs[0].dtype == tf.int64


def test_meta_graph_of_a_large_zero_variable_is_a_few_kb(graph, tmp_path):
    v = tf.Variable(tf.zeros([2048, 2048]), name="v")
    step = tf.assign_add(v, tf.ones([2048, 2048]))
    meta = str(tmp_path / "model.meta")
    tf.train.export_meta_graph(meta)
    assert os.path.getsize(meta) < 16 << 10
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        prefix = saver.save(sess, str(tmp_path / "ckpt"), global_step=1)
        value = sess.run(v)
    assert os.path.getsize(prefix + ".meta") < 16 << 10
    np.testing.assert_array_equal(value, np.ones((2048, 2048), np.float32))
    with open(meta, encoding="utf-8") as f:
        nodes = {node["name"]: node["op"] for node in json.load(f)["graph_def"]["node"]}
    assert nodes["zeros"] == "Fill" and nodes["ones"] == "Fill"
    # and the imported graph runs: the Fill is rebuilt from the scalar
    with tf.Graph().as_default():
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        with tf.Session() as sess:
            restorer.restore(sess, prefix)
            np.testing.assert_array_equal(sess.run("v:0"), np.ones((2048, 2048), np.float32))
            sess.run("v/Assign")
            assert not sess.run("v:0").any()


def test_zeros_and_ones_initializers_are_fills_named_as_in_tensorflow(graph):
    """get_variable(initializer=zeros_initializer()) of a large shape: TF1's ops and names."""
    w = tf.get_variable("w", [2048, 2048], initializer=tf.zeros_initializer())
    tf.get_variable("b", [3], initializer=tf.zeros_initializer())
    o = tf.get_variable("o", [100, 100], tf.int32, initializer=tf.ones_initializer())
    s = tf.get_variable("s", [2], tf.string, initializer=tf.zeros_initializer())
    got = [(op.name, op.type) for op in graph.get_operations() if "Initializer" in op.name]
    assert got == [("w/Initializer/zeros/shape_as_tensor", "Const"),
                   ("w/Initializer/zeros/Const", "Const"), ("w/Initializer/zeros", "Fill"),
                   ("b/Initializer/zeros", "Const"),
                   ("o/Initializer/ones/shape_as_tensor", "Const"),
                   ("o/Initializer/ones/Const", "Const"), ("o/Initializer/ones", "Fill"),
                   ("s/Initializer/zeros", "Const")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([w, o, s])
    assert values[0].shape == (2048, 2048) and not values[0].any()
    np.testing.assert_array_equal(values[1], np.ones((100, 100), np.int32))
    np.testing.assert_array_equal(values[2], np.array([b"", b""], dtype=object))
