"""The fused optimizer updates against the op-by-op form, interleaved in one process.

    python benchmarks/optimizer_updates.py        # run from the repository root

Prints one JSON line:
  mlp_step_cpu_ms_before / _after   CPU time (all threads) per Adam step of the shared bench's
                MLP (benchmarks/training.py's mlp_step), medians of rounds of 100 steps, the two
                sessions alternating: "before" builds Adam op by op (about ten elementwise
                kernels and an Assign copy per slot) with the numpy cross-entropy, "after"
                one ApplyAdam per variable and the numba cross-entropy
  apply_adam_us_fresh / _in_place   the ApplyAdam loop alone on the 784x256 variable, writing
                new arrays (what the op does while anything else holds the stored arrays) or
                into the stored arrays (what it does otherwise, ops/_unshared_arrays.py, and
                what TF1's ref variables do), median of 300 calls
CPU time, not wall time, so other processes on the machine disturb it less; run with
OPENBLAS_NUM_THREADS=1 to take the products' threads (identical in both forms) out of it.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import graphflow as tf  # noqa: E402
from graphflow.ops import registry  # noqa: E402
from graphflow.ops.training_ops import RULES, cpu_kernel_for  # noqa: E402
from graphflow.train.adam import AdamOptimizer  # noqa: E402


def _mlp(fused: bool):
    """A session, train op and feed of the MLP, built op by op or fused (kernels chosen when
    the first step compiles the plan, so the switches are set around that step)."""
    cross_entropy = type(registry.get("SparseSoftmaxCrossEntropyWithLogits"))
    saved = AdamOptimizer.__dict__["_fused"], cross_entropy.cpu_kernel
    AdamOptimizer._fused = property(lambda self: fused)
    if not fused:
        cross_entropy.cpu_kernel = lambda self, node: None
    try:
        rng = np.random.RandomState(0)
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(0)
            x, y = tf.placeholder(tf.float32, [None, 784]), tf.placeholder(tf.int64, [None])
            h = x
            for m, n in [(784, 256), (256, 256)]:
                w = tf.Variable(tf.truncated_normal([m, n], stddev=0.05))
                h = tf.nn.relu(tf.matmul(h, w) + tf.Variable(tf.zeros([n])))
            logits = tf.matmul(h, tf.Variable(tf.truncated_normal([256, 10], stddev=0.05)))
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                                logits=logits))
            train = tf.train.AdamOptimizer(1e-3).minimize(loss)
            sess = tf.Session(graph=graph)
            sess.run(tf.global_variables_initializer())
        feed = {x: rng.rand(128, 784).astype(np.float32),
                y: rng.randint(0, 10, 128).astype(np.int64)}
        sess.run(train, feed)
        return sess, train, feed
    finally:
        AdamOptimizer._fused, cross_entropy.cpu_kernel = saved


def step_cpu_ms(rounds: int = 7) -> dict[str, float]:
    runs = {"before": _mlp(False), "after": _mlp(True)}
    times: dict[str, list[float]] = {k: [] for k in runs}
    for sess, train, feed in runs.values():
        for _ in range(30):
            sess.run(train, feed)
    for _ in range(rounds):
        for name, (sess, train, feed) in runs.items():
            start = time.process_time()
            for _ in range(100):
                sess.run(train, feed)
            times[name].append((time.process_time() - start) * 10)
    return {f"mlp_step_cpu_ms_{k}": round(statistics.median(v), 3) for k, v in times.items()}


def apply_adam_us() -> dict[str, float]:
    rule = RULES["ApplyAdam"]
    kernel = cpu_kernel_for(rule, rule.body, "float32")
    # the loop storing into its inputs (what the op runs when nothing else holds the arrays)
    in_place_kernel = cpu_kernel_for(rule, rule.body, "float32", in_place=True)
    rng = np.random.default_rng(0)
    var, m, v, grad = (rng.random(784 * 256, np.float32) for _ in range(4))
    scalars = [np.float32(s) for s in (0.9, 0.999, 1e-3, 0.9, 0.999, 1e-8)]
    state = {"var": var, "m": m, "v": v}

    def fresh() -> None:
        new = [np.empty_like(var) for _ in range(3)]
        kernel(state["var"], state["m"], state["v"], grad, *new, *scalars)
        state.update(zip(("var", "m", "v"), new))  # the old arrays are freed, as in the store

    def in_place() -> None:
        in_place_kernel(var, m, v, grad, *scalars)

    out = {}
    for name, fn in (("fresh", fresh), ("in_place", in_place)):
        for _ in range(20):
            fn()
        samples = []
        for _ in range(300):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        out[f"apply_adam_us_{name}"] = round(statistics.median(samples) * 1e6, 1)
    return out


if __name__ == "__main__":
    print(json.dumps({**step_cpu_ms(), **apply_adam_us()}))
