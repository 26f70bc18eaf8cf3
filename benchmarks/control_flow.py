"""Control-flow workloads, written once in TF1 style and run on either engine.

    TF1_IMPL=graphflow python benchmarks/control_flow.py     # or TF1_IMPL=tf (needs TensorFlow)
    python benchmarks/control_flow.py --compare               # both, with ratios (needs
                                                              # TensorFlow in TF_PYTHON's env)

Prints one JSON line of medians:
  while_iter_us      per-iteration cost of a tf.while_loop with a tiny body (2 scalar ops),
                     from 10000 iterations in one run
  while_grad_iter_us per-iteration cost of forward + backward of a loop of 1000 iterations
                     (y = y * x + 1 on a [16] vector, gradient w.r.t. x)
  cond_run_us        one Session.run of a tf.cond on a fed predicate (tiny branches)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from timing import median_seconds

if os.environ.get("TF1_IMPL", "graphflow") == "tf":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    if os.environ.get("TF_CONTROL_FLOW", "v1") == "v1":
        tf.disable_control_flow_v2()
else:
    import graphflow as tf


def while_iteration() -> float:
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        _, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s * 0.999 + 1.0),
                             [tf.constant(0), tf.constant(0.0)])
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(s, {n: 10000}), 15, warmups=3) / 10000


def while_gradient_iteration() -> float:
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [16])
        _, y = tf.while_loop(lambda i, y: i < 1000, lambda i, y: (i + 1, y * x + 1.0),
                             [tf.constant(0), tf.zeros([16])])
        (g,) = tf.gradients(tf.reduce_sum(y), [x])
        xv = np.full(16, 0.5, np.float32)
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(g, {x: xv}), 7, warmups=3) / 1000


def cond_run() -> float:
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float32, [])
        y = tf.cond(p, lambda: x * 2.0, lambda: x + 1.0)
        with tf.Session() as sess:
            return median_seconds(lambda: sess.run(y, {p: True, x: 1.0}), 2000, warmups=3)


def measure() -> dict[str, float]:
    return {"while_iter_us": round(while_iteration() * 1e6, 2),
            "while_grad_iter_us": round(while_gradient_iteration() * 1e6, 2),
            "cond_run_us": round(cond_run() * 1e6, 2)}


def compare() -> dict[str, float]:
    """Runs both engines (TensorFlow through TF_PYTHON, default /work/tfenv/bin/python)."""
    here = os.path.abspath(__file__)
    results = {}
    for impl, python in (("graphflow", sys.executable),
                         ("tf", os.environ.get("TF_PYTHON", "/work/tfenv/bin/python"))):
        env = {**os.environ, "TF1_IMPL": impl}
        if impl == "graphflow":  # this checkout's graphflow, not an installed one
            env["PYTHONPATH"] = os.pathsep.join(
                [os.path.dirname(os.path.dirname(here)), env.get("PYTHONPATH", "")])
        out = subprocess.run([python, here], env=env, capture_output=True, text=True, check=True)
        results[impl] = json.loads(out.stdout.strip().splitlines()[-1])
    line = {f"{k}_{impl}": v for impl, r in results.items() for k, v in r.items()}
    for key in results["graphflow"]:
        line[f"{key}_ratio"] = round(results["graphflow"][key] / results["tf"][key], 3)
    return line


if __name__ == "__main__":
    print(json.dumps(compare() if "--compare" in sys.argv else measure()))
