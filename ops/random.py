"""Random ops: RandomStandardNormal, TruncatedNormal, RandomUniform, RandomUniformInt.

Stateful: every run draws new numbers; a new session restarts each op's stream. Numbers are
counter-based (`ops/philox.py`): each op owns one Philox stream per session, keyed by its
(graph seed, op seed) pair (see `graphflow.framework.random_seed`), so an op's numbers never
depend on which other ops ran, nor on the backend: the CPU and the GPU draw the same values.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.random_seed import seed_for_op

from . import philox
from ._rules import described_shape
from .registry import OpDef, Spec, register


def session_stream(node, state) -> philox.Stream:
    """Random op `node`'s stream in a session: made on first use and shared by every plan and
    backend of that session, so the CPU and the device draw from one sequence."""
    return state.rng(node.name, lambda: op_stream(node.attrs, node.name))


def op_stream(attrs, op_name: str) -> philox.Stream:
    """A fresh stream for one op: deterministic from its seeds, else from OS entropy."""
    return philox.stream(seed_for_op(attrs.get("seed"), attrs.get("seed2"), op_name))


class _Random(OpDef):
    stateful = True
    differentiable = False
    distribution = "uniform"

    def infer(self, inputs, attrs):
        shape = inputs[0]
        return [Spec(described_shape(shape), attrs["dtype"])]

    def bind(self, node, state):
        stream = session_stream(node, state)
        dtype, draw = node.attrs["dtype"].np, self.draw

        def sample(shape, *extra):
            return draw(stream, tuple(int(d) for d in shape), dtype, *extra)

        return sample

    def draw(self, stream, shape, dtype, *extra):
        return philox.draw(stream, self.distribution, shape, dtype)

    def reference(self, attrs, shape, *extra):
        stream = op_stream(attrs, attrs.get("op_name", ""))
        return self.draw(stream, tuple(int(d) for d in shape), attrs["dtype"].np, *extra)


@register
class RandomStandardNormal(_Random):
    """Samples of N(0, 1) (scaled and shifted by `tf.random_normal`)."""

    type = "RandomStandardNormal"
    kernels = {"cuda": "graphflow.cuda.random:build_random"}
    distribution = "normal"


@register
class TruncatedNormal(_Random):
    """N(0, 1) samples truncated to [-2, 2] by re-drawing."""

    type = "TruncatedNormal"
    kernels = {"cuda": "graphflow.cuda.random:build_random"}
    distribution = "truncated_normal"


@register
class RandomUniform(_Random):
    """Uniform samples in [0, 1)."""

    type = "RandomUniform"
    kernels = {"cuda": "graphflow.cuda.random:build_random"}
    distribution = "uniform"


@register
class RandomUniformInt(_Random):
    """Uniform integers in [minval, maxval) (inputs: shape, minval, maxval)."""

    type = "RandomUniformInt"
    kernels = {"cuda": "graphflow.cuda.random:build_random"}
    distribution = "uniform_int"

    def infer(self, inputs, attrs):
        return super().infer(inputs[:1], attrs)

    def draw(self, stream, shape, dtype, minval, maxval):
        low, high = checked_bounds(minval, maxval)
        return philox.draw(stream, self.distribution, shape, dtype, low, high)


def checked_bounds(minval, maxval) -> tuple[int, int]:
    """RandomUniformInt's (minval, maxval) as ints.

    Raises:
        ValueError: unless minval < maxval (the session reports it naming the op).
    """
    low, high = int(np.asarray(minval)), int(np.asarray(maxval))
    if low >= high:
        raise ValueError(f"RandomUniformInt: need minval < maxval, got {low} >= {high}")
    return low, high
