"""A graph with a while_loop (reading and training a variable) and a cond, exported with its
Saver, rebuilt in a new process from the file alone, restored and trained further: the same
numbers as the original process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import graphflow as tf

ROOT = Path(__file__).resolve().parents[2]
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], np.float32)


def _build():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    gate = tf.placeholder(tf.bool, [], name="gate")
    with tf.variable_scope("cell"):
        w = tf.get_variable("kernel", [3, 3], initializer=tf.constant_initializer(0.1))

    steps = tf.Variable(0.0, trainable=False, name="steps")

    def body(t, h):  # counts its iterations in a variable it also reads
        with tf.control_dependencies([tf.assign_add(steps, 1.0)]):
            return t + 1, tf.tanh(tf.matmul(h, w) + x) + steps * 0.01

    _, h = tf.while_loop(lambda t, h: t < 3, body, [tf.constant(0), tf.zeros_like(x)])
    loss = tf.cond(gate, lambda: tf.reduce_mean(h * h), lambda: tf.reduce_mean(h), name="loss")
    train = tf.train.AdamOptimizer(0.1).minimize(loss, name="train")
    tf.add_to_collection("loss", loss)
    tf.add_to_collection(tf.GraphKeys.TRAIN_OP, train)
    return x, gate, loss, train


def test_loop_graph_trains_after_import_in_a_new_process(tmp_path):
    with tf.Graph().as_default():
        x, gate, loss, train = _build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for k in range(3):
                sess.run(train, {x: X, gate: k % 2 == 0})
            path = saver.save(sess, str(tmp_path / "model"))
            expected = [float(sess.run([loss, train], {x: X, gate: k % 2 == 0})[0])
                        for k in range(4)]
    script = textwrap.dedent(f"""
        import json
        import numpy as np
        import graphflow as tf
        saver = tf.train.import_meta_graph({path + ".meta"!r})
        loss = tf.get_collection("loss")[0]
        train = tf.get_collection(tf.GraphKeys.TRAIN_OP)[0]
        x = np.array({X.tolist()!r}, np.float32)
        with tf.Session() as sess:
            saver.restore(sess, {path!r})
            out = [float(sess.run([loss, train], {{"x:0": x, "gate:0": k % 2 == 0}})[0])
                   for k in range(4)]
        print(json.dumps(out))
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=str(ROOT), timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert expected[2] < expected[0]  # it keeps training
