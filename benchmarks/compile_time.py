"""Compile-time workloads: the first `run` of long chains, written once in TF1 style and run on
either engine.

    TF1_IMPL=graphflow python benchmarks/compile_time.py [--sizes 1000,10000,100000] [--grad-depth 1000]
    TF1_IMPL=tf /path/to/tfenv/bin/python benchmarks/compile_time.py

Prints one JSON line (seconds; `*_per_op_us`: microseconds per op of the first run):
  chain{N}_first_s    first `sess.run` of an N-op elementwise chain (`h*a+b`, `max(h,c)`...,
                      repeating blocks of 4 ops on a [32, 64] float32 placeholder): prune,
                      compile, generate and compile kernels, run once
  chain{N}_build_s    building that graph (not part of the first run)
  sin_grad{D}_first_s first run of a D-deep `sin` chain and its gradient with respect to x
  newbatch_ms         a run with a batch size the session has not seen yet, after 20 others
                      (graphflow: no new plan; TensorFlow: its ordinary run), on a 64-256-10 MLP
Each workload runs in a fresh graph and session; numba's disk cache is whatever is in place
(run with an empty GF_CACHE_DIR / NUMBA_CACHE_DIR for cold figures).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

if os.environ.get("TF1_IMPL", "graphflow") == "tf":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
else:
    import graphflow as tf


def _chain_graph(n: int):
    """A placeholder and an n-op elementwise chain over it (blocks of 4 arithmetic ops)."""
    x = tf.placeholder(tf.float32, [None, 64])
    h = x
    for k in range(n):
        step = k % 4
        if step == 0:
            h = h * 0.999
        elif step == 1:
            h = h + 0.001
        elif step == 2:
            h = tf.maximum(h, -10.0)
        else:
            h = h - 0.0005
    return x, h


def chain_first_run(n: int) -> tuple[float, float]:
    """(build seconds, first-run seconds) of the n-op chain."""
    xv = np.random.RandomState(0).rand(32, 64).astype(np.float32)
    with tf.Graph().as_default():
        start = time.perf_counter()
        x, h = _chain_graph(n)
        built = time.perf_counter()
        with tf.Session() as sess:
            start_run = time.perf_counter()
            sess.run(h, {x: xv})
            return built - start, time.perf_counter() - start_run


def sin_grad_first_run(depth: int) -> float:
    """First-run seconds of a depth-deep sin chain and its gradient."""
    xv = np.random.RandomState(0).rand(32, 64).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        h = x
        for _ in range(depth):
            h = tf.sin(h)
        (g,) = tf.gradients(tf.reduce_sum(h), [x])
        with tf.Session() as sess:
            start = time.perf_counter()
            sess.run([h, g], {x: xv})
            return time.perf_counter() - start


def new_batch_run(seen: int = 20) -> float:
    """Seconds of a run whose batch size is new, after `seen` other batch sizes."""
    rng = np.random.RandomState(0)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        h = tf.nn.relu(tf.matmul(x, tf.Variable(rng.rand(64, 256).astype(np.float32))) + 0.1)
        y = tf.nn.softmax(tf.matmul(h, tf.Variable(rng.rand(256, 10).astype(np.float32))))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for b in range(1, seen + 1):
                sess.run(y, {x: rng.rand(b, 64).astype(np.float32)})
            times = []
            for b in range(seen + 1, seen + 6):
                xv = rng.rand(b, 64).astype(np.float32)
                start = time.perf_counter()
                sess.run(y, {x: xv})
                times.append(time.perf_counter() - start)
            return float(np.median(times))


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--grad-depth", type=int, default=1000)
    args = parser.parse_args()
    if os.environ.get("TF1_IMPL") == "tf":  # graphflow's passes do not recurse per op
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 1_000_000))
    results: dict = {"impl": os.environ.get("TF1_IMPL", "graphflow")}
    for n in (int(s) for s in args.sizes.split(",") if s):
        build, first = chain_first_run(n)
        results[f"chain{n}_build_s"] = build
        results[f"chain{n}_first_s"] = first
        results[f"chain{n}_per_op_us"] = first / n * 1e6
    if args.grad_depth:
        results[f"sin_grad{args.grad_depth}_first_s"] = sin_grad_first_run(args.grad_depth)
    results["newbatch_ms"] = new_batch_run() * 1e3
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    print(json.dumps(main()))
