"""Random ops: RandomStandardNormal, TruncatedNormal, RandomUniform, RandomUniformInt.

Stateful: every run draws new numbers; a new session restarts each op's stream. Each op owns one
numpy Philox generator per session, keyed by its (graph seed, op seed) pair (see
`graphflow.framework.random_seed`), so an op's numbers never depend on which other ops ran.
"""

from __future__ import annotations

import numpy as np

from graphflow.framework.random_seed import seed_for_op

from ._rules import described_shape
from .registry import OpDef, Spec, register


def generator(seed: int | None, seed2: int | None, op_name: str) -> np.random.Generator:
    """A fresh generator for one op: deterministic from its seeds, else from OS entropy."""
    pair = seed_for_op(seed, seed2, op_name)
    if pair is None:
        return np.random.Generator(np.random.Philox())
    return np.random.Generator(np.random.Philox(key=pair[0] * 2**32 + pair[1]))


def _truncated(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal samples re-drawn until within two standard deviations (as TF)."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out


class _Random(OpDef):
    stateful = True
    differentiable = False

    def infer(self, inputs, attrs):
        shape = inputs[0]
        return [Spec(described_shape(shape), attrs["dtype"])]

    def bind(self, node, state):
        rng = state.rng(node.name, lambda: generator(node.attrs.get("seed"),
                                                     node.attrs.get("seed2"), node.name))
        dtype, attrs, draw = node.attrs["dtype"].np, node.attrs, self.draw

        def sample(shape, *extra):
            return draw(rng, tuple(int(d) for d in shape), attrs, *extra).astype(dtype, copy=False)

        return sample

    def reference(self, attrs, shape, *extra):
        rng = generator(attrs.get("seed"), attrs.get("seed2"), attrs.get("op_name", ""))
        return self.draw(rng, tuple(int(d) for d in shape), attrs, *extra).astype(attrs["dtype"].np)


@register
class RandomStandardNormal(_Random):
    """Samples of N(0, 1) (scaled and shifted by `tf.random_normal`)."""

    type = "RandomStandardNormal"

    @staticmethod
    def draw(rng, shape, attrs):
        return rng.standard_normal(shape)


@register
class TruncatedNormal(_Random):
    """N(0, 1) samples truncated to [-2, 2] by re-drawing."""

    type = "TruncatedNormal"

    @staticmethod
    def draw(rng, shape, attrs):
        return _truncated(rng, shape)


@register
class RandomUniform(_Random):
    """Uniform samples in [0, 1)."""

    type = "RandomUniform"

    @staticmethod
    def draw(rng, shape, attrs):
        return rng.random(shape)


@register
class RandomUniformInt(_Random):
    """Uniform integers in [minval, maxval) (inputs: shape, minval, maxval)."""

    type = "RandomUniformInt"

    def infer(self, inputs, attrs):
        return super().infer(inputs[:1], attrs)

    @staticmethod
    def draw(rng, shape, attrs, minval, maxval):
        return rng.integers(int(minval), int(maxval), size=shape)
