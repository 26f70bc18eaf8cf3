"""Candidate samplers: UniformCandidateSampler, LogUniformCandidateSampler,
FixedUnigramCandidateSampler (the negative classes of `tf.nn.nce_loss` / `sampled_softmax_loss`).

Input: `true_classes` int64 `[batch, num_true]`. Outputs, as TF1: `sampled_candidates` int64
`[num_sampled]`, `true_expected_count` float32 `[batch, num_true]`, `sampled_expected_count`
float32 `[num_sampled]`. With `unique=True` the candidates are drawn until `num_sampled` distinct
ones are found, and the expected count of a class of probability p after `n` tries is
`-expm1(n * log1p(-p))` (`p * num_sampled` when no draw was rejected), TF1's formula.

The sampler is stateful and host-side on every backend (TF1 has only CPU kernels for it): it
draws uniform float64 numbers from the op's Philox stream (`ops/philox.py`, keyed by its seeds as
every random op) and maps them through the distribution's inverse CDF. A new session restarts
the stream; the numbers are not TF's (its sampler uses another generator).
"""

from __future__ import annotations

import numpy as np

from graphflow.framework import dtypes
from graphflow.framework.tensor_shape import TensorShape

from . import philox
from .random import op_stream, session_stream
from .registry import OpDef, Spec, register

#: uniform numbers drawn per refill while a unique sample is incomplete (at least this many)
_CHUNK = 64


