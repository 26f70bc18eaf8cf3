"""Graph structure on disk: a graph exported with its Saver is rebuilt in a new process with no
model code, restored, trained further and gives the numbers the original process gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import graphflow as tf

RNG = np.random.default_rng(2)
X = RNG.normal(size=(16, 3)).astype(np.float32)
Y = RNG.normal(size=(16, 1)).astype(np.float32)


def _build_and_train(directory: str):
    """A small model trained 5 steps and saved; then 3 more steps in this process."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", [3, 1], initializer=tf.glorot_uniform_initializer(seed=1))
        b = tf.get_variable("bias", [1], initializer=tf.zeros_initializer())
    loss = tf.losses.mean_squared_error(y, tf.tanh(tf.matmul(x, w) + b))
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=step, name="train")
    tf.add_to_collection(tf.GraphKeys.TRAIN_OP, train)
    saver = tf.train.Saver()
    feed = {x: X, y: Y}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, feed)
        path = saver.save(sess, f"{directory}/model", global_step=step)
        for _ in range(3):
            sess.run(train, feed)
        return path, sess.run([loss, w, step], feed)


RESUME = textwrap.dedent("""
    import json, sys
    import numpy as np
    import graphflow as tf

    path, data = sys.argv[1], np.load(sys.argv[2])
    saver = tf.train.import_meta_graph(path + ".meta")
    graph = tf.get_default_graph()
    train = tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]
    feed = {"x:0": data["x"], "y:0": data["y"]}
    with tf.Session() as sess:
        saver.restore(sess, path)
        for _ in range(3):
            sess.run(train, feed)
        loss = graph.get_collection(tf.GraphKeys.LOSSES)[0]
        values = sess.run([loss, "dense/kernel:0", tf.train.get_global_step()], feed)
    print(json.dumps({
        "values": [np.asarray(v).tolist() for v in values],
        "trainable": [v.op.name for v in tf.trainable_variables()],
        "global": sorted(v.op.name for v in tf.global_variables()),
        "train_type": train.type,
        "x_shape": graph.get_tensor_by_name("x:0").shape.as_list(),
    }))
""")


def test_import_meta_graph_resumes_training_in_a_new_process(graph, tmp_path):
    path, (loss, w, step) = _build_and_train(str(tmp_path))
    np.savez(tmp_path / "data.npz", x=X, y=Y)
    # the child imports the graphflow under test (this checkout), not an installed one
    root = os.path.dirname(os.path.dirname(os.path.abspath(tf.__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    out = subprocess.run([sys.executable, "-c", RESUME, path, str(tmp_path / "data.npz")],
                         capture_output=True, text=True, check=True, cwd=str(tmp_path), env=env)
    result = json.loads(out.stdout)
    got_loss, got_w, got_step = result["values"]
    assert got_step == step == 8
    np.testing.assert_allclose(got_w, w, rtol=1e-6)
    assert got_loss == pytest.approx(float(loss), rel=1e-6)
    assert result["trainable"] == ["dense/kernel", "dense/bias"]
    assert result["global"] == sorted(v.op.name for v in tf.global_variables())
    assert result["x_shape"] == [None, 3]


def test_import_scope_clear_devices_and_no_variables(graph, tmp_path):
    with tf.device("/cpu:0"):
        v = tf.Variable([1.0, 2.0], name="v")
    doubled = tf.multiply(v, 2.0, name="doubled")
    tf.add_to_collection("outputs", doubled)
    tf.add_to_collection("notes", "kept as a value")
    tf.add_to_collection("objects", object())  # cannot be written: skipped with a warning
    meta_path = str(tmp_path / "g.meta")
    tf.train.export_meta_graph(meta_path)
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(meta_path, import_scope="copy", clear_devices=True)
        out = tf.get_collection("outputs")[0]
        assert out.name == "copy/doubled:0" and out.op.device == ""
        assert tf.get_collection("notes") == ["kept as a value"]
        assert tf.get_collection("objects") == []
        assert [x.op.name for x in tf.global_variables()] == ["copy/v"]
        assert isinstance(saver, tf.train.Saver)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(out), [2.0, 4.0])
    with tf.Graph().as_default():
        tf.constant(1.0)
        tf.train.export_meta_graph(str(tmp_path / "plain.meta"))
    with tf.Graph().as_default():
        assert tf.train.import_meta_graph(str(tmp_path / "plain.meta")) is None


def test_write_graph_writes_structure_only(graph, tmp_path):
    tf.Variable(np.ones((100, 100)), name="big")
    tf.constant(3.0, name="c")
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path / "out"), "graph.json")
    with open(path) as f:
        data = json.load(f)
    assert {n["name"] for n in data["node"]} >= {"big", "c", "big/Assign"}
    with tf.Graph().as_default():
        from graphflow.framework.graph_json import import_graph_json

        import_graph_json(data, tf.get_default_graph())
        assert tf.get_default_graph().get_operation_by_name("c").type == "Const"


def test_meta_graph_errors(graph, tmp_path):
    bad = tmp_path / "bad.meta"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not a graphflow meta graph"):
        tf.train.import_meta_graph(str(bad))
    bad.write_text(json.dumps({"format": "graphflow.meta_graph", "version": 99}))
    with pytest.raises(ValueError, match="newer"):
        tf.train.import_meta_graph(str(bad))


def test_failed_import_leaves_the_graph_as_it_was(graph):
    """The ops are rebuilt before the collections: a collection naming an op the file lacks
    fails after them, and everything the import added is removed again."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    tf.matmul(x, tf.Variable(tf.ones([3, 1]), name="w"), name="out")
    meta = tf.train.export_meta_graph()
    broken = {**meta, "collection_def": {**meta["collection_def"],
                                         "broken": [{"tensor": "no_such_op:0"}]}}
    with tf.Graph().as_default() as target:
        kept = tf.constant(2.0, name="kept")
        with pytest.raises(ValueError, match="malformed meta graph"):
            tf.train.import_meta_graph(broken)
        assert [op.name for op in target.get_operations()] == ["kept"]
        assert kept.consumers() == [] and tf.global_variables() == []
        assert tf.get_collection("broken") == []
        # the names the failed import took are free again: the same file imports unchanged
        tf.train.import_meta_graph(meta)
        assert target.get_tensor_by_name("out:0").name == "out:0"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run("out:0", {"x:0": np.ones((2, 3), np.float32)}),
                                       np.full((2, 1), 3.0))
