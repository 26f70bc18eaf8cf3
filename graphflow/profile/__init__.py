"""Per-op profiling in the spirit of `caffe time`: `python -m graphflow.profile` (see __main__).

Two sources of runs:
- `profile_script(path, argv)`: runs a Python program with every session run traced (see
  recorder.py) until its most frequent run signature (the training step) has run
  `warmup + iterations` times, then stops it;
- `profile_meta_graph(meta, fetches, ...)`: imports a meta graph, initializes or restores its
  variables, feeds random values of the placeholders' shapes and runs the fetches.
Both return a `StepProfile` (report.py) of mean kernel times, forward and backward.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .recorder import EnoughRuns, TraceRecorder
from .report import StepProfile

__all__ = ["EnoughRuns", "StepProfile", "TraceRecorder", "profile_meta_graph", "profile_script"]


def profile_script(path: str, argv: Sequence[str] = (), iterations: int = 10,
                   warmup: int = 2) -> tuple[StepProfile, list[Any]]:
    """Runs the program at `path` (as `python path *argv`) with every session run traced.

    Args:
        path: the Python file.
        argv: its command-line arguments.
        iterations: runs of the busiest signature to average, after `warmup` runs.
        warmup: runs of each signature left out (the first compiles kernels).

    Returns:
        (the StepProfile of the signature that ran most, the step stats of its runs).

    Raises:
        RuntimeError: when no signature ran more than `warmup` times.
        Whatever the program raises.
    """
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # as `python path` does
    recorder = TraceRecorder(warmup, iterations)
    try:
        with recorder:
            runpy.run_path(path, run_name="__main__")
    except EnoughRuns:
        pass
    except SystemExit as e:
        if e.code not in (None, 0):
            raise
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    runs = recorder.busiest()
    return StepProfile.from_step_stats(runs), runs


def random_feed(dtype: Any, shape: Sequence[int], rng: np.random.Generator, int_high: int) -> np.ndarray:
    """A value to feed a placeholder: uniform [0, 1) floats, integers in [0, int_high),
    False for booleans."""
    if dtype.is_floating:
        return rng.random(shape).astype(dtype.np)
    if dtype.is_integer:
        return rng.integers(0, int_high, size=shape).astype(dtype.np)
    if dtype.is_bool:
        return np.zeros(shape, bool)
    raise ValueError(f"cannot make a random value of dtype {dtype.name}")


def _placeholder_feeds(graph: Any, shapes: Mapping[str, Sequence[int]], batch: int | None,
                       rng: np.random.Generator, int_high: int) -> dict[Any, np.ndarray]:
    """A random value for every placeholder whose shape is known, given (`shapes`, by op or
    tensor name) or completed by `batch` in its first dimension."""
    feeds = {}
    for op in graph.get_operations():
        if op.type != "Placeholder":
            continue
        tensor = op.outputs[0]
        dims = shapes.get(op.name, shapes.get(tensor.name))
        if dims is None:
            known = tensor.shape.dims
            if known is None:
                continue
            dims = list(known)
            if dims and dims[0] is None and batch is not None:
                dims[0] = batch
            if any(d is None for d in dims):
                continue  # fed only when needed: the run then names it
        feeds[tensor] = random_feed(tensor.dtype, [int(d) for d in dims], rng, int_high)
    return feeds


def profile_meta_graph(meta_path: str, fetches: Sequence[str], feed_shapes: Mapping[str, Sequence[int]]
                       | None = None, checkpoint: str | None = None, batch: int | None = None,
                       iterations: int = 10, warmup: int = 2, int_high: int = 2,
                       seed: int = 0) -> tuple[StepProfile, list[Any]]:
    """Profiles `fetches` of a meta graph on random feeds.

    Args:
        meta_path: a `.meta` file written by `tf.train.Saver` / `export_meta_graph`.
        fetches: tensor or op names to run (`loss`, `loss:0`, `train_op`).
        feed_shapes: {placeholder name: shape} for placeholders with unknown dimensions.
        checkpoint: a checkpoint prefix to restore; without it variables are initialized.
        batch: fills an unknown first dimension of the other placeholders.
        iterations / warmup: runs averaged, and runs before them left out.
        int_high: integer placeholders get values in [0, int_high) (class labels).
        seed: of the random feeds.

    Returns:
        (the StepProfile, the step stats of the averaged runs).

    Raises:
        KeyError / ValueError: a fetch or feed name the graph lacks.
        OpError: the run fails (an unfed placeholder is named by TF1's error).
    """
    import graphflow as tf

    graph = tf.Graph()
    with graph.as_default():
        saver = tf.train.import_meta_graph(meta_path)
        targets = [graph.as_graph_element(name) for name in fetches]
        unknown = set(feed_shapes or {}) - {op.name for op in graph.get_operations()} - {
            t.name for op in graph.get_operations() for t in op.outputs}
        if unknown:
            raise KeyError(f"--feed-shapes names no placeholder of the graph: {sorted(unknown)}")
        feeds = _placeholder_feeds(graph, feed_shapes or {}, batch, np.random.default_rng(seed), int_high)
        with tf.Session() as sess:
            if checkpoint:
                (saver or tf.train.Saver()).restore(sess, checkpoint)
            else:
                sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            recorder = TraceRecorder(warmup, None)
            with recorder:
                for _ in range(warmup + iterations):
                    sess.run(targets, feeds)
    runs = recorder.busiest()
    return StepProfile.from_step_stats(runs), runs
