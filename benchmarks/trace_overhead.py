"""Cost of a traced run: the median MLP training step (tf1_bench.py's mlp: 784-256-256-10, Adam,
batch 128) plain and with `RunOptions(trace_level=FULL_TRACE)`, with and without reading the step
stats (the StepStats messages are built when first read); the three run alternately. Prints one
JSON line.

    python benchmarks/trace_overhead.py [--steps 100]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from mlp_graph import build_mlp

import graphflow as tf


def _interleaved_medians(fns, steps: int) -> list[float]:
    """Median seconds of each function of `fns`, run in turn, so that load from other
    processes hits all alike."""
    for _ in range(3):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(steps):
        for fn, out in zip(fns, times):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args()
    mlp = build_mlp(tf, output_bias=True)
    train, feed = mlp.train, mlp.feed(np.random.RandomState(0))
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        def traced_and_read() -> None:
            metadata = tf.RunMetadata()
            sess.run(train, feed, options=options, run_metadata=metadata)
            assert metadata.step_stats.dev_stats  # builds the StepStats messages

        plain, traced, read = _interleaved_medians([
            lambda: sess.run(train, feed),
            lambda: sess.run(train, feed, options=options, run_metadata=tf.RunMetadata()),
            traced_and_read], args.steps)
    print(json.dumps({"bench": "trace_overhead", "workload": "mlp", "plain_step_ms": round(plain * 1e3, 3),
                      "traced_step_ms": round(traced * 1e3, 3), "ratio": round(traced / plain, 3),
                      "traced_and_stats_read_ms": round(read * 1e3, 3),
                      "ratio_with_stats_read": round(read / plain, 3)}))


if __name__ == "__main__":
    main()
