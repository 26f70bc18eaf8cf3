"""`python -m graphflow.inspect_checkpoint`: lists variables, prints values, fails clearly."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import graphflow as tf


def _inspect(*args, cwd):
    return subprocess.run([sys.executable, "-m", "graphflow.inspect_checkpoint", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_lists_variables_with_shapes_and_dtypes(graph, tmp_path):
    tf.Variable(np.zeros((2, 3), np.float32), name="layer/w")
    tf.Variable(np.int64(4), name="step")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "m"), global_step=4)
    out = _inspect(str(tmp_path), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "tensor_name: layer/w  dtype: float32  shape: [2, 3]",
        "tensor_name: step  dtype: int64  shape: []"]
    value = _inspect(str(tmp_path / "m-4"), "--tensor_name", "step", cwd=tmp_path)
    assert value.stdout.splitlines()[-1] == "4"


def test_missing_and_corrupted_checkpoints_exit_with_a_message(graph, tmp_path):
    out = _inspect(str(tmp_path / "nothing"), cwd=tmp_path)
    assert out.returncode == 1 and "Failed to find" in out.stderr
    (tmp_path / "junk.safetensors").write_bytes(b"\x00" * 5)
    out = _inspect(str(tmp_path / "junk"), cwd=tmp_path)
    assert out.returncode == 1 and "truncated or corrupted" in out.stderr