class _CandidateSampler(OpDef):
    stateful = True
    differentiable = False
    host_memory = True  # TF1 registers these kernels on the CPU only

    def infer(self, inputs, attrs):
        classes = inputs[0]
        if classes.dtype != dtypes.int64:
            raise TypeError(f"{self.type}: input 'true_classes' has type {classes.dtype.name} that does "
                            "not match expected type of int64")
        if classes.rank is not None and classes.rank != 2:
            raise ValueError(f"{self.type}: true_classes must be a matrix [batch, num_true], got shape "
                             f"{classes.shape}")
        num_true, num_sampled = int(attrs["num_true"]), int(attrs["num_sampled"])
        batch = classes.shape.dims[0] if classes.rank is not None else None
        if classes.rank is not None and classes.shape.dims[1] not in (None, num_true):
            raise ValueError(f"{self.type}: true_classes has {classes.shape.dims[1]} columns, but "
                             f"num_true is {num_true}")
        if num_sampled < 1 or int(attrs["range_max"]) < 1:
            raise ValueError(f"{self.type}: num_sampled ({num_sampled}) and range_max "
                             f"({attrs['range_max']}) must be positive")
        return [Spec(TensorShape([num_sampled]), dtypes.int64),
                Spec(TensorShape([batch, num_true]), dtypes.float32),
                Spec(TensorShape([num_sampled]), dtypes.float32)]

    # -- the distribution: subclasses give probabilities and the inverse CDF --------------------
    def probabilities(self, attrs, ids: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def candidates(self, attrs, uniforms: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def sample(self, stream: philox.Stream, attrs, true_classes: np.ndarray):
        """The three outputs for one run, drawing from `stream`.

        Raises:
            ValueError: `unique=True` with `num_sampled > range_max`, or true classes outside
                [0, range_max) (the session reports it naming the op).
        """
        num_sampled, range_max = int(attrs["num_sampled"]), int(attrs["range_max"])
        classes = np.asarray(true_classes, np.int64)
        if classes.size and (classes.min() < 0 or classes.max() >= range_max):
            raise ValueError(f"{self.type}: true_classes must lie in [0, {range_max}), got values in "
                             f"[{classes.min()}, {classes.max()}]")
        if attrs["unique"]:
            if num_sampled > range_max:
                raise ValueError(f"{self.type}: the sampler's range ({range_max}) is too small for "
                                 f"{num_sampled} unique samples")
            picked, tries = self._unique(stream, attrs, num_sampled)
        else:
            uniforms = philox.draw(stream, "uniform", (num_sampled,), np.dtype(np.float64))
            picked = self.candidates(attrs, uniforms)
            tries = num_sampled

        def expected(ids: np.ndarray) -> np.ndarray:
            p = self.probabilities(attrs, ids)
            if tries == num_sampled:
                return (p * num_sampled).astype(np.float32)
            return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)

        return picked, expected(classes), expected(picked)

    def _unique(self, stream: philox.Stream, attrs, count: int) -> tuple[np.ndarray, int]:
        """`count` distinct candidates in order of first appearance, and the draws it took."""
        picked: list[int] = []
        seen: set[int] = set()
        tries = 0
        while len(picked) < count:
            batch = self.candidates(attrs, philox.draw(stream, "uniform", (max(_CHUNK, 2 * count),),
                                                       np.dtype(np.float64)))
            for value in batch.tolist():
                tries += 1
                if value not in seen:
                    seen.add(value)
                    picked.append(value)
                    if len(picked) == count:
                        break
        return np.array(picked, np.int64), tries

    def bind(self, node, state):
        stream, attrs = session_stream(node, state), node.attrs

        def run(true_classes):
            return self.sample(stream, attrs, true_classes)

        return run

    def reference(self, attrs, true_classes):
        return self.sample(op_stream(attrs, attrs.get("op_name", "")), attrs, true_classes)


@register
class UniformCandidateSampler(_CandidateSampler):
    """Classes drawn uniformly from [0, range_max)."""

    type = "UniformCandidateSampler"

    def probabilities(self, attrs, ids):
        return np.full(np.shape(ids), 1.0 / int(attrs["range_max"]))

    def candidates(self, attrs, uniforms):
        range_max = int(attrs["range_max"])
        return np.minimum((uniforms * range_max).astype(np.int64), range_max - 1)


@register
class LogUniformCandidateSampler(_CandidateSampler):
    """Zipfian classes: P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (frequent words first)."""

    type = "LogUniformCandidateSampler"

    def probabilities(self, attrs, ids):
        k = np.asarray(ids, np.float64)
        return (np.log(k + 2.0) - np.log(k + 1.0)) / np.log(int(attrs["range_max"]) + 1.0)

    def candidates(self, attrs, uniforms):
        range_max = int(attrs["range_max"])
        # exp(u log(R + 1)) - 1 lies in [0, R); the modulo guards the rounding at the top
        values = np.exp(uniforms * np.log(range_max + 1.0)).astype(np.int64) - 1
        return values % range_max


@register
class FixedUnigramCandidateSampler(_CandidateSampler):
    """Classes drawn in proportion to `unigrams ** distortion` (counts from `unigrams` or from a
    `vocab_file` of comma-separated lines whose last field is the count), after
    `num_reserved_ids` classes of weight zero; with `num_shards > 1` only the ids `i` with
    `i % num_shards == shard` are kept, numbered in order (TF1's sharding)."""

    type = "FixedUnigramCandidateSampler"

    def _weights(self, attrs) -> np.ndarray:
        counts = list(attrs.get("unigrams") or [])
        if attrs.get("vocab_file"):
            with open(attrs["vocab_file"], encoding="utf-8") as handle:
                counts = [float(line.rstrip("\n").split(",")[-1]) for line in handle if line.strip()]
        reserved, shards, shard = int(attrs["num_reserved_ids"]), int(attrs["num_shards"]), int(attrs["shard"])
        full = np.concatenate([np.zeros(reserved), np.power(np.asarray(counts, np.float64),
                                                            float(attrs["distortion"]))])
        weights = full[np.arange(full.size) % shards == shard]
        if weights.size != int(attrs["range_max"]):
            raise ValueError(f"{self.type}: range_max ({attrs['range_max']}) must equal the number of "
                             f"ids of this shard ({weights.size}: {reserved} reserved + {len(counts)} counts)")
        if not weights.sum() > 0:
            raise ValueError(f"{self.type}: the unigram weights sum to zero")
        return weights

    def probabilities(self, attrs, ids):
        weights = self._weights(attrs)
        return weights[np.asarray(ids, np.int64)] / weights.sum()

    def candidates(self, attrs, uniforms):
        cumulative = np.cumsum(self._weights(attrs))
        ids = np.searchsorted(cumulative, uniforms * cumulative[-1], side="right")
        return np.minimum(ids, cumulative.size - 1).astype(np.int64)
