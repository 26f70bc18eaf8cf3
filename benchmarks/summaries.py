"""What summaries add to a training step: tf1_bench.py's mlp (784-256-256-10, Adam, batch 128)
with `merge_all` of 10 scalars and 2 histograms (the two hidden weight matrices) fetched every
100 steps and written by a FileWriter, against the same steps without summaries.

Blocks of 100 steps with and without summaries alternate (so that load from other processes
hits both alike): `overhead_pct_blocks` is the ratio of the median block times. On a shared
machine bursts of load swamp that, so `overhead_pct` comes from the pieces instead: the median
extra time of a summary step over a plain one (30 pairs, alternately) and of `add_summary`,
spread over the `--every` steps. Prints one JSON line.

    python benchmarks/summaries.py [--blocks 15] [--every 100]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np
from mlp_graph import build_mlp

import graphflow as tf


def _norm(t):
    return tf.sqrt(tf.reduce_sum(tf.square(t)))


def build(rng: np.random.RandomState):
    """The mlp training step and its summaries; returns (feed, train op, merged summary)."""
    mlp = build_mlp(tf, output_bias=True)
    y, h, logits, loss = mlp.y, mlp.hidden, mlp.logits, mlp.loss
    weights, w_out = mlp.weights[:2], mlp.weights[2]
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    scalars = {"loss": loss, "accuracy": accuracy, "logits_mean": tf.reduce_mean(logits),
               "logits_max": tf.reduce_max(logits), "hidden_mean": tf.reduce_mean(h),
               "hidden_zero_fraction": tf.nn.zero_fraction(h), "w1_norm": _norm(weights[0]),
               "w2_norm": _norm(weights[1]), "w_out_norm": _norm(w_out),
               "w1_mean": tf.reduce_mean(weights[0])}
    for name, value in scalars.items():
        tf.summary.scalar(name, value)
    tf.summary.histogram("w1", weights[0])
    tf.summary.histogram("w2", weights[1])
    return mlp.feed(rng), mlp.train, tf.summary.merge_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=15)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    feed, train, merged = build(np.random.RandomState(0))
    with tempfile.TemporaryDirectory() as logdir, tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir)
        sess.run(tf.global_variables_initializer())
        step = 0

        def block(with_summaries: bool) -> float:
            nonlocal step
            start = time.perf_counter()
            for i in range(args.every):
                if with_summaries and i == 0:
                    _, summary = sess.run([train, merged], feed)
                    writer.add_summary(summary, step)
                else:
                    sess.run(train, feed)
                step += 1
            return time.perf_counter() - start

        block(True)  # compiles both plans
        block(False)
        plain, summarized = [], []
        for _ in range(args.blocks):
            plain.append(block(False))
            summarized.append(block(True))
        # the pieces of one summary step, after the measurement
        pieces = []
        for _ in range(30):
            t0 = time.perf_counter()
            _, summary = sess.run([train, merged], feed)
            t1 = time.perf_counter()
            writer.add_summary(summary, step)
            t2 = time.perf_counter()
            sess.run(train, feed)
            pieces.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
        writer.close()
    plain_ms = float(np.median(plain)) / args.every * 1e3
    summarized_ms = float(np.median(summarized)) / args.every * 1e3
    run_s, add_s, step_s = np.median(np.asarray(pieces), axis=0)
    print(json.dumps({
        "bench": "summaries", "workload": "mlp", "every": args.every, "blocks": args.blocks,
        "step_ms": round(plain_ms, 4), "step_with_summaries_ms": round(summarized_ms, 4),
        # the extra cost of one summary step (and its add_summary), spread over the steps between
        # two summaries: steady across runs on a shared machine
        "overhead_pct": round((run_s - step_s + add_s) / (args.every * step_s) * 100, 2),
        "summary_step_extra_ms": round((run_s - step_s) * 1e3, 3), "add_summary_ms": round(add_s * 1e3, 3),
        # the same from whole blocks: exact on a quiet machine, swamped by other processes' bursts
        "overhead_pct_blocks": round((summarized_ms / plain_ms - 1) * 100, 2)}))


if __name__ == "__main__":
    main()
