"""A FULL_TRACE run on the CUDA backend (numba's simulator, in a child process): kernels are
reported on TF1's GPU device with their outputs' bytes, and the values are those of a plain run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json
import numpy as np
import graphflow as tf
x = tf.placeholder(tf.float32, [4, 3], name="x")
y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, tf.ones([3, 2]), name="mm") - 1.0), name="s")
md = tf.RunMetadata()
with tf.Session() as sess:
    plain = float(sess.run(y, {x: np.arange(12).reshape(4, 3)}))
    traced = float(sess.run(y, {x: np.arange(12).reshape(4, 3)},
                            options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md))
    backend = sess.backend
print(json.dumps({"backend": backend, "plain": plain, "traced": traced, "devices": {
    d.device: [[n.node_name, [o.tensor_description.allocation_description.allocated_bytes for o in n.output]]
               for n in d.node_stats] for d in md.step_stats.dev_stats}}))
"""


def test_traced_run_on_the_simulated_gpu(tmp_path):
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "GF_BACKEND": "cuda", "GF_CACHE_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True,
                         cwd=str(ROOT), timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["backend"] == "cuda"
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    expected = float(np.maximum(x @ np.ones((3, 2), np.float32) - 1, 0).sum())
    assert result["plain"] == result["traced"] == expected
    gpu = dict(result["devices"]["/job:localhost/replica:0/task:0/device:GPU:0"])
    assert gpu["mm"] == [4 * 2 * 4] and gpu["s"] == [4]
    assert result["devices"]["/job:localhost/replica:0/task:0/device:CPU:0"] == []
