"""Candidate samplers (`tf.nn.uniform_candidate_sampler`, `log_uniform_candidate_sampler`,
`fixed_unigram_candidate_sampler`, also under `tf.random`) and `tf.nn.compute_accidental_hits`.

Each sampler is one stateful op (ops/candidate_sampler.py) returning the triple
`(sampled_candidates, true_expected_count, sampled_expected_count)` as TF1; seeds follow TF1's
graph/op seed rules like every random op.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphflow.framework import dtypes
from graphflow.framework.constant import convert_to_tensor
from graphflow.framework.random_seed import get_seed
from graphflow.framework.tensor import Tensor

from ._build import op, op_scope


def _sampler(op_type: str, true_classes: Any, num_true: int, num_sampled: int, unique: bool, range_max: int,
             seed: int | None, name: str | None, **extra: Any) -> tuple[Tensor, Tensor, Tensor]:
    classes = convert_to_tensor(true_classes, dtypes.int64) if not isinstance(true_classes, Tensor) \
        else true_classes
    seed1, seed2 = get_seed(seed)
    attrs = {"num_true": int(num_true), "num_sampled": int(num_sampled), "unique": bool(unique),
             "range_max": int(range_max), "seed": seed1, "seed2": seed2, **extra}
    return tuple(op(op_type, [classes], attrs, name).outputs)  # type: ignore[return-value]


def uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                              range_max: int, seed: int | None = None,
                              name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Samples `num_sampled` classes uniformly from [0, range_max).

    Args:
        true_classes: int64 `[batch, num_true]`: the target classes.
        num_true: the number of target classes per example.
        num_sampled: how many classes to sample.
        unique: sample without replacement (all candidates distinct).
        range_max: the number of possible classes.
        seed: the op seed.
        name: the op name.

    Returns:
        `(sampled_candidates int64 [num_sampled], true_expected_count float32 [batch, num_true],
        sampled_expected_count float32 [num_sampled])`.

    Raises:
        TypeError: `true_classes` is not int64. ValueError: a bad shape or size.
    """
    return _sampler("UniformCandidateSampler", true_classes, num_true, num_sampled, unique, range_max, seed,
                    name)


def log_uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                                  range_max: int, seed: int | None = None,
                                  name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Samples classes from the log-uniform (Zipfian) distribution
    `P(k) = log((k + 2) / (k + 1)) / log(range_max + 1)`, for vocabularies sorted by frequency.

    Args and Returns: as `uniform_candidate_sampler`.

    Raises:
        TypeError: `true_classes` is not int64. ValueError: a bad shape or size.
    """
    return _sampler("LogUniformCandidateSampler", true_classes, num_true, num_sampled, unique, range_max, seed,
                    name)


def fixed_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                                    range_max: int, vocab_file: str = "", distortion: float = 1.0,
                                    num_reserved_ids: int = 0, num_shards: int = 1, shard: int = 0,
                                    unigrams: Sequence[float] = (), seed: int | None = None,
                                    name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Samples classes in proportion to `unigrams ** distortion`.

    Args:
        true_classes, num_true, num_sampled, unique, range_max, seed, name: as
            `uniform_candidate_sampler`.
        vocab_file: a file of comma-separated lines whose last field is the class's count (instead
            of `unigrams`).
        distortion: the power applied to each count.
        num_reserved_ids: leading ids of weight zero (before the counts).
        num_shards, shard: keep only ids `i` with `i % num_shards == shard`.
        unigrams: the counts, one per class after the reserved ids.

    Returns:
        As `uniform_candidate_sampler`.

    Raises:
        ValueError: neither or both of `vocab_file` and `unigrams`, or a bad shard.
        (A `range_max` different from the shard's number of ids fails at run time.)
    """
    if bool(vocab_file) == bool(len(unigrams)):
        raise ValueError("fixed_unigram_candidate_sampler: give exactly one of vocab_file and unigrams")
    if not 0 <= int(shard) < int(num_shards):
        raise ValueError(f"fixed_unigram_candidate_sampler: shard {shard} not in [0, num_shards={num_shards})")
    return _sampler("FixedUnigramCandidateSampler", true_classes, num_true, num_sampled, unique, range_max,
                    seed, name, vocab_file=str(vocab_file), distortion=float(distortion),
                    num_reserved_ids=int(num_reserved_ids), num_shards=int(num_shards), shard=int(shard),
                    unigrams=tuple(float(u) for u in unigrams))


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int, seed: int | None = None,
                            name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """The (example, sampled position) pairs where a sampled candidate is one of the example's
    true classes, as TF1's sparse triple `(indices int32 [n], ids int64 [n], weights float32 [n])`:
    the example's row, the candidate's id, and -FLT_MAX (added to a logit, it removes the hit).
    Hits are ordered by example, then by sampled position.

    Args:
        true_classes: int64 `[batch, num_true]`.
        sampled_candidates: int64 `[num_sampled]`.
        num_true: the number of true classes per example.
        seed, name: as TF1 (seed unused: nothing is random).

    Returns:
        `(indices, ids, weights)` as above.
    """
    import graphflow as _tf

    with op_scope([true_classes, sampled_candidates], name, "ComputeAccidentalHits"):
        hit = accidental_hit_mask(true_classes, sampled_candidates)
        where = _tf.cast(_tf.where(hit), "int32")
        indices, positions = where[:, 0], where[:, 1]
        ids = _tf.gather(_tf.cast(sampled_candidates, "int64"), positions)
        weights = _tf.fill(_tf.shape(indices), _tf.constant(-3.4028234663852886e38, "float32"))
        return indices, ids, weights


def accidental_hit_mask(true_classes: Any, sampled_candidates: Any) -> Tensor:
    """bool `[batch, num_sampled]`: sampled candidate j equals one of example i's true classes."""
    import graphflow as _tf

    labels = _tf.cast(true_classes, "int64")
    sampled = _tf.cast(sampled_candidates, "int64")
    return _tf.reduce_any(_tf.equal(_tf.expand_dims(labels, 2), _tf.reshape(sampled, [1, 1, -1])), axis=1)
