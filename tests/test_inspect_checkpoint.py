"""`python -m graphflow.inspect_checkpoint`: lists variables, prints values, fails clearly; the
checkpoint named by its prefix, any of its files (TF1's file names too) or its directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import graphflow as tf
from graphflow.inspect_checkpoint import checkpoint_prefix

#: The checkout under test comes first on the subprocess's path (not an installed graphflow).
ROOT = Path(__file__).resolve().parents[1]


def _inspect(*args, cwd):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    return subprocess.run([sys.executable, "-m", "graphflow.inspect_checkpoint", *args],
                          capture_output=True, text=True, cwd=cwd, env=env)


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


def _saved(tmp_path):
    tf.Variable(np.arange(3, dtype=np.float32), name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"), global_step=7)
    return tmp_path / "model.ckpt-7"


@pytest.mark.parametrize("name", ["model.ckpt-7", "model.ckpt-7.safetensors", "model.ckpt-7.meta",
                                  "model.ckpt-7.index", "model.ckpt-7.data-00000-of-00001", "."])
def test_every_way_of_naming_the_checkpoint(graph, tmp_path, name):
    """The prefix, either of its files (TF1's file names too), or the directory."""
    prefix = _saved(tmp_path)
    assert (tmp_path / "model.ckpt-7.safetensors").is_file() and (tmp_path / "model.ckpt-7.meta").is_file()
    out = _inspect(str(tmp_path / name), "--tensor_name", "v", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["tensor_name: v  dtype: float32  shape: [3]", "[0. 1. 2.]"]
    assert checkpoint_prefix(str(tmp_path / name)) == (str(prefix) if name != "." else
                                                        str(tmp_path / name))


def test_file_name_of_a_missing_checkpoint_is_reported_as_given(graph, tmp_path):
    out = _inspect(str(tmp_path / "gone.safetensors"), cwd=tmp_path)
    assert out.returncode == 1 and "gone.safetensors" in out.stderr
