"""Candidate-sampling losses: `tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss`.

Both score the true classes and `num_sampled` sampled classes (TF1's `_compute_sampled_logits`):
logits `inputs . w_c + b_c` for the true classes and the sampled ones, each minus the log of its
expected count (`subtract_log_q`), the sampled logits of accidental hits (a sampled class that is
one of the example's true classes) pushed to -FLT_MAX when `remove_accidental_hits`; then NCE
sums sigmoid cross-entropies against labels `1/num_true` (true) and 0 (sampled), and sampled
softmax takes the softmax cross-entropy over those logits. Everything after the sampler is made of
ordinary differentiable ops (gather, matmul, cross-entropy), so the gradients reach `weights`,
`biases` and `inputs`; the sampled values are behind `stop_gradient` as in TF1.
"""

from __future__ import annotations

from typing import Any

from graphflow.framework.tensor import Tensor

from ._build import op_scope
from .candidate_sampling import accidental_hit_mask, log_uniform_candidate_sampler

_FLOAT_MIN = -3.4028234663852886e38  # TF1's accidental-hit weight (the lowest float32)


def _sum_rows(x: Any) -> Tensor:
    import graphflow as _tf

    return _tf.reduce_sum(x, axis=1)


def compute_sampled_logits(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                           num_classes: int, num_true: int = 1, sampled_values: Any = None,
                           subtract_log_q: bool = True, remove_accidental_hits: bool = False,
                           partition_strategy: str = "mod", name: str | None = None,
                           seed: int | None = None) -> tuple[Tensor, Tensor]:
    """The logits `[batch, num_true + num_sampled]` and their labels (see the module docstring).

    Args:
        weights: `[num_classes, dim]` (a tensor, Variable, or list of shards).
        biases: `[num_classes]`.
        labels: int `[batch, num_true]`: the true classes.
        inputs: `[batch, dim]`: the activations.
        num_sampled: how many classes to sample per batch.
        num_classes: the number of classes.
        num_true: the number of true classes per example.
        sampled_values: a `(sampled_candidates, true_expected_count, sampled_expected_count)` triple;
            None draws it with `log_uniform_candidate_sampler(unique=True)`.
        subtract_log_q: subtract the log expected counts.
        remove_accidental_hits: give sampled classes that are true classes a logit of -FLT_MAX.
        partition_strategy: "mod" or "div" when `weights` is sharded.
        name: the name scope.
        seed: the sampler's seed.

    Returns:
        `(logits, labels)`, both `[batch, num_true + num_sampled]` in the inputs' dtype.
    """
    import graphflow as _tf

    shards = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    with op_scope([*shards, biases, inputs, labels], name, "compute_sampled_logits"):
        labels = _tf.convert_to_tensor(labels)
        if labels.dtype != _tf.int64:
            labels = _tf.cast(labels, _tf.int64)
        labels_flat = _tf.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes,
                                                           seed=seed)
        sampled, true_expected, sampled_expected = (_tf.stop_gradient(s) for s in sampled_values)
        sampled = _tf.cast(sampled, _tf.int64)
        inputs = _tf.convert_to_tensor(inputs)
        n_true = _tf.shape(labels_flat)[0]
        all_ids = _tf.concat([labels_flat, sampled], 0)
        all_w = _tf.nn.embedding_lookup(shards, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype != inputs.dtype:
            all_w = _tf.cast(all_w, inputs.dtype)
        true_w, sampled_w = all_w[:n_true], all_w[n_true:]
        all_b = _tf.nn.embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype != inputs.dtype:
            all_b = _tf.cast(all_b, inputs.dtype)
        true_b, sampled_b = all_b[:n_true], all_b[n_true:]
        sampled_logits = _tf.matmul(inputs, sampled_w, transpose_b=True) + sampled_b
        dim = _tf.shape(true_w)[1:2]
        per_true = _tf.expand_dims(inputs, 1) * _tf.reshape(true_w, _tf.concat([[-1, num_true], dim], 0))
        true_logits = _tf.reduce_sum(per_true, axis=2) + _tf.reshape(true_b, [-1, num_true])
        if remove_accidental_hits:
            hits = accidental_hit_mask(labels, sampled)
            sampled_logits += _tf.where(hits, _tf.fill(_tf.shape(sampled_logits),
                                                       _tf.constant(_FLOAT_MIN, sampled_logits.dtype)),
                                        _tf.zeros_like(sampled_logits))
        if subtract_log_q:
            true_logits -= _tf.log(_tf.cast(true_expected, true_logits.dtype))
            sampled_logits -= _tf.log(_tf.cast(sampled_expected, sampled_logits.dtype))
        out_logits = _tf.concat([true_logits, sampled_logits], 1)
        out_labels = _tf.concat([_tf.ones_like(true_logits) / num_true, _tf.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
             num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = False,
             partition_strategy: str = "mod", name: str = "nce_loss") -> Tensor:
    """Noise-contrastive estimation loss per example (`[batch]`; average it for training).

    Args: as `compute_sampled_logits` (`remove_accidental_hits` defaults to False here).

    Returns:
        float `[batch]`: the sum over the true and sampled classes of the sigmoid cross-entropy.
    """
    import graphflow as _tf

    logits, targets = compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                                             num_true=num_true, sampled_values=sampled_values,
                                             subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
                                             partition_strategy=partition_strategy, name=name)
    losses = _tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits, name="sampled_losses")
    return _sum_rows(losses)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                         num_classes: int, num_true: int = 1, sampled_values: Any = None,
                         remove_accidental_hits: bool = True, partition_strategy: str = "mod",
                         name: str = "sampled_softmax_loss", seed: int | None = None) -> Tensor:
    """The softmax cross-entropy over the true and `num_sampled` sampled classes (`[batch]`), a
    cheap training estimate of the full softmax loss.

    Args: as `compute_sampled_logits` (`remove_accidental_hits` defaults to True here).

    Returns:
        float `[batch]`: the per-example loss.
    """
    import graphflow as _tf

    logits, targets = compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                                             num_true=num_true, sampled_values=sampled_values,
                                             subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
                                             partition_strategy=partition_strategy, name=name, seed=seed)
    targets = _tf.stop_gradient(targets, name="labels_stop_gradient")
    return _tf.nn.softmax_cross_entropy_with_logits_v2(labels=targets, logits=logits)
